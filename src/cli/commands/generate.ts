/** `foundry-mockups generate --prompt ... --size ...`: one prompt, one or more sizes, into a folder. */
import * as path from 'node:path';
import { PathOutsideRootError, PathRefusedError, resolveIn } from '../../core/assets/paths';
import { FoundryError } from '../../core/foundry';
import { failureText, prepareGeneration, runGeneration, type WrittenMockup } from '../../core/generation';
import { formatUsd } from '../../core/pricing';
import { BACKGROUNDS, FITS, IMAGE_FORMATS, isOneOf, QUALITIES } from '../../core/vocabulary';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect, readCatalogue, readDesignSystem, TOOL_VERSION } from '../common';
import { type CliCommand, type CliIO, EXIT_FAILURE, EXIT_OK, UsageError, parseCommandArgs } from '../io';

const USAGE = `Usage: foundry-mockups generate --prompt <text> --size <size> [--size <size>...] [options]

Generates one prompt at each size (exact pixels; the service's original is kept beside a
post-processed image), with a sidecar per image. Files are never overwritten.

Options:
  --prompt <text>       what to generate (required)
  --size <size>         preset id, WIDTHxHEIGHT, WIDTHxHEIGHT@2x or auto; repeatable (default auto)
  --out <dir>           output folder inside the current folder (default mockups); links that
                        lead outside it, .git/ and node_modules/ are refused
  --name <name>         file name instead of one made from the prompt
  --locale <tag>        render the visible text in this locale (ja, ar, he, hi, bn, ko, zh-Hans...)
  --quality <q>         low | medium | high | auto
  --n <count>           variants per size, 1 to 10 (default 1)
  --format <f>          png (default) | jpeg
  --background <b>      transparent | opaque | auto
  --fit <fit>           cover | contain | generated
  --presets <file>      size presets file (default .vscode/mockups.json in the current folder)
  --design-system <f>   the design system sent with the prompt: DESIGN.md, *.tokens.json, a Tailwind
                        config or CSS file, a style guide, or a folder of them (default: found in
                        the current folder)
  --json                print the files written as JSON
  -h, --help            show this help

${CONNECTION_HELP}

Exit codes: 0 generated, 1 a request failed, 2 invalid input.
`;


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
      'design-system': { type: 'string' },
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
    const quality = oneOf('quality', values.quality, QUALITIES);
    const format = oneOf('format', values.format, IMAGE_FORMATS);
    const background = oneOf('background', values.background, BACKGROUNDS);
    const fit = oneOf('fit', values.fit, FITS);
    const n = values.n === undefined ? 1 : Number(values.n);
    if (!Number.isInteger(n) || n < 1 || n > 10) throw new UsageError(`--n takes a whole number from 1 to 10, not "${values.n}".`);
    let out;
    try {
      out = resolveIn(io.cwd, values.out ?? 'mockups', 'write');
    } catch (error) {
      if (error instanceof PathOutsideRootError) throw new UsageError(`--out "${values.out}" leaves the current folder (links followed): give a folder inside it.`);
      if (error instanceof PathRefusedError) throw new UsageError(`--out: ${error.message}`);
      throw error;
    }

    const connection = await connect(values, io);
    const catalogue = await readCatalogue(io, values.presets);
    const designSystem = await readDesignSystem(io, values['design-system']);
    const sizes = values.size?.length ? values.size : ['auto'];
    const prepared = prepareGeneration(
      {
        prompt,
        sizes,
        ...(values.locale !== undefined ? { locales: [values.locale] } : {}),
        n,
        folder: out.absolute,
        folderRelative: out.relative,
        ...(quality ? { quality } : {}),
        ...(format ? { format } : {}),
        ...(background ? { background } : {}),
        ...(fit ? { fit } : {}),
        ...(values.name ? { name: values.name } : {}),
        // Nothing shows previews here: none are paid for.
        partialImages: 0,
      },
      { model: connection.settings.model, catalogue, pricing: connection.pricing, ...(designSystem ? { designSystem } : {}) },
    );
    if (prepared.problems.length > 0) throw new UsageError(prepared.problems.join('\n'));
    for (const warning of prepared.warnings) io.stderr(`warning: ${warning}\n`);

    const written: WrittenMockup[] = [];
    const requestIds: string[] = [];
    let cost = 0;
    try {
      const result = await runGeneration(prepared, { client: connection.client, connection: connection.info, pricing: connection.pricing, toolVersion: TOOL_VERSION, ...(io.signal ? { signal: io.signal } : {}) }, (event) => {
        if (event.type === 'retrying') io.stderr(`${event.message}\n`);
        if (event.type !== 'requestDone') return;
        written.push(...event.outcome.mockups);
        if (event.outcome.requestId) requestIds.push(event.outcome.requestId);
        cost += event.outcome.costUsd ?? 0;
        if (!values.json) for (const m of event.outcome.mockups) io.stdout(`${path.relative(io.cwd, m.file) || m.file}\n`);
      });
      cost = result.costUsd ?? cost;
    } catch (error) {
      if (!(error instanceof FoundryError)) throw error;
      if (error.kind === 'validation') throw new UsageError(error.message);
      io.stderr(`foundry-mockups generate: ${failureText(error)}\n`);
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

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!isOneOf(allowed, value)) throw new UsageError(`--${flag} "${value}": use ${allowed.join(', ')}.`);
  return value;
}
