/** `foundry-mockups generate --prompt ... --size ...`: one prompt, one or more sizes, into a folder. */
import { PathOutsideRootError, PathRefusedError, resolveIn } from '../../core/assets/paths';
import { prepareGeneration } from '../../core/generation';
import { BACKGROUNDS, FITS, IMAGE_FORMATS, QUALITIES } from '../../core/vocabulary';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect } from '../common';
import { cliEnv, ENV_HELP, ENV_OPTIONS, flagValue, readInputImage, runPrepared } from '../generation';
import { type CliCommand, type CliIO, EXIT_OK, UsageError, parseCommandArgs } from '../io';

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
  --anchor <image>      the set's anchor: a png or jpeg of the current folder (the first approved
                        image of the set) sent with every size as the reference whose look each
                        image takes; the requests go to the edits endpoint
${ENV_HELP}
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
      anchor: { type: 'string' },
      ...ENV_OPTIONS,
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
    const quality = flagValue('quality', values.quality, QUALITIES);
    const format = flagValue('format', values.format, IMAGE_FORMATS);
    const background = flagValue('background', values.background, BACKGROUNDS);
    const fit = flagValue('fit', values.fit, FITS);
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
    const anchor = values.anchor !== undefined ? await readInputImage(io, values.anchor, '--anchor') : undefined;

    const connection = await connect(values, io);
    const env = await cliEnv(io, values, connection);
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
        ...(anchor ? { anchor } : {}),
        // Nothing shows previews here: none are paid for.
        partialImages: 0,
      },
      env,
    );
    return runPrepared('generate', prepared, connection, io, values.json);
  },
};
