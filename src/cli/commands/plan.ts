/** `foundry-mockups plan <target>`: the size plan for a target, as text or JSON. */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DESIGN_SYSTEM_FILE, formatProblem, loadPresetCatalogue, type PresetCatalogue } from '../../core/sizes/designSystem';
import { planSize } from '../../core/sizes/planner';
import { isModelFamily, MODEL_FAMILIES, type ModelFamily } from '../../core/sizes/rules';
import { FITS, isFit, parseTarget, TargetError } from '../../core/sizes/target';
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
  --presets <file>      design-system file (default ${DESIGN_SYSTEM_FILE} in the current folder, if any)
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
    for (const problem of catalogue.problems) io.stderr(`warning: ${formatProblem(problem)}\n`);
    try {
      const target = parseTarget(positionals[0] ?? '', (id) => catalogue.find(id));
      const preset = target !== 'auto' && target.presetId ? catalogue.find(target.presetId) : undefined;
      const fit = values.fit ?? preset?.fit ?? 'cover';
      const padColor = values['pad-color'] ?? preset?.padColor;
      const plan = planSize(target, model, { fit, ...(padColor === undefined ? {} : { padColor }) });
      if (values.json) {
        io.stdout(JSON.stringify(plan, null, 2) + '\n');
      } else {
        const t = plan.target === 'auto' ? 'auto' : `${plan.target.width}x${plan.target.height}${preset ? ` (${preset.name})` : ''}`;
        io.stdout(`${t} on ${model}, fit ${fit}:\n  ${plan.explanation}\n`);
        for (const warning of plan.warnings) io.stdout(`  warning: ${warning}\n`);
      }
      return EXIT_OK;
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError(error.message);
      throw error;
    }
  },
};

async function readCatalogue(io: CliIO, presetsFile: string | undefined): Promise<PresetCatalogue> {
  const file = path.resolve(io.cwd, presetsFile ?? DESIGN_SYSTEM_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (presetsFile !== undefined) {
      throw new UsageError(`cannot read the presets file ${presetsFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
  }
  const fileLabel = path.relative(io.cwd, file) || file;
  return loadPresetCatalogue(text === undefined ? {} : { workspace: { text, fileLabel } });
}
