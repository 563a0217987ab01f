/** `foundry-mockups report <batch file>`: one report from every shard and earlier run of a batch. */
import * as path from 'node:path';
import { findReportFiles, mergeReports, readReport, summaryLine, writeReports, type RunReport } from '../../core/batch';
import { loadBatchFile, modelFrom, readCatalogue } from '../common';
import { type CliCommand, type CliIO, EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs } from '../io';

const USAGE = `Usage: foundry-mockups report <batch file> [options]

Merges the run reports of a batch (the reports of every shard, <batch>.shard-i-of-n.report.json,
and of earlier runs, <batch>.report.json) into one: each job as the latest run left it, every run
in the history, and the jobs done, failed and never run, the requests sent and the cost of all
runs together. Writes it as <batch>.report.json and .md in the batch's output folder (after a CI
matrix of shards, download every shard's reports there first) and prints the summary. Sends
nothing and needs no credentials.

Options:
  --model <family>      the model the batch was planned for (default gpt-image-2, or AZURE_OPENAI_MODEL)
  --presets <file>      size presets file (default .vscode/mockups.json in the current folder)
  --json                print the merged report as JSON on stdout
  -h, --help            show this help

Exit codes: 0 every job of the batch done, 1 some job failed or was never run, 2 invalid input
or no report found.
`;

export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Merge the reports of all shards and runs of a batch into one',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs('report', args, {
      model: { type: 'string' },
      presets: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError('expected one batch file, such as campaign.mockups.json.');
    const batch = await loadBatchFile(io, positionals[0], modelFrom(values, io), { catalogue: await readCatalogue(io, values.presets) });
    const files = await findReportFiles(batch);
    const reports: RunReport[] = [];
    const used: string[] = [];
    for (const file of files) {
      const report = await readReport(file);
      if (report && report.batch === batch.fileRelative) {
        reports.push(report);
        used.push(file);
      } else {
        io.stderr(`warning: ${path.relative(io.cwd, file)} is not a run report of ${batch.fileRelative}; left out.\n`);
      }
    }
    if (reports.length === 0) {
      throw new UsageError(`no run report of ${batch.fileRelative} in ${batch.outputRootRelative}: run "foundry-mockups run ${positionals[0]}" first (after a CI matrix, download every shard's reports into that folder).`);
    }
    const merged = mergeReports(reports, used, batch.jobs.map((j) => j.id));
    const written = await writeReports(batch, merged);
    if (values.json) {
      io.stdout(`${JSON.stringify(merged, null, 2)}\n`);
    } else {
      const lines = [`Merged ${used.length} report(s): ${used.map((f) => path.basename(f)).join(', ')}.`, summaryLine(merged)];
      for (const cause of merged.causes) lines.push(`failed: ${cause.jobs} job(s): ${cause.message}`);
      if (merged.overall.missing) lines.push(`never run: ${merged.overall.missing} job(s) of the batch are in no report (a shard that did not run?).`);
      lines.push(`Report: ${written.map((f) => path.relative(io.cwd, f)).join(', ')}`);
      io.stdout(`${lines.join('\n')}\n`);
    }
    return merged.overall.failed > 0 || (merged.overall.missing ?? 0) > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
