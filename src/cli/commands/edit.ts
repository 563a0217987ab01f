/** `foundry-mockups edit <image> --prompt ...`: refine, inpaint or redesign a workspace image, beside it. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sidecarFileName } from '../../core/assets/sidecar';
import { type EditInput, parentFromSidecarText, prepareGeneration } from '../../core/generation';
import { EDIT_MODES, type EditMode, MAX_N, QUALITIES } from '../../core/vocabulary';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connect } from '../common';
import { cliEnv, cliPath, ENV_HELP, ENV_OPTIONS, flagValue, readInputImage, runPrepared } from '../generation';
import { type CliCommand, type CliIO, EXIT_OK, UsageError, parseCommandArgs } from '../io';

const USAGE = `Usage: foundry-mockups edit <image> --prompt <text> [options]

Edits a png or jpeg of the current folder with a prompt and writes the results beside it, each with
a sidecar recording the lineage. The image's own sidecar, when it has one, gives the edit its
context (locale, template, quality). With --mask, every pixel outside the painted region is the
image's own, with a feathered seam at the mask's edge; the service's answer is kept as the original.

Options:
  --prompt <text>         the change ("make the primary button green"), or the redesign's brief (required)
  --mode <mode>           refine (default), inpaint (needs --mask) or redesign (the image restyled with
                          the design system)
  --mask <png>            a PNG of the image's size; transparent pixels mark the region to repaint
  --reference <image>     a reference image whose style or content the edit follows; repeatable (max 15)
  --size <size>           target sizes (default the image's own size); repeatable
  --quality <q>           low | medium | high | auto (default: the image's, from its sidecar)
  --n <count>             variants, 1 to ${MAX_N} (default 1)
  --name <name>           file name instead of <image>-refined / -inpainted / -redesigned
  --seam <pixels>         the feathered seam of a masked edit, 0 to 64 (default 8; 0 is a hard edge)
${ENV_HELP}
  --json                  print the files written as JSON
  -h, --help              show this help

${CONNECTION_HELP}

Exit codes: 0 edited, 1 the request failed, 2 invalid input.
`;

export const editCommand: CliCommand = {
  name: 'edit',
  summary: 'Refine, inpaint or redesign an image of the current folder, writing beside it',
  usage: USAGE,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs('edit', args, {
      ...CONNECTION_OPTIONS,
      prompt: { type: 'string' },
      mode: { type: 'string' },
      mask: { type: 'string' },
      reference: { type: 'string', multiple: true },
      size: { type: 'string', multiple: true },
      quality: { type: 'string' },
      n: { type: 'string' },
      name: { type: 'string' },
      seam: { type: 'string' },
      ...ENV_OPTIONS,
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    });
    if (values.help) {
      io.stdout(USAGE);
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError('give one image to edit: foundry-mockups edit <image> --prompt "..."');
    const prompt = values.prompt?.trim();
    if (!prompt) throw new UsageError('--prompt is required: describe the change.');
    const mode: EditMode = values.mode === undefined ? (values.mask ? 'inpaint' : 'refine') : (flagValue('mode', values.mode, EDIT_MODES) as EditMode);
    if (mode === 'inpaint' && !values.mask) throw new UsageError('--mode inpaint needs --mask: a PNG whose transparent pixels mark the region to repaint.');
    const quality = values.quality === undefined ? undefined : flagValue('quality', values.quality, QUALITIES);
    const n = whole('n', values.n, 1, MAX_N);
    const seam = whole('seam', values.seam, 0, 64);
    if ((values.reference?.length ?? 0) > 15) throw new UsageError('--reference may be given at most 15 times (16 input images with the image itself).');

    const image = await readInputImage(io, positionals[0], '<image>');
    const references = await Promise.all((values.reference ?? []).map((r) => readInputImage(io, r, '--reference')));
    const mask = values.mask ? await readInputImage(io, values.mask, '--mask') : undefined;
    const folder = cliPath(io, path.dirname(path.resolve(io.cwd, positionals[0])));
    const parent = await fs.readFile(path.join(io.cwd, sidecarFileName(image.file)), 'utf8').then(parentFromSidecarText, () => undefined);
    const edit: EditInput = { mode, image, ...(references.length ? { references } : {}), ...(mask ? { mask } : {}), ...(parent ? { parent } : {}) };

    const connection = await connect(values, io);
    const env = await cliEnv(io, values, connection);
    const prepared = prepareGeneration(
      {
        prompt,
        ...(values.size?.length ? { sizes: values.size } : {}),
        ...(quality ? { quality } : {}),
        ...(n !== undefined ? { n } : {}),
        ...(seam !== undefined ? { inpaintSeam: seam } : {}),
        ...(values.name ? { name: values.name } : {}),
        folder: folder.absolute,
        folderRelative: folder.relative,
        partialImages: 0,
        edit,
      },
      env,
    );
    return runPrepared('edit', prepared, connection, io, values.json);
  },
};

function whole(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} takes a whole number from ${min} to ${max}, not "${value}".`);
  return n;
}
