/**
 * The run report, written into the batch's output folder as `<batch>.report.json` and
 * `<batch>.report.md` (`<batch>.shard-2-of-3.report.*` for a shard), replaced on every run:
 * every job as done, skipped or failed, with the reason, request id, tokens and cost, and in the
 * Markdown a thumbnail of each image (relative links, so the folder can be moved or committed).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConnectionInfo } from '../generation';
import { formatUsd } from '../pricing';
import type { Shard } from './expand';
import type { JobResult, JobStatus } from './run';
import type { Batch } from './types';

export interface ReportJob {
  readonly id: string;
  readonly asset: string;
  readonly size: string;
  readonly locale?: string;
  readonly variant: number;
  readonly status: JobStatus;
  readonly reason?: string;
  readonly errorKind?: string;
  /** Relative to the output folder, forward slashes. */
  readonly file?: string;
  readonly original?: string;
  readonly sidecar?: string;
  readonly requestId?: string;
  readonly tokens?: number;
  readonly costUsd?: number;
  readonly attempts: number;
  readonly durationMs?: number;
}

export interface RunReport {
  readonly schemaVersion: 1;
  /** The batch file, relative to the workspace folder. */
  readonly batch: string;
  readonly outputFolder: string;
  readonly shard?: string;
  readonly connection: { readonly deployment: string; readonly model: string; readonly endpointHost: string; readonly apiMode: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly cancelled: boolean;
  readonly summary: {
    readonly jobs: number;
    readonly done: number;
    readonly skipped: number;
    readonly failed: number;
    /** Requests sent in this run, retries included. */
    readonly requests: number;
    /** Tokens and cost of the images made in this run (skipped ones cost nothing now). */
    readonly tokens: number;
    readonly costUsd: number;
  };
  readonly jobs: readonly ReportJob[];
}

export interface ReportContext {
  readonly connection: ConnectionInfo;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly shard?: Shard;
  readonly cancelled: boolean;
}

function relativeTo(root: string, file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.relative(root, file).split(path.sep).join('/');
}

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
      ...(file ? { file } : {}),
      ...(original ? { original } : {}),
      ...(sidecar ? { sidecar } : {}),
      ...(r.requestId ? { requestId: r.requestId } : {}),
      ...(r.tokens !== undefined ? { tokens: r.tokens } : {}),
      ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
      attempts: r.attempts,
      ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
    };
  });
  const made = results.filter((r) => r.status === 'done');
  return {
    schemaVersion: 1,
    batch: batch.fileRelative,
    outputFolder: batch.outputRootRelative,
    ...(context.shard ? { shard: `${context.shard.index}/${context.shard.count}` } : {}),
    connection: { deployment: context.connection.deployment, model: context.connection.model, endpointHost: context.connection.endpointHost, apiMode: context.connection.apiMode },
    startedAt: context.startedAt.toISOString(),
    finishedAt: context.finishedAt.toISOString(),
    durationMs: context.finishedAt.getTime() - context.startedAt.getTime(),
    cancelled: context.cancelled,
    summary: {
      jobs: results.length,
      done: made.length,
      skipped: results.filter((r) => r.status === 'skipped').length,
      failed: results.filter((r) => r.status === 'failed').length,
      requests: results.reduce((sum, r) => sum + r.attempts, 0),
      tokens: made.reduce((sum, r) => sum + (r.tokens ?? 0), 0),
      costUsd: Math.round(made.reduce((sum, r) => sum + (r.costUsd ?? 0), 0) * 1e6) / 1e6,
    },
    jobs,
  };
}

export function summaryLine(report: RunReport): string {
  const s = report.summary;
  return `${s.done} done, ${s.skipped} skipped (already done), ${s.failed} failed of ${s.jobs} job(s); ${s.requests} request(s), ${s.tokens.toLocaleString('en-US')} tokens, ${formatUsd(s.costUsd)}${report.cancelled ? ' (cancelled)' : ''}.`;
}

function cell(text: string | number | undefined): string {
  return text === undefined ? '' : String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(report: RunReport): string {
  const lines = [
    `# Run report: ${report.batch}${report.shard ? ` (shard ${report.shard})` : ''}`,
    '',
    summaryLine(report),
    '',
    `Deployment \`${report.connection.deployment}\` (${report.connection.model}) on ${report.connection.endpointHost}, ${report.startedAt} to ${report.finishedAt}. Images in \`${report.outputFolder}\`.`,
    '',
    '| Image | Job | Status | File | Request id | Tokens | Cost | Reason |',
    '|---|---|---|---|---|---:|---:|---|',
  ];
  for (const job of report.jobs) {
    const thumb = job.file ? `<img src="${encodeURI(job.file)}" alt="${cell(job.id).replace(/"/g, '&quot;')}" width="96">` : '';
    const link = job.file ? `[${cell(job.file)}](${encodeURI(job.file)})` : '';
    lines.push(
      `| ${thumb} | \`${cell(job.id)}\` | ${job.status} | ${link} | ${cell(job.requestId)} | ${job.tokens !== undefined ? job.tokens.toLocaleString('en-US') : ''} | ${job.costUsd !== undefined ? formatUsd(job.costUsd) : ''} | ${cell(job.reason)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function reportBaseName(batch: Batch, shard?: Shard): string {
  return shard && shard.count > 1 ? `${batch.name}.shard-${shard.index}-of-${shard.count}.report` : `${batch.name}.report`;
}

/** Writes both reports (each replaced atomically: temp file, then rename). Returns their paths. */
export async function writeReports(batch: Batch, report: RunReport, shard?: Shard): Promise<string[]> {
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
