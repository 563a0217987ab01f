/** `foundry-mockups generate --prompt ... --size ...`: one prompt, one or more sizes, into a folder. */
import * as path from 'node:path';
import { isInside } from '../../core/assets/paths';
import { FoundryError, type Background, type Quality } from '../../core/foundry';
import type { ImageFormat } from '../../core/image';
import { createMockups, type WrittenMockup } from '../../core/mockups';
import { composePrompt, findLocale } from '../../core/prompts';
import { formatUsd } from '../../core/pricing';
import { planSize } from '../../core/sizes/planner';
import { isFit, parseTarget, TargetError } from '../../core/sizes/target';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, readCatalogue, TOOL_VERSION } from '../common';
import { type CliCommand, type CliIO, EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs } from '../io';

const USAGE = `Usage: foundry-mockups generate --prompt <text> --size <size> [--size <size>...] [options]

Generates one prompt at each size (exact pixels; the service's original is kept beside a
post-processed image), with a sidecar per image. Files are never overwritten.

Options:
  --prompt <text>       what to generate (required)
  --size <size>         preset id, WIDTHxHEIGHT, WIDTHxHEIGHT@2x or auto; repeatable (default auto)
  --out <dir>           output folder (default mockups); a relative folder must stay inside the
                        current folder, an absolute one is used as given
  --name <name>         file name instead of one made from the prompt
  --locale <tag>        render the visible text in this locale (ja, ar, he, hi, bn, ko, zh-Hans...)
  --quality <q>         low | medium | high | auto
  --n <count>           variants per size, 1 to 10 (default 1)
  --format <f>          png (default) | jpeg
  --background <b>      transparent | opaque | auto
  --fit <fit>           cover | contain | generated
  --presets <file>      design-system file (default .vscode/mockups.json in the current folder)
  --json                print the files written as JSON
  -h, --help            show this help

${CONNECTION_HELP}

Exit codes: 0 generated, 1 a request failed, 2 invalid input.
`;

const QUALITIES = ['low', 'medium', 'high', 'auto'];
const FORMATS = ['png', 'jpeg'];
const BACKGROUNDS = ['transparent', 'opaque', 'auto'];

export const generateCommand: CliCommand = {
  name: 'generate',
  summary: 'Generate one prompt at one or more sizes into a folder',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs('generate', args, {
      ...CONNECTION_OPTIONS,
      prompt: { type: 'string' },
      size: { type: 'string', multiple: true },
      out: { type: 'string' },
      name: { type: 'string' },
      locale: { type: 'string' },
      quality: { type: 'string' },
      n: { type: 'string' },
      format: { type: 'string' },
      background: { type: 'string' },
      fit: { type: 'string' },
      presets: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    }, false);
    const { values } = parsed;
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    const prompt = values.prompt?.trim();
    if (!prompt) throw new UsageError('--prompt is required: describe the mockup to generate.');
    const check = (flag: string, value: string | undefined, allowed: string[]): void => {
      if (value !== undefined && !allowed.includes(value)) throw new UsageError(`--${flag} "${value}": use ${allowed.join(', ')}.`);
    };
    check('quality', values.quality, QUALITIES);
    check('format', values.format, FORMATS);
    check('background', values.background, BACKGROUNDS);
    if (values.fit !== undefined && !isFit(values.fit)) throw new UsageError(`--fit "${values.fit}": use cover, contain, generated.`);
    const n = values.n === undefined ? 1 : Number(values.n);
    if (!Number.isInteger(n) || n < 1 || n > 10) throw new UsageError(`--n takes a whole number from 1 to 10, not "${values.n}".`);
    const locale = values.locale === undefined ? undefined : findLocale(values.locale);
    if (values.locale !== undefined && !locale) throw new UsageError(`unknown locale "${values.locale}".`);
    const outText = values.out ?? 'mockups';
    const folder = path.resolve(io.cwd, outText);
    if (!path.isAbsolute(outText) && !isInside(io.cwd, folder)) throw new UsageError(`--out "${outText}" leaves the current folder: give a folder inside it, or an absolute path.`);

    const connection = await connect(values, io);
    const catalogue = await readCatalogue(io, values.presets);
    const sizes = values.size?.length ? values.size : ['auto'];
    let plans;
    try {
      plans = sizes.map((text) => {
        const target = parseTarget(text, (id) => catalogue.find(id));
        const preset = target !== 'auto' && target.presetId ? catalogue.find(target.presetId) : undefined;
        return planSize(target, connection.settings.model, { fit: (values.fit as 'cover' | undefined) ?? preset?.fit ?? 'cover', ...(preset?.padColor ? { padColor: preset.padColor } : {}) });
      });
    } catch (error) {
      if (error instanceof TargetError) throw new UsageError(error.message);
      throw error;
    }
    const composed = composePrompt({ text: prompt, ...(locale ? { locale } : {}) });

    const written: WrittenMockup[] = [];
    const requestIds: string[] = [];
    let cost = 0;
    try {
      for (const plan of plans) {
        const outcome = await createMockups(
          {
            promptTyped: composed.typed,
            promptSent: composed.sent,
            ...(locale ? { locale: locale.tag } : {}),
            plan,
            n,
            folder,
            ...(values.quality ? { quality: values.quality as Quality } : {}),
            ...(values.format ? { outputFormat: values.format as ImageFormat } : {}),
            ...(values.background ? { background: values.background as Background } : {}),
            ...(values.name ? { name: values.name, sizeInName: plans.length > 1 } : {}),
          },
          { client: connection.client, connection: connection.info, pricing: connection.pricing, toolVersion: TOOL_VERSION, ...(io.signal ? { signal: io.signal } : {}) },
        );
        written.push(...outcome.mockups);
        if (outcome.requestId) requestIds.push(outcome.requestId);
        cost += outcome.costUsd ?? 0;
        for (const warning of outcome.warnings) io.stderr(`warning: ${warning}\n`);
        if (!values.json) for (const m of outcome.mockups) io.stdout(`${path.relative(io.cwd, m.file) || m.file}\n`);
      }
    } catch (error) {
      if (!(error instanceof FoundryError)) throw error;
      if (error.kind === 'validation') throw new UsageError(error.message);
      io.stderr(`foundry-mockups generate: ${error.message}\n`);
      if (values.json) io.stdout(`${JSON.stringify({ files: written.map((m) => m.file), requestIds, costUsd: cost, error: { kind: error.kind, message: error.message, ...(error.requestId ? { requestId: error.requestId } : {}) } }, null, 2)}\n`);
      return EXIT_FAILURE;
    }
    if (values.json) {
      io.stdout(`${JSON.stringify({ files: written.map((m) => ({ file: m.file, ...(m.original ? { original: m.original } : {}), sidecar: m.sidecarFile })), requestIds, costUsd: Math.round(cost * 1e6) / 1e6 }, null, 2)}\n`);
    } else {
      io.stderr(`${written.length} image(s), ${formatUsd(cost)}.\n`);
    }
    return EXIT_OK;
  },
};
