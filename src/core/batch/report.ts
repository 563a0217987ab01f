/**
 * The run report, written into the batch's output folder as `<batch>.report.json` and
 * `<batch>.report.md` (`<batch>.shard-2-of-3.report.*` for a shard): every job as done, skipped or
 * failed, with the reason, request id, requests sent, tokens and cost; the failures grouped by
 * cause; and the history of the runs that wrote this report (a rerun that finds everything done
 * adds "0 made, 8 skipped" to the history instead of replacing "8 made"). In the Markdown, a
 * thumbnail of each image (relative links, so the folder can be moved or committed).
 *
 * `mergeReports` joins the reports of every shard and earlier run into one (`foundry-mockups
 * report`): each job as its latest run left it, every run once, and totals that add up.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConnectionInfo } from '../generation';
import { formatUsd } from '../pricing';
import type { Shard } from './expand';
import type { JobResult, JobStatus } from './run';
import type { Batch } from './types';

export const REPORT_SCHEMA_VERSION = 2;
/** Runs kept in a report's history. */
const MAX_RUNS = 100;

export interface ReportJob {
  readonly id: string;
  readonly asset: string;
  readonly size: string;
  readonly locale?: string;
  readonly variant: number;
  readonly status: JobStatus;
  readonly reason?: string;
  readonly errorKind?: string;
  /** Something worth knowing about a job that was sent (its earlier image no longer matched its sidecar...). */
  readonly note?: string;
  /** Relative to the output folder, forward slashes. */
  readonly file?: string;
  readonly original?: string;
  readonly sidecar?: string;
  readonly requestId?: string;
  readonly tokens?: number;
  readonly costUsd?: number;
  /** Requests sent for this job in its run, 429s and retries included. */
  readonly attempts: number;
  /** Milliseconds it waited for rate limits and retry backoffs. */
  readonly waitedMs?: number;
  readonly durationMs?: number;
}

export interface RunSummary {
  readonly jobs: number;
  readonly done: number;
  readonly skipped: number;
  readonly failed: number;
  /** Requests sent in the run: every attempt, 429s and retries included. */
  readonly requests: number;
  /** Tokens and cost of the images made in the run (skipped ones cost nothing then). */
  readonly tokens: number;
  readonly costUsd: number;
}

/** One run in a report's history. */
export interface RunEntry extends RunSummary {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly shard?: string;
  readonly cancelled: boolean;
}

/** Failures that share a cause, counted once. */
export interface FailureCause {
  readonly kind: string;
  readonly message: string;
  readonly jobs: number;
}

export interface RunReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** The batch file, relative to the workspace folder. */
  readonly batch: string;
  readonly outputFolder: string;
  readonly shard?: string;
  readonly connection: { readonly deployment: string; readonly model: string; readonly endpointHost: string; readonly apiMode: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly cancelled: boolean;
  /** The latest run (for a merged report: all of them together). */
  readonly summary: RunSummary;
  /** Where the batch (or this shard) stands after every run in `runs`. */
  readonly overall: {
    readonly jobs: number;
    /** Done in some run and still on disk (done or skipped in the latest). */
    readonly complete: number;
    readonly failed: number;
    /** Jobs of the batch that no report mentions (a merged report, when the batch file was read). */
    readonly missing?: number;
    /** Requests and cost of every run in the history. */
    readonly requests: number;
    readonly costUsd: number;
    readonly runs: number;
  };
  readonly causes: readonly FailureCause[];
  /** The runs that wrote this report, oldest first (at most the last 100). */
  readonly runs: readonly RunEntry[];
  /** For a merged report: the report files it was made from. */
  readonly mergedFrom?: readonly string[];
  readonly jobs: readonly ReportJob[];
}

export interface ReportContext {
  readonly connection: ConnectionInfo;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly shard?: Shard;
  readonly cancelled: boolean;
  /** The runs of the report this one replaces (history is kept, not replaced). */
  readonly earlierRuns?: readonly RunEntry[];
}

function relativeTo(root: string, file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.relative(root, file).split(path.sep).join('/');
}

const round = (usd: number): number => Math.round(usd * 1e6) / 1e6;

export function buildReport(batch: Batch, results: readonly JobResult[], context: ReportContext): RunReport {
  const jobs: ReportJob[] = results.map((r) => {
    const file = relativeTo(batch.outputRoot, r.file);
    const original = relativeTo(batch.outputRoot, r.original);
    const sidecar = relativeTo(batch.outputRoot, r.sidecarFile);
    return {
      id: r.job.id,
      asset: r.job.assetId,
      size: r.job.size,
      ...(r.job.locale ? { locale: r.job.locale } : {}),
      variant: r.job.variant,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.errorKind ? { errorKind: r.errorKind } : {}),
      ...(r.note ? { note: r.note } : {}),
      ...(file ? { file } : {}),
      ...(original ? { original } : {}),
      ...(sidecar ? { sidecar } : {}),
      ...(r.requestId ? { requestId: r.requestId } : {}),
      ...(r.tokens !== undefined ? { tokens: r.tokens } : {}),
      ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
      attempts: r.attempts,
      ...(r.waitedMs ? { waitedMs: r.waitedMs } : {}),
      ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
    };
  });
  const summary = summarize(jobs);
  const shard = context.shard ? `${context.shard.index}/${context.shard.count}` : undefined;
  const thisRun: RunEntry = { startedAt: context.startedAt.toISOString(), finishedAt: context.finishedAt.toISOString(), ...(shard ? { shard } : {}), cancelled: context.cancelled, ...summary };
  const runs = [...(context.earlierRuns ?? []), thisRun].slice(-MAX_RUNS);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    batch: batch.fileRelative,
    outputFolder: batch.outputRootRelative,
    ...(shard ? { shard } : {}),
    connection: { deployment: context.connection.deployment, model: context.connection.model, endpointHost: context.connection.endpointHost, apiMode: context.connection.apiMode },
    startedAt: thisRun.startedAt,
    finishedAt: thisRun.finishedAt,
    durationMs: context.finishedAt.getTime() - context.startedAt.getTime(),
    cancelled: context.cancelled,
    summary,
    overall: overallOf(jobs, runs),
    causes: causesOf(results.map((r) => ({ status: r.status, errorKind: r.errorKind, reason: r.cause ?? r.reason }))),
    runs,
    jobs,
  };
}

function summarize(jobs: readonly ReportJob[]): RunSummary {
  let done = 0;
  let skipped = 0;
  let failed = 0;
  let requests = 0;
  let tokens = 0;
  let costUsd = 0;
  for (const job of jobs) {
    requests += job.attempts;
    if (job.status === 'done') {
      done++;
      tokens += job.tokens ?? 0;
      costUsd += job.costUsd ?? 0;
    } else if (job.status === 'skipped') skipped++;
    else failed++;
  }
  return { jobs: jobs.length, done, skipped, failed, requests, tokens, costUsd: round(costUsd) };
}

function overallOf(jobs: readonly ReportJob[], runs: readonly RunEntry[], missing?: number): RunReport['overall'] {
  return {
    jobs: jobs.length + (missing ?? 0),
    complete: jobs.filter((j) => j.status !== 'failed').length,
    failed: jobs.filter((j) => j.status === 'failed').length,
    ...(missing !== undefined ? { missing } : {}),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
    costUsd: round(runs.reduce((sum, r) => sum + r.costUsd, 0)),
    runs: runs.length,
  };
}

/** The failures grouped by cause: a fatal 401 on 2,000 jobs is one cause, not 2,000 lines. */
export function causesOf(failures: Iterable<{ status: JobStatus; errorKind?: string; reason?: string }>): FailureCause[] {
  const groups = new Map<string, { kind: string; message: string; jobs: number }>();
  for (const f of failures) {
    if (f.status !== 'failed') continue;
    const kind = f.errorKind ?? 'error';
    // The same failure on different requests differs only by its request id.
    const message = (f.reason ?? '').replace(/ \(request id [^)]*\)/g, '').trim();
    const key = `${kind}\u0000${message}`;
    const group = groups.get(key);
    if (group) group.jobs++;
    else groups.set(key, { kind, message, jobs: 1 });
  }
  return [...groups.values()].sort((a, b) => b.jobs - a.jobs);
}

export function summaryLine(report: RunReport): string {
  const s = report.summary;
  const line = `${s.done} done, ${s.skipped} skipped (already done), ${s.failed} failed of ${s.jobs} job(s); ${s.requests} request(s), ${s.tokens.toLocaleString('en-US')} tokens, ${formatUsd(s.costUsd)}${report.cancelled ? ' (cancelled)' : ''}.`;
  const o = report.overall;
  if (o.runs <= 1 && !report.mergedFrom) return line;
  return `${line} Over ${o.runs} run(s): ${o.complete} of ${o.jobs} job(s) complete${o.missing ? `, ${o.missing} never run` : ''}, ${o.requests} request(s), ${formatUsd(o.costUsd)}.`;
}

function cell(text: string | number | undefined): string {
  return text === undefined ? '' : String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(report: RunReport): string {
  const lines = [
    `# Run report: ${report.batch}${report.shard ? ` (shard ${report.shard})` : ''}${report.mergedFrom ? ' (all shards and runs)' : ''}`,
    '',
    summaryLine(report),
    '',
    `Deployment \`${report.connection.deployment}\` (${report.connection.model}) on ${report.connection.endpointHost}, ${report.startedAt} to ${report.finishedAt}. Images in \`${report.outputFolder}\`.`,
    '',
  ];
  if (report.causes.length) {
    lines.push('## Failures by cause', '', '| Jobs | Kind | Cause |', '|---:|---|---|');
    for (const cause of report.causes) lines.push(`| ${cause.jobs} | ${cell(cause.kind)} | ${cell(cause.message)} |`);
    lines.push('');
  }
  if (report.runs.length > 1 || report.mergedFrom) {
    lines.push('## Runs', '', '| Started | Finished | Shard | Done | Skipped | Failed | Requests | Cost |', '|---|---|---|---:|---:|---:|---:|---:|');
    for (const run of report.runs) {
      lines.push(`| ${run.startedAt} | ${run.finishedAt}${run.cancelled ? ' (cancelled)' : ''} | ${run.shard ?? ''} | ${run.done} | ${run.skipped} | ${run.failed} | ${run.requests} | ${formatUsd(run.costUsd)} |`);
    }
    lines.push('');
  }
  lines.push('## Jobs', '', '| Image | Job | Status | File | Request id | Requests | Tokens | Cost | Reason |', '|---|---|---|---|---|---:|---:|---:|---|');
  for (const job of report.jobs) {
    const thumb = job.file ? `<img src="${encodeURI(job.file)}" alt="${cell(job.id).replace(/"/g, '&quot;')}" width="96">` : '';
    const link = job.file ? `[${cell(job.file)}](${encodeURI(job.file)})` : '';
    lines.push(
      `| ${thumb} | \`${cell(job.id)}\` | ${job.status} | ${link} | ${cell(job.requestId)} | ${job.attempts} | ${job.tokens !== undefined ? job.tokens.toLocaleString('en-US') : ''} | ${job.costUsd !== undefined ? formatUsd(job.costUsd) : ''} | ${cell([job.reason, job.note].filter(Boolean).join(' '))} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function reportBaseName(batch: Pick<Batch, 'name'>, shard?: Shard): string {
  return shard && shard.count > 1 ? `${batch.name}.shard-${shard.index}-of-${shard.count}.report` : `${batch.name}.report`;
}

/** The runs recorded in an earlier report at this place (a report of schema 1 counts as one run). */
export async function earlierRuns(batch: Pick<Batch, 'name' | 'outputRoot'>, shard?: Shard): Promise<RunEntry[]> {
  const previous = await readReport(path.join(batch.outputRoot, `${reportBaseName(batch, shard)}.json`));
  return previous ? [...previous.runs] : [];
}

/** A report file, upgraded to the current schema; undefined when it is missing or not a report. */
export async function readReport(file: string): Promise<RunReport | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
  const value = raw as Partial<RunReport> & { schemaVersion?: number };
  if (!value || typeof value !== 'object' || !Array.isArray(value.jobs) || !value.summary || typeof value.batch !== 'string') return undefined;
  const runs: RunEntry[] = Array.isArray(value.runs)
    ? (value.runs as RunEntry[])
    : [{ startedAt: value.startedAt ?? '', finishedAt: value.finishedAt ?? '', ...(value.shard ? { shard: value.shard } : {}), cancelled: value.cancelled ?? false, ...value.summary }];
  const jobs = value.jobs;
  return {
    ...(value as RunReport),
    schemaVersion: REPORT_SCHEMA_VERSION,
    runs,
    overall: value.overall ?? overallOf(jobs, runs),
    causes: value.causes ?? causesOf(jobs),
  };
}

/** Writes both reports (each replaced atomically: temp file, then rename). Returns their paths. */
export async function writeReports(batch: Pick<Batch, 'name' | 'outputRoot'>, report: RunReport, shard?: Shard): Promise<string[]> {
  await fs.mkdir(batch.outputRoot, { recursive: true });
  const base = path.join(batch.outputRoot, reportBaseName(batch, shard));
  const files: Array<[string, string]> = [
    [`${base}.json`, `${JSON.stringify(report, null, 2)}\n`],
    [`${base}.md`, renderMarkdown(report)],
  ];
  for (const [file, text] of files) {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.fmtmp`);
    await fs.writeFile(temp, text, 'utf8');
    try {
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }
  return files.map(([file]) => file);
}

/** The report files of a batch in its output folder: the unsharded one and every shard's. */
export async function findReportFiles(batch: Pick<Batch, 'name' | 'outputRoot'>): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(batch.outputRoot);
  } catch {
    return [];
  }
  const escaped = batch.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped}(\\.shard-\\d+-of-\\d+)?\\.report\\.json$`);
  return entries.filter((e) => pattern.test(e)).sort().map((e) => path.join(batch.outputRoot, e));
}

/**
 * One report from the reports of every shard and earlier run: each job as the latest run that
 * touched it left it, every run once (oldest first), the summary and cost of all runs together,
 * and, when the batch's job ids are given, the jobs no report mentions as `missing`.
 */
export function mergeReports(reports: readonly RunReport[], files: readonly string[], allJobIds?: readonly string[]): RunReport {
  const latest = [...reports].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
  const last = latest[latest.length - 1];
  if (!last) throw new Error('There is no report to merge.');
  const jobs = new Map<string, ReportJob>();
  for (const report of latest) for (const job of report.jobs) jobs.set(job.id, job);
  const runs = new Map<string, RunEntry>();
  for (const report of latest) for (const run of report.runs) runs.set(`${run.startedAt}\u0000${run.finishedAt}\u0000${run.shard ?? ''}`, run);
  const history = [...runs.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-MAX_RUNS);
  const order = allJobIds ? new Map(allJobIds.map((id, i) => [id, i])) : undefined;
  const merged = [...jobs.values()].sort((a, b) => (order ? (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity) : 0) || a.id.localeCompare(b.id));
  const missing = allJobIds ? allJobIds.filter((id) => !jobs.has(id)).length : undefined;
  const overall = overallOf(merged, history, missing);
  // All runs together: the jobs complete now, the ones still failing, and what every run sent and cost.
  const summary: RunSummary = {
    jobs: overall.jobs,
    done: overall.complete,
    skipped: 0,
    failed: overall.failed,
    requests: overall.requests,
    tokens: history.reduce((sum, r) => sum + r.tokens, 0),
    costUsd: overall.costUsd,
  };
  const started = latest.map((r) => r.startedAt).sort()[0] ?? last.startedAt;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    batch: last.batch,
    outputFolder: last.outputFolder,
    connection: last.connection,
    startedAt: started,
    finishedAt: last.finishedAt,
    durationMs: Date.parse(last.finishedAt) - Date.parse(started),
    cancelled: latest.some((r) => r.cancelled),
    summary,
    overall,
    causes: causesOf(merged),
    runs: history,
    mergedFrom: files.map((f) => path.basename(f)),
    jobs: merged,
  };
}
