/** `foundry-mockups run <batch file>`: generates a batch, resumable, within the rate limit. */
import * as path from 'node:path';
import { causesOf, describeSchedulerEvent, parseShard, runBatch, summaryLine, type JobResult, type RunPlan, type Shard } from '../../core/batch';
import { formatUsd } from '../../core/pricing';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, loadBatchFile, ProgressPrinter, TOOL_VERSION } from '../common';
import { ENV_HELP, ENV_OPTIONS, readEnvFlags } from '../generation';
import { type CliCommand, type CliIO, EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs } from '../io';

export const DEFAULT_MAX_JOBS = 2_000;
export const DEFAULT_MAX_COST_USD = 5;

const USAGE = `Usage: foundry-mockups run <batch file> [options]

Generates every job of a batch file (*.mockups.json): assets x sizes x locales x variants, one
request per image. Jobs already done (same prompt, parameters and deployment, found in a sidecar
whose files are intact) are skipped; failed ones are tried again. Paths in the batch file are
relative to it; everything it writes must stay inside the current folder. A run report (JSON and
Markdown, with the history of earlier runs) is written into the batch's output folder. One run of
a batch at a time: a second one refuses (or, with --wait, waits) while the first is running.

Options:
  --concurrency <n>     requests in flight at most (default 2); lowered on HTTP 429
  --shard <i/n>         run only shard i of n (a stable split of the job ids), e.g. 2/4
  --max-jobs <n>        send at most n requests without --yes (default ${DEFAULT_MAX_JOBS})
  --max-cost <usd>      spend at most this estimate without --yes (default ${DEFAULT_MAX_COST_USD})
  --yes                 send even above --max-jobs or --max-cost
  --wait                wait for another run of this batch to finish instead of refusing
${ENV_HELP}
  --json                print the run report as JSON on stdout
  -h, --help            show this help

${CONNECTION_HELP}

Exit codes: 0 every job done or already done, 1 some job failed (or another run holds the
batch), 2 invalid input (or above a cap without --yes).
`;

export function parseConcurrency(text: string | undefined): number {
  if (text === undefined) return 2;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 32) throw new UsageError(`--concurrency takes a whole number from 1 to 32, not "${text}".`);
  return value;
}

export function parseShardFlag(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  try {
    return parseShard(text);
  } catch (error) {
    throw new UsageError(`--shard: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseCap(flag: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) throw new UsageError(`${flag} takes ${integer ? 'a whole number' : 'a number'} from 0 up, not "${text}".`);
  return value;
}

/** The caps of a CLI run: above the job cap or the cost cap, --yes is needed (exit 2 without it). */
export function checkCaps(plan: RunPlan, caps: { maxJobs: number; maxCostUsd: number; yes: boolean }): true {
  if (caps.yes) return true;
  if (plan.toSend > caps.maxJobs) {
    throw new UsageError(`this run would send ${plan.toSend.toLocaleString('en-US')} requests (about ${formatUsd(plan.estimateUsd)}), more than --max-jobs ${caps.maxJobs.toLocaleString('en-US')}; nothing was sent. Add --yes to send them, raise --max-jobs, or split the run with --shard.`);
  }
  if (plan.estimateUsd > caps.maxCostUsd) {
    throw new UsageError(`this run is estimated to cost about ${formatUsd(plan.estimateUsd)} for ${plan.toSend.toLocaleString('en-US')} request(s), more than --max-cost ${formatUsd(caps.maxCostUsd)}; nothing was sent. Add --yes, or raise --max-cost.`);
  }
  return true;
}

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Generate every job of a batch file (resumable; skips what is done)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs('run', args, {
      ...CONNECTION_OPTIONS,
      concurrency: { type: 'string' },
      shard: { type: 'string' },
      'max-jobs': { type: 'string' },
      'max-cost': { type: 'string' },
      yes: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      ...ENV_OPTIONS,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError('expected one batch file, such as campaign.mockups.json.\nRun "foundry-mockups run --help" for the options.');
    const concurrency = parseConcurrency(values.concurrency);
    const shard = parseShardFlag(values.shard);
    const caps = { maxJobs: parseCap('--max-jobs', values['max-jobs'], DEFAULT_MAX_JOBS, true), maxCostUsd: parseCap('--max-cost', values['max-cost'], DEFAULT_MAX_COST_USD, false), yes: values.yes };
    const connection = await connect(values, io, 0);
    const batch = await loadBatchFile(io, positionals[0], connection.settings.model, await readEnvFlags(io, values));

    const progress = new ProgressPrinter(io);
    progress.note(`${batch.fileRelative}: ${batch.jobs.length} job(s)${shard ? `, shard ${shard.index}/${shard.count}` : ''}, concurrency ${concurrency}, deployment ${connection.settings.deployment} on ${connection.info.endpointHost} with ${connection.description}.`);
    let unsent = 0;
    let result;
    try {
      result = await runBatch(batch, {
        client: connection.client,
        connection: connection.info,
        pricing: connection.pricing,
        toolVersion: TOOL_VERSION,
        concurrency,
        surface: 'cli',
        waitForLock: values.wait,
        onLockWait: (_holder, message) => progress.note(`${message.replace(/, so this run sent nothing.*$/, '')}; waiting for it to finish (Ctrl+C stops waiting).`),
        confirm: (plan) => checkCaps(plan, caps),
        ...(shard ? { shard } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: (p) => {
          const r = p.last;
          // Jobs that were never sent (the run stopped or was cancelled) are summed up once at the end.
          if (r?.status === 'failed' && r.sent === false && r.errorKind !== 'validation') {
            unsent++;
            progress.update(p.completed, p.total, p);
            return;
          }
          progress.update(p.completed, p.total, p, r ? progressLine(io, p.completed, p.total, r) : undefined);
        },
        onSchedulerEvent: (event) => {
          if (event.type === 'stopped') progress.note(describeSchedulerEvent(event));
          else progress.update(0, 0, { done: 0, skipped: 0, failed: 0 }, describeSchedulerEvent(event));
        },
      });
    } finally {
      progress.end();
    }
    if (unsent > 0) {
      // One line per cause, not one per job: a fatal 401 on 2,000 jobs is one line.
      for (const cause of causesOf(result.results.filter((r) => r.sent === false).map((r) => ({ status: r.status, errorKind: r.errorKind, reason: r.cause ?? r.reason })))) {
        io.stderr(`not sent: ${cause.jobs} job(s): ${cause.message}\n`);
      }
    }
    if (values.json) io.stdout(`${JSON.stringify(result.report, null, 2)}\n`);
    else io.stdout(`${summaryLine(result.report)}\nReport: ${result.reportFiles.map((f) => path.relative(io.cwd, f)).join(', ')}\n`);
    return result.report.summary.failed > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};

function progressLine(io: CliIO, completed: number, total: number, r: JobResult): string {
  const where = r.file ? ` -> ${path.relative(io.cwd, r.file)}` : '';
  const id = r.requestId && r.status === 'done' ? ` (${r.requestId}${r.costUsd !== undefined ? `, ${formatUsd(r.costUsd)}` : ''}${r.attempts > 1 ? `, ${r.attempts} requests` : ''})` : '';
  return `[${completed}/${total}] ${r.status} ${r.job.id}${where}${id}${r.status === 'failed' ? `: ${r.reason ?? ''}` : ''}`;
}
