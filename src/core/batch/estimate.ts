/**
 * The plan of a batch and its estimated cost, with zero requests sent: one row per job (size
 * plan, locale, variant, output name, estimate), the total, and what a run would actually send
 * when some jobs are already done. Estimates use the documented token model (pricing.ts
 * estimateCost); edit inputs are counted as one megapixel each, since their size is not read.
 */
import { estimateCost, formatUsd, type Pricing } from '../pricing';
import { formatSize, type ModelFamily } from '../sizes/rules';
import type { Batch, BatchJob } from './types';

export interface EstimateRow {
  readonly job: BatchJob;
  readonly target: string;
  readonly generation: string;
  readonly explanation: string;
  readonly usd: number;
  /** Already done: a run would skip it. */
  readonly done: boolean;
}

export interface BatchEstimate {
  readonly model: ModelFamily;
  readonly rows: readonly EstimateRow[];
  readonly jobs: number;
  readonly toSend: number;
  readonly totalUsd: number;
  /** The cost of the jobs not done yet: what a run would spend. */
  readonly toSendUsd: number;
}

const EDIT_INPUT_PIXELS = 1024 * 1024;

export function estimateBatch(jobs: readonly BatchJob[], model: ModelFamily, pricing: Pricing, done: ReadonlySet<BatchJob> = new Set()): BatchEstimate {
  const rows = jobs.map((job): EstimateRow => {
    const inputs = (job.edit ? 1 + job.edit.references.length + (job.edit.mask ? 1 : 0) : 0) + (job.anchor ? 1 : 0);
    const usd = estimateCost(
      {
        model,
        size: job.plan.generation,
        quality: job.quality ?? 'auto',
        n: 1,
        promptChars: job.promptSent.length,
        ...(inputs ? { inputImagePixels: new Array<number>(inputs).fill(EDIT_INPUT_PIXELS) } : {}),
      },
      pricing,
    ).usd;
    return {
      job,
      target: job.plan.target === 'auto' ? 'auto' : formatSize(job.plan.target),
      generation: job.plan.generation === 'auto' ? 'auto' : formatSize(job.plan.generation),
      explanation: job.plan.explanation,
      usd,
      done: done.has(job),
    };
  });
  const round = (n: number): number => Math.round(n * 1e6) / 1e6;
  return {
    model,
    rows,
    jobs: rows.length,
    toSend: rows.filter((r) => !r.done).length,
    totalUsd: round(rows.reduce((sum, r) => sum + r.usd, 0)),
    toSendUsd: round(rows.filter((r) => !r.done).reduce((sum, r) => sum + r.usd, 0)),
  };
}

export function estimateSummary(estimate: BatchEstimate): string {
  const already = estimate.jobs - estimate.toSend;
  return `${estimate.jobs} job(s) on ${estimate.model}, about ${formatUsd(estimate.totalUsd)} in all` + (already > 0 ? `; ${already} already done, so a run sends ${estimate.toSend} request(s) for about ${formatUsd(estimate.toSendUsd)}.` : '; a run sends one request per job.');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Rows of the Markdown estimate at most: a preview of 100,000 rows helps nobody; the CLI's --json lists all. */
export const MARKDOWN_ESTIMATE_ROWS = 1_000;

export function renderEstimateMarkdown(batch: Batch, estimate: BatchEstimate, maxRows = MARKDOWN_ESTIMATE_ROWS): string {
  const lines = [
    `# Cost estimate: ${batch.fileRelative}`,
    '',
    `**${estimateSummary(estimate)}** No request was sent to make this estimate.`,
    '',
    `Output folder: \`${batch.outputRootRelative}\`. Estimates use list prices per 1M tokens and the documented token model; the cost of each image made is recorded from the service's usage in its sidecar and in the run report.`,
    '',
    '| # | Job | Target | Generate | Post-processing | Output | Estimate | Status |',
    '|---:|---|---|---|---|---|---:|---|',
  ];
  for (const row of estimate.rows.slice(0, maxRows)) {
    lines.push(
      `| ${row.job.index + 1} | \`${cell(row.job.id)}\` | ${row.target} | ${row.generation} | ${cell(row.explanation)} | \`${cell(row.job.output.relative)}\` | ${formatUsd(row.usd)} | ${row.done ? 'done, skipped' : 'to send'} |`,
    );
  }
  if (estimate.rows.length > maxRows) lines.push(`| | ... ${(estimate.rows.length - maxRows).toLocaleString('en-US')} more job(s) (\`foundry-mockups estimate --json\` lists every one) | | | | | | |`);
  lines.push(`| | **Total** | | | | | **${formatUsd(estimate.totalUsd)}** | ${estimate.toSend} to send (${formatUsd(estimate.toSendUsd)}) |`);
  return `${lines.join('\n')}\n`;
}

export function renderEstimateText(estimate: BatchEstimate): string {
  const header = ['job', 'target', 'generate', 'estimate', 'status'];
  const body = estimate.rows.map((r) => [r.job.id, r.target, r.generation, formatUsd(r.usd), r.done ? 'done' : 'to send']);
  // A loop, not Math.max(...rows): a spread of 100,000 arguments overflows the stack.
  const widths = header.map((h) => h.length);
  for (const row of body) row.forEach((c, i) => (widths[i] = Math.max(widths[i], c.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...body.map(line), '', estimateSummary(estimate)].join('\n') + '\n';
}
