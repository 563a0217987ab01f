/**
 * Runs a batch: one run at a time, resumable, idempotent, never overwriting, counting truthfully.
 *
 * - The batch's lock is taken first (lock.ts): a second run of the same batch, from the CLI or
 *   from VS Code, refuses (or waits) instead of paying for every job again.
 * - What a killed run left is tidied, and jobs already done are skipped (resume.ts): a job whose
 *   sidecar is there with its files intact (size and SHA-256 as recorded) is reported `skipped` and
 *   nothing is sent. Everything else is sent, including the jobs that failed last time and jobs
 *   whose earlier image no longer matches its sidecar (noted in the report).
 * - Output names come from the batch's pattern (MockupRequest.baseName); a name that is taken by
 *   another file gets `-2` (files are never overwritten).
 * - Each job's `attempts` is the number of requests that actually went out for it (the client's
 *   onRequest), 429s and retries included; the report's `requests` is their sum.
 * - The scheduler learns the deployment's pace from the answers' x-ratelimit-* headers, for 429s
 *   that name no wait.
 * - The run report (JSON and Markdown, with the history of earlier runs) is written into the output
 *   folder at the end, also when the run was cancelled; every string in it passes the client's
 *   redaction first.
 */
import * as path from 'node:path';
import { type CallOptions, type EditRequest, type FoundryClient, type GenerateRequest, isFatalForRun } from '../foundry';
import { type ConnectionInfo, executeRequest } from '../generation';
import type { Pricing } from '../pricing';
import { isModelFamily } from '../sizes/rules';
import { estimateBatch } from './estimate';
import { jobsOfShard, type Shard } from './expand';
import { acquireBatchLock, type LockHolder } from './lock';
import { buildReport, earlierRuns, type RunReport, writeReports } from './report';
import { cachingReader, jobRequest, resolveDoneJobs, tidyOutputFolders } from './resume';
import { type Outcome, runScheduled, type SchedulerClock, type SchedulerEvent } from './scheduler';
import type { Batch, BatchJob } from './types';

export type JobStatus = 'done' | 'skipped' | 'failed';

export interface JobResult {
  readonly job: BatchJob;
  readonly status: JobStatus;
  /** Why it was skipped or failed. */
  readonly reason?: string;
  /** For a job that was never sent because the run stopped: the failure that stopped it (the shared cause). */
  readonly cause?: string;
  /** The error kind of a failure (rateLimited, safety, network, cancelled...). */
  readonly errorKind?: string;
  /** Worth knowing about a job that was sent: its earlier image no longer matched its sidecar. */
  readonly note?: string;
  /** Absolute paths. */
  readonly file?: string;
  readonly original?: string;
  readonly sidecarFile?: string;
  readonly requestId?: string;
  readonly tokens?: number;
  readonly costUsd?: number;
  /** Requests sent for this job in this run (429s and retries included). */
  readonly attempts: number;
  /** Milliseconds the job waited for rate limits and retry backoffs. */
  readonly waitedMs?: number;
  readonly durationMs?: number;
  /** False for a failure that was never sent (the run stopped or was cancelled before it). */
  readonly sent?: boolean;
}

export interface RunProgress {
  readonly completed: number;
  readonly total: number;
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
  readonly last?: JobResult;
}

/** What a run is about to send, handed to `confirm` before the first request. */
export interface RunPlan {
  /** Jobs of the run (of its shard). */
  readonly jobs: number;
  /** Requests it will send: one per job not done yet. */
  readonly toSend: number;
  readonly alreadyDone: number;
  /** The estimated cost of what it will send. */
  readonly estimateUsd: number;
}

/** The run was not started because `confirm` said no; nothing was sent. */
export class RunDeclinedError extends Error {
  override readonly name = 'RunDeclinedError';
}

export interface RunOptions {
  readonly client: FoundryClient;
  readonly connection: ConnectionInfo;
  readonly pricing: Pricing;
  readonly toolVersion: string;
  /** Jobs in flight at most; default 2. */
  readonly concurrency?: number;
  readonly shard?: Shard;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RunProgress) => void;
  readonly onSchedulerEvent?: (event: SchedulerEvent) => void;
  /** Who runs it, named to a second run that finds the lock taken: `cli` or `vscode`. Default `api`. */
  readonly surface?: string;
  /** Wait for another run of this batch to finish instead of refusing. */
  readonly waitForLock?: boolean;
  /** Called once while waiting for another run's lock. */
  readonly onLockWait?: (holder: LockHolder | undefined, message: string) => void;
  /** Scheduler tuning (tests shorten the backoff, or run it on a fake clock). */
  readonly backoffBaseMs?: number;
  readonly maxAttempts?: number;
  readonly maxWaitPerJobMs?: number;
  readonly clock?: SchedulerClock;
  /**
   * Called with what the run would send, with the lock held and before anything is sent (the job
   * and cost caps of the CLI and of Run Batch). False: nothing is sent (RunDeclinedError).
   */
  readonly confirm?: (plan: RunPlan) => boolean | Promise<boolean>;
  /** Write the JSON and Markdown reports (default true). */
  readonly writeReport?: boolean;
  readonly now?: () => Date;
}

export interface RunResult {
  readonly results: readonly JobResult[];
  readonly report: RunReport;
  /** Absolute paths of the reports written. */
  readonly reportFiles: readonly string[];
  /** Incomplete files of an interrupted run that were removed first. */
  readonly cleaned: readonly string[];
}

/** A client that counts, per call, the requests that went out, and passes on what the answers say about the pace. */
function countingClient(client: FoundryClient, onRequest: () => void, onPace: (limitRequests: number) => void): FoundryClient {
  const observe = <T extends { rateLimit?: { limitRequests?: number } }>(value: T): T => {
    if (value.rateLimit?.limitRequests) onPace(value.rateLimit.limitRequests);
    return value;
  };
  const withCount = (call: CallOptions | undefined): CallOptions => ({
    ...call,
    onRequest: (info) => {
      onRequest();
      call?.onRequest?.(info);
    },
  });
  return {
    options: client.options,
    redact: (value) => client.redact(value),
    generate: async (request: GenerateRequest, call?: CallOptions) => observe(await client.generate(request, withCount(call))),
    edit: async (request: EditRequest, call?: CallOptions) => observe(await client.edit(request, withCount(call))),
  };
}

export async function runBatch(batch: Batch, options: RunOptions): Promise<RunResult> {
  const lock = await acquireBatchLock(batch, {
    surface: options.surface ?? 'api',
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.waitForLock ? { wait: true } : {}),
    ...(options.onLockWait ? { onWait: options.onLockWait } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    return await runLocked(batch, options);
  } finally {
    await lock.release();
  }
}

async function runLocked(batch: Batch, options: RunOptions): Promise<RunResult> {
  const startedAt = options.now?.() ?? new Date();
  const jobs = jobsOfShard(batch.jobs, options.shard);
  const cleaned = await tidyOutputFolders(jobs);
  const { done, changed, fingerprints, anchors } = await resolveDoneJobs(jobs, batch, options.connection);

  const results = new Map<BatchJob, JobResult>();
  const counts = { done: 0, skipped: 0, failed: 0 };
  const record = (result: JobResult): void => {
    results.set(result.job, result);
    counts[result.status]++;
    options.onProgress?.({ completed: results.size, total: jobs.length, ...counts, last: result });
  };

  const pending: BatchJob[] = [];
  for (const job of jobs) {
    const fingerprint = fingerprints.get(job);
    if (fingerprint instanceof Error) {
      record({ job, status: 'failed', reason: fingerprint.message, errorKind: 'validation', attempts: 0, sent: false });
      continue;
    }
    const entry = done.get(job);
    if (entry) {
      const s = entry.sidecar;
      record({
        job,
        status: 'skipped',
        reason: `already done (${path.basename(entry.file)}, ${s.createdAt})`,
        file: entry.file,
        ...(entry.original ? { original: entry.original } : {}),
        sidecarFile: entry.sidecarFile,
        ...(s.service?.requestId ? { requestId: s.service.requestId } : {}),
        ...(s.usage?.totalTokens !== undefined ? { tokens: s.usage.totalTokens } : {}),
        ...(s.cost?.usd !== undefined ? { costUsd: s.cost.usd } : {}),
        attempts: 0,
      });
      continue;
    }
    pending.push(job);
  }
  if (options.confirm) {
    const model = options.connection.model;
    const estimateUsd = isModelFamily(model) ? estimateBatch(pending, model, options.pricing).totalUsd : 0;
    const go = await options.confirm({ jobs: jobs.length, toSend: pending.length, alreadyDone: done.size, estimateUsd });
    if (!go) throw new RunDeclinedError('The run was not started; nothing was sent.');
  }
  options.onProgress?.({ completed: results.size, total: jobs.length, ...counts });

  // Jobs anchored to a job not made yet wait for it: the anchors (and every job that needs none) go
  // first, the jobs that need an anchor's image once it is there.
  // This run's jobs by id, to tell an anchor of this run from one of another shard.
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const waitsForAnchor = (job: BatchJob): boolean => job.anchor !== undefined && 'job' in job.anchor && !anchors.has(job.anchor.job);
  const first = pending.filter((job) => !waitsForAnchor(job));
  const second: BatchJob[] = [];
  for (const job of pending.filter(waitsForAnchor)) {
    const anchorId = (job.anchor as { job: string }).job;
    if (byId.has(anchorId)) second.push(job);
    else record({ job, status: 'failed', reason: `Not sent: its anchor ${anchorId} is not made yet, and it is in another shard. Run the shard that makes it first, or run the batch without --shard.`, cause: `The anchor ${anchorId} is not made yet (another shard).`, errorKind: 'anchor', attempts: 0, sent: false });
  }

  const requests = new Map<BatchJob, number>();
  // The anchor jobs the second phase waits for, and every anchor image: read once for all the jobs
  // that send it (edit inputs are read per job).
  const awaited = new Set(second.map((job) => (job.anchor as { job: string }).job));
  const anchorImages = new Set([...anchors.values(), ...pending.flatMap((job) => (job.anchor && 'file' in job.anchor ? [job.anchor.file] : []))]);
  const read = cachingReader((file) => anchorImages.has(file));
  let stoppedBy: string | undefined;
  let limitRequests: number | undefined;
  const schedule = (some: readonly BatchJob[]): Promise<unknown> =>
    runScheduled(
      some,
      async (job, signal) => {
        const client = countingClient(
          options.client,
          () => requests.set(job, (requests.get(job) ?? 0) + 1),
          (limit) => (limitRequests = limit),
        );
        const request = await jobRequest(job, batch, read, anchors);
        return executeRequest(request, {
          client,
          connection: options.connection,
          pricing: options.pricing,
          toolVersion: options.toolVersion,
          signal,
          ...(options.now ? { now: options.now } : {}),
        });
      },
      {
        concurrency: options.concurrency ?? 2,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
        ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
        ...(options.maxWaitPerJobMs !== undefined ? { maxWaitPerJobMs: options.maxWaitPerJobMs } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        knownIntervalMs: () => (limitRequests ? 60_000 / limitRequests : undefined),
        onEvent: (event) => options.onSchedulerEvent?.(event),
      },
      (outcome) => recordOutcome(outcome),
    );
  const recordOutcome = (outcome: Outcome<BatchJob, Awaited<ReturnType<typeof executeRequest>>>): void => {
    const sent = requests.get(outcome.item) ?? 0;
    const note = changed.get(outcome.item);
    const common = { attempts: sent, ...(outcome.waitedMs ? { waitedMs: outcome.waitedMs } : {}), ...(note ? { note: `Made again: the earlier image no longer proved the job done (${note}).` } : {}) };
    if (outcome.ok) {
      const written = outcome.value.mockups[0];
      if (written && awaited.has(outcome.item.id)) {
        anchors.set(outcome.item.id, written.file);
        anchorImages.add(written.file);
      }
      record({
        job: outcome.item,
        status: 'done',
        ...(written ? { file: written.file, sidecarFile: written.sidecarFile, ...(written.original ? { original: written.original } : {}) } : {}),
        ...(outcome.value.requestId ? { requestId: outcome.value.requestId } : {}),
        ...(written?.sidecar.usage?.totalTokens !== undefined ? { tokens: written.sidecar.usage.totalTokens } : {}),
        ...(outcome.value.costUsd !== undefined ? { costUsd: outcome.value.costUsd } : {}),
        ...common,
        durationMs: outcome.value.durationMs,
      });
      return;
    }
    const error = outcome.error;
    const reason =
      error.kind === 'cancelled' && sent > 0
        ? `Cancelled after ${sent} request${sent === 1 ? '' : 's'}${error.message.startsWith('Cancelled while waiting') ? ', while waiting to send it again' : ''}; nothing was written.`
        : error.message;
    if (outcome.stoppedBy || isFatalForRun(error.kind)) stoppedBy ??= (outcome.stoppedBy ?? error).message;
    record({
      job: outcome.item,
      status: 'failed',
      reason,
      ...(outcome.stoppedBy ? { cause: `The run stopped: ${outcome.stoppedBy.message}` } : {}),
      errorKind: error.kind,
      ...(error.requestId ? { requestId: error.requestId } : {}),
      ...common,
      sent: sent > 0,
    });
  };

  await schedule(first);
  if (second.length) {
    const ready: BatchJob[] = [];
    for (const job of second) {
      const anchorId = (job.anchor as { job: string }).job;
      const anchorJob = byId.get(anchorId);
      const failed = anchorJob ? results.get(anchorJob)?.reason : undefined;
      if (anchors.has(anchorId) && stoppedBy === undefined) ready.push(job);
      else if (stoppedBy !== undefined) record({ job, status: 'failed', reason: `Not sent: the run stopped: ${stoppedBy}`, cause: `The run stopped: ${stoppedBy}`, errorKind: 'stopped', attempts: 0, sent: false });
      else record({ job, status: 'failed', reason: `Not sent: its anchor ${anchorId} failed${failed ? ` (${failed})` : ''}; it is sent once its anchor is made.`, cause: `The anchor ${anchorId} failed${failed ? `: ${failed}` : '.'}`, errorKind: 'anchor', attempts: 0, sent: false });
    }
    await schedule(ready);
  }

  const ordered = jobs.map((job) => results.get(job) as JobResult);
  const report = options.client.redact(
    buildReport(batch, ordered, {
      connection: options.connection,
      startedAt,
      finishedAt: options.now?.() ?? new Date(),
      ...(options.shard ? { shard: options.shard } : {}),
      cancelled: options.signal?.aborted ?? false,
      earlierRuns: options.writeReport === false ? [] : await earlierRuns(batch, options.shard),
    }),
  );
  const reportFiles = options.writeReport === false ? [] : await writeReports(batch, report, options.shard);
  const redact = (text: string | undefined): string | undefined => (text === undefined ? undefined : options.client.redact(text));
  const redacted = ordered.map((r): JobResult => (r.reason || r.cause || r.note || r.requestId ? { ...r, reason: redact(r.reason), cause: redact(r.cause), note: redact(r.note), requestId: redact(r.requestId) } : r));
  return { results: redacted, report, reportFiles, cleaned };
}
