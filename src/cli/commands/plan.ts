/** `foundry-mockups plan <target>`: the size plan for a target, as text or JSON. */
import { planTargets } from '../../core/generation/targets';
import { DESIGN_SYSTEM_FILE } from '../../core/sizes/designSystem';
import { isModelFamily, MODEL_FAMILIES, type ModelFamily } from '../../core/sizes/rules';
import { FITS, isFit } from '../../core/sizes/target';
import { readCatalogue } from '../common';
import { type CliCommand, type CliIO, EXIT_OK, UsageError, parseCommandArgs } from '../io';

const USAGE = `Usage: foundry-mockups plan <target> [options]

Plans how to get exactly <target> from the model: the size to request and the crop / resize / pad
that follows.

<target>  WIDTHxHEIGHT in pixels (1170x2532), WIDTHxHEIGHT@DENSITYx (390x844@3x), a preset id
          (iphone-14, og-image; with @2x for another density), or auto.

Options:
  --model <family>      ${MODEL_FAMILIES.join(' | ')} (default gpt-image-2)
  --fit <fit>           ${FITS.join(' | ')} (default cover, or the preset's fit)
  --pad-color <colour>  padding for --fit contain: transparent (default), #rrggbb, #rrggbbaa
  --presets <file>      size presets file (default ${DESIGN_SYSTEM_FILE} in the current folder, if any)
  --json                print one JSON object (the plan)
  -h, --help            show this help

Exit codes: 0 planned, 2 invalid input.
`;

export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'Show the generation size and post-processing for a target size or preset',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs('plan', args, {
      model: { type: 'string' },
      fit: { type: 'string' },
      'pad-color': { type: 'string' },
      presets: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    if (positionals.length !== 1) {
      throw new UsageError(`expected one target, got ${positionals.length === 0 ? 'none' : positionals.map((p) => `"${p}"`).join(', ')}.\nRun "foundry-mockups plan --help" for the options.`);
    }
    const modelName = values.model ?? 'gpt-image-2';
    if (!isModelFamily(modelName)) throw new UsageError(`unknown model "${modelName}": use ${MODEL_FAMILIES.join(', ')}.`);
    const model: ModelFamily = modelName;
    if (values.fit !== undefined && !isFit(values.fit)) throw new UsageError(`unknown fit "${values.fit}": use ${FITS.join(', ')}.`);

    const catalogue = await readCatalogue(io, values.presets);
    const [planned] = planTargets([positionals[0] ?? ''], catalogue, model, values.fit, values['pad-color']);
    if (!planned?.ok) throw new UsageError(planned?.problem ?? 'no target.');
    const { plan, preset } = planned;
    if (values.json) {
      io.stdout(JSON.stringify(plan, null, 2) + '\n');
    } else {
      const t = plan.target === 'auto' ? 'auto' : `${plan.target.width}x${plan.target.height}${preset ? ` (${preset.name})` : ''}`;
      io.stdout(`${t} on ${model}, fit ${plan.fit}:\n  ${plan.explanation}\n`);
      for (const warning of plan.warnings) io.stdout(`  warning: ${warning}\n`);
    }
    return EXIT_OK;
  },
};
