/**
 * Runs a batch: resumable, idempotent, never overwriting.
 *
 * - Before anything is sent, every folder the jobs write into is tidied (removeIncompleteGroups):
 *   temporary files of killed writes, and incomplete groups. The sidecar is written first and
 *   records every file of its group with its SHA-256, so a group a killed run left is a sidecar
 *   whose image is missing; it is removed with the files whose content matches what it recorded.
 *   A file the product did not write is never removed.
 * - A job whose fingerprint (prompt as sent, parameters, deployment, variant: requestFingerprint)
 *   is already in a sidecar of its folder, next to its image, is DONE: it is reported `skipped`
 *   and nothing is sent. Everything else is sent, including the jobs that failed last time.
 * - Output names come from the batch's pattern (MockupRequest.baseName); a name that is taken by
 *   another file gets `-2` (files are never overwritten).
 * - The run report (JSON and Markdown) is written into the output folder at the end, also when
 *   the run was cancelled.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { removeIncompleteGroups } from '../assets/groups';
import { type Sidecar, sidecarsIn } from '../assets/sidecar';
import type { FoundryClient } from '../foundry';
import { FoundryError } from '../foundry';
import { type ConnectionInfo, executeRequest, type InputFile, type MockupRequest, requestFingerprint } from '../generation';
import type { Pricing } from '../pricing';
import { jobsOfShard, type Shard } from './expand';
import { buildReport, type RunReport, writeReports } from './report';
import { runScheduled, type SchedulerEvent } from './scheduler';
import type { Batch, BatchJob } from './types';

export type JobStatus = 'done' | 'skipped' | 'failed';

export interface JobResult {
  readonly job: BatchJob;
  readonly status: JobStatus;
  /** Why it was skipped or failed. */
  readonly reason?: string;
  /** The error kind of a failure (rateLimited, safety, network, cancelled...). */
  readonly errorKind?: string;
  /** Absolute paths. */
  readonly file?: string;
  readonly original?: string;
  readonly sidecarFile?: string;
  readonly requestId?: string;
  readonly tokens?: number;
  readonly costUsd?: number;
  /** Requests sent for this job in this run (429s and retries included). */
  readonly attempts: number;
  readonly durationMs?: number;
}

export interface RunProgress {
  readonly completed: number;
  readonly total: number;
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
  readonly last?: JobResult;
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
  /** Scheduler tuning (tests shorten the backoff). */
  readonly backoffBaseMs?: number;
  readonly maxAttempts?: number;
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

interface DoneEntry {
  readonly sidecar: Sidecar;
  readonly sidecarFile: string;
  readonly file: string;
  readonly original?: string;
}

/**
 * Removes what a killed run left behind in the folders these jobs write into: temporary files and
 * incomplete groups (see removeIncompleteGroups). Returns the removed paths.
 */
export async function tidyOutputFolders(jobs: readonly BatchJob[]): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of new Set(jobs.map((job) => job.output.folder))) {
    // This run is about to write these names, so nothing else is at work on them: no age limit.
    removed.push(...(await removeIncompleteGroups(folder, 0)));
  }
  return removed;
}

/** Fingerprint -> the complete group that holds it, for every sidecar in `folders`. */
export async function indexDoneJobs(folders: Iterable<string>): Promise<Map<string, DoneEntry>> {
  const done = new Map<string, DoneEntry>();
  for (const folder of new Set(folders)) {
    // Not ours, or damaged: not a proof that a job is done.
    for await (const { file: sidecarFile, data } of sidecarsIn(folder)) {
      const sidecar = data as Sidecar | null;
      if (typeof sidecar?.fingerprint !== 'string' || typeof sidecar.output?.file !== 'string') continue;
      const file = path.join(folder, sidecar.output.file);
      try {
        await fs.access(file);
      } catch {
        continue; // the image is gone: the job is not done any more
      }
      if (!done.has(sidecar.fingerprint)) {
        done.set(sidecar.fingerprint, { sidecar, sidecarFile, file, ...(sidecar.original?.file ? { original: path.join(folder, sidecar.original.file) } : {}) });
      }
    }
  }
  return done;
}

/** The MockupRequest of a job; edit inputs are read (and may throw with a clear message). */
export async function jobRequest(job: BatchJob, batch: Batch, read: (file: string) => Promise<Uint8Array> = readInput): Promise<MockupRequest> {
  const input = async (file: string): Promise<InputFile> => ({ bytes: await read(file), file: path.relative(batch.root, file).split(path.sep).join('/') });
  const edit = job.edit
    ? {
        image: await input(job.edit.image),
        ...(job.edit.references.length ? { references: await Promise.all(job.edit.references.map(input)) } : {}),
        ...(job.edit.mask ? { mask: await input(job.edit.mask) } : {}),
      }
    : undefined;
  return {
    promptTyped: job.promptTyped,
    promptSent: job.promptSent,
    ...(job.template ? { template: job.template } : {}),
    ...(job.locale ? { locale: job.locale } : {}),
    ...(job.styleGuide ? { styleGuide: job.styleGuide } : {}),
    plan: job.plan,
    n: 1,
    variant: job.variant,
    ...(job.quality ? { quality: job.quality } : {}),
    outputFormat: job.format,
    ...(job.compression !== undefined ? { outputCompression: job.compression } : {}),
    ...(job.background ? { background: job.background } : {}),
    ...(job.moderation ? { moderation: job.moderation } : {}),
    folder: job.output.folder,
    baseName: job.output.baseName,
    batch: { file: batch.fileRelative, assetId: job.assetId },
    ...(edit ? { edit } : {}),
  };
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new FoundryError('validation', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, { param: 'edit' });
  }
}

/** Fingerprint of every job (reading edit inputs once per file); failures are returned as errors. */
export async function fingerprintJobs(jobs: readonly BatchJob[], batch: Batch, connection: ConnectionInfo): Promise<Map<BatchJob, string | Error>> {
  const cache = new Map<string, Promise<Uint8Array>>();
  const read = (file: string): Promise<Uint8Array> => {
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = readInput(file);
      cache.set(file, bytes);
    }
    return bytes;
  };
  const out = new Map<BatchJob, string | Error>();
  for (const job of jobs) {
    try {
      out.set(job, requestFingerprint(await jobRequest(job, batch, read), connection));
    } catch (error) {
      out.set(job, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return out;
}

/** Which of `jobs` are done already (their fingerprint is in a sidecar next to an image in their folder). */
export async function findDoneJobs(jobs: readonly BatchJob[], batch: Batch, connection: ConnectionInfo): Promise<Map<BatchJob, DoneEntry>> {
  const index = await indexDoneJobs(jobs.map((j) => j.output.folder));
  const fingerprints = await fingerprintJobs(jobs, batch, connection);
  const done = new Map<BatchJob, DoneEntry>();
  for (const job of jobs) {
    const fingerprint = fingerprints.get(job);
    const entry = typeof fingerprint === 'string' ? index.get(fingerprint) : undefined;
    if (entry && path.dirname(entry.sidecarFile) === job.output.folder) done.set(job, entry);
  }
  return done;
}

export async function runBatch(batch: Batch, options: RunOptions): Promise<RunResult> {
  const startedAt = options.now?.() ?? new Date();
  const jobs = jobsOfShard(batch.jobs, options.shard);
  const cleaned = await tidyOutputFolders(jobs);
  const index = await indexDoneJobs(jobs.map((j) => j.output.folder));
  const fingerprints = await fingerprintJobs(jobs, batch, options.connection);

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
      record({ job, status: 'failed', reason: fingerprint.message, errorKind: 'validation', attempts: 0 });
      continue;
    }
    const entry = fingerprint ? index.get(fingerprint) : undefined;
    if (entry && path.dirname(entry.sidecarFile) === job.output.folder) {
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
  options.onProgress?.({ completed: results.size, total: jobs.length, ...counts });

  await runScheduled(
    pending,
    async (job, signal) => {
      const request = await jobRequest(job, batch);
      const outcome = await executeRequest(request, {
        client: options.client,
        connection: options.connection,
        pricing: options.pricing,
        toolVersion: options.toolVersion,
        signal,
        ...(options.now ? { now: options.now } : {}),
      });
      return outcome;
    },
    {
      concurrency: options.concurrency ?? 2,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      onEvent: (event) => options.onSchedulerEvent?.(event),
    },
    (outcome) => {
      if (outcome.ok) {
        const written = outcome.value.mockups[0];
        record({
          job: outcome.item,
          status: 'done',
          ...(written ? { file: written.file, sidecarFile: written.sidecarFile, ...(written.original ? { original: written.original } : {}) } : {}),
          ...(outcome.value.requestId ? { requestId: outcome.value.requestId } : {}),
          ...(written?.sidecar.usage?.totalTokens !== undefined ? { tokens: written.sidecar.usage.totalTokens } : {}),
          ...(outcome.value.costUsd !== undefined ? { costUsd: outcome.value.costUsd } : {}),
          attempts: outcome.attempts,
          durationMs: outcome.value.durationMs,
        });
      } else {
        record({
          job: outcome.item,
          status: 'failed',
          reason: outcome.error.message,
          errorKind: outcome.error.kind,
          ...(outcome.error.requestId ? { requestId: outcome.error.requestId } : {}),
          attempts: outcome.attempts,
        });
      }
    },
  );

  const ordered = jobs.map((job) => results.get(job) as JobResult);
  const report = buildReport(batch, ordered, {
    connection: options.connection,
    startedAt,
    finishedAt: options.now?.() ?? new Date(),
    ...(options.shard ? { shard: options.shard } : {}),
    cancelled: options.signal?.aborted ?? false,
  });
  const reportFiles = options.writeReport === false ? [] : await writeReports(batch, report, options.shard);
  return { results: ordered, report, reportFiles, cleaned };
}
