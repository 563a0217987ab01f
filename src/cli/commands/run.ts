/** `foundry-mockups run <batch file>`: generates a batch, resumable, within the rate limit. */
import * as path from 'node:path';
import { parseShard, runBatch, summaryLine, type Shard } from '../../core/batch';
import { formatUsd } from '../../core/pricing';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, loadBatchFile, ProgressPrinter, readCatalogue, TOOL_VERSION } from '../common';
import { type CliCommand, type CliIO, EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs } from '../io';

const USAGE = `Usage: foundry-mockups run <batch file> [options]

Generates every job of a batch file (*.mockups.json): assets x sizes x locales x variants, one
request per image. Jobs already done (same prompt, parameters and deployment, found in a sidecar)
are skipped; failed ones are tried again. Paths in the batch file are relative to it; everything
it writes must stay inside the current folder. A run report (JSON and Markdown) is written into
the batch's output folder.

Options:
  --concurrency <n>     requests in flight at most (default 2); lowered on HTTP 429
  --shard <i/n>         run only shard i of n (a stable split of the job ids), e.g. 2/4
  --presets <file>      design-system file (default .vscode/mockups.json in the current folder)
  --json                print the run report as JSON on stdout
  -h, --help            show this help

${CONNECTION_HELP}

Exit codes: 0 every job done or already done, 1 some job failed, 2 invalid input.
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

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Generate every job of a batch file (resumable; skips what is done)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs('run', args, {
      ...CONNECTION_OPTIONS,
      concurrency: { type: 'string' },
      shard: { type: 'string' },
      presets: { type: 'string' },
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
    const connection = await connect(values, io, 0);
    const catalogue = await readCatalogue(io, values.presets);
    const batch = await loadBatchFile(io, positionals[0], connection.settings.model, catalogue);

    const progress = new ProgressPrinter(io);
    progress.note(`${batch.fileRelative}: ${batch.jobs.length} job(s)${shard ? `, shard ${shard.index}/${shard.count}` : ''}, concurrency ${concurrency}, deployment ${connection.settings.deployment} on ${connection.info.endpointHost} with ${connection.description}.`);
    let result;
    try {
      result = await runBatch(batch, {
        client: connection.client,
        connection: connection.info,
        pricing: connection.pricing,
        toolVersion: TOOL_VERSION,
        concurrency,
        ...(shard ? { shard } : {}),
        ...(io.signal ? { signal: io.signal } : {}),
        onProgress: (p) => {
          const r = p.last;
          const where = r?.file ? ` -> ${path.relative(io.cwd, r.file)}` : '';
          const line = r ? `[${p.completed}/${p.total}] ${r.status} ${r.job.id}${where}${r.requestId && r.status === 'done' ? ` (${r.requestId}${r.costUsd !== undefined ? `, ${formatUsd(r.costUsd)}` : ''})` : ''}${r.status === 'failed' ? `: ${r.reason ?? ''}` : ''}` : undefined;
          progress.update(p.completed, p.total, p, line);
        },
        onSchedulerEvent: (event) => {
          if (event.type === 'rateLimited') progress.update(0, 0, { done: 0, skipped: 0, failed: 0 }, `rate limited: pausing ${Math.round(event.waitMs)} ms, concurrency now ${event.limit}`);
          if (event.type === 'stopped') progress.note(`stopping: ${event.error.message}`);
        },
      });
    } finally {
      progress.end();
    }
    if (values.json) io.stdout(`${JSON.stringify(result.report, null, 2)}\n`);
    else io.stdout(`${summaryLine(result.report)}\nReport: ${result.reportFiles.map((f) => path.relative(io.cwd, f)).join(', ')}\n`);
    return result.report.summary.failed > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
