/** `foundry-mockups estimate <batch file>`: the plan of every job and the cost, with zero requests. */
import { estimateBatch, findDoneJobs, jobsOfShard, renderEstimateText } from '../../core/batch';
import { resolvePricing } from '../../core/pricing';
import { connectionInfo } from '../../core/connection';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectionSettings, loadBatchFile, modelFrom } from '../common';
import { ENV_HELP, ENV_OPTIONS, readEnvFlags } from '../generation';
import { type CliCommand, type CliIO, EXIT_OK, UsageError, parseCommandArgs } from '../io';
import { parseShardFlag } from './run';

const USAGE = `Usage: foundry-mockups estimate <batch file> [options]

Lists every job of a batch file with its size plan, output name and estimated cost, and the
total. Sends no request and needs no credentials. With the deployment known (--deployment or
AZURE_OPENAI_DEPLOYMENT, and the endpoint), jobs already done are marked and left out of what a
run would spend.

Options:
  --model <family>      plan for this model (default gpt-image-2, or AZURE_OPENAI_MODEL)
  --shard <i/n>         only the jobs of shard i of n
${ENV_HELP}
  --json                print the estimate as JSON
  -h, --help            show this help

${CONNECTION_HELP}

Exit codes: 0 estimated, 2 invalid input.
`;

export const estimateCommand: CliCommand = {
  name: 'estimate',
  summary: 'Show the plan and estimated cost of a batch file (sends nothing)',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs('estimate', args, {
      ...CONNECTION_OPTIONS,
      shard: { type: 'string' },
      ...ENV_OPTIONS,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError('expected one batch file, such as campaign.mockups.json.');
    const shard = parseShardFlag(values.shard);
    const model = modelFrom(values, io);
    const batch = await loadBatchFile(io, positionals[0], model, await readEnvFlags(io, values));
    const jobs = jobsOfShard(batch.jobs, shard);

    // Done jobs can be recognised when the connection is known (their fingerprint names the deployment).
    let done = new Set<(typeof jobs)[number]>();
    let settings;
    try {
      settings = connectionSettings(values, io);
    } catch {
      settings = undefined;
    }
    if (settings) done = new Set((await findDoneJobs(jobs, batch, connectionInfo(settings))).keys());
    const estimate = estimateBatch(jobs, model, resolvePricing(model), done);
    if (values.json) {
      io.stdout(
        `${JSON.stringify(
          {
            batch: batch.fileRelative,
            outputFolder: batch.outputRootRelative,
            model,
            ...(shard ? { shard: `${shard.index}/${shard.count}` } : {}),
            jobs: estimate.jobs,
            toSend: estimate.toSend,
            totalUsd: estimate.totalUsd,
            toSendUsd: estimate.toSendUsd,
            rows: estimate.rows.map((r) => ({
              id: r.job.id,
              asset: r.job.assetId,
              size: r.job.size,
              ...(r.job.locale ? { locale: r.job.locale } : {}),
              variant: r.job.variant,
              target: r.target,
              generation: r.generation,
              explanation: r.explanation,
              output: r.job.output.relative,
              estimateUsd: r.usd,
              done: r.done,
            })),
          },
          null,
          2,
        )}\n`,
      );
    } else {
      io.stdout(renderEstimateText(estimate));
    }
    return EXIT_OK;
  },
};
