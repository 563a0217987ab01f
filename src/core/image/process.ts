/**
 * Image processing on Uint8Array: read dimensions, crop, resize (Lanczos3, alpha premultiplied),
 * pad, and encode PNG or JPEG; and applyPlan, which runs a size plan's steps in one libvips pipeline.
 * Every libvips object made here is deleted before the function returns, also on errors.
 */
import type Vips from 'wasm-vips';
import type { ImageFormat } from '../vocabulary';
import { parseColor, type Rgba, TRANSPARENT } from '../sizes/color';
import { planSteps, type PlanStep, type SizePlan, sizeAfterSteps } from '../sizes/planner';
import type { Size } from '../sizes/rules';
import { sniffContentType } from '../foundry/validation';
import { loadVips, type VipsModule } from './engine';

export type { ImageFormat } from '../vocabulary';

export interface ImageInfo {
  readonly width: number;
  readonly height: number;
  readonly format: ImageFormat;
  readonly hasAlpha: boolean;
  /** Bands as stored: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  readonly bands: number;
}

export interface EncodeOptions {
  readonly format: ImageFormat;
  /**
   * The service's `output_compression` scale, 0-100 (100 = best quality): the JPEG quality.
   * PNG is lossless and ignores it. Default: 90 for JPEG.
   */
  readonly compression?: number;
  /** zlib level 0-9 for PNG (default 6). */
  readonly pngLevel?: number;
  /**
   * The colour under transparent pixels when encoding JPEG (which has no alpha), and the pad
   * colour when a pad step says `transparent` but the output is JPEG. Default white.
   */
  readonly background?: string;
}

export interface ProcessedImage {
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly format: ImageFormat;
}

export interface AppliedPlan extends ProcessedImage {
  /** The steps actually run (recomputed when the image was not the planned generation size). */
  readonly steps: readonly PlanStep[];
  /** True when the image's size differed from the plan's generation size and steps were recomputed. */
  readonly recomputed: boolean;
  /** The size of the input image. */
  readonly sourceSize: Size;
}

export class ImageError extends Error {
  override readonly name = 'ImageError';
}

/** The format from the first bytes (the client's sniffer); undefined for anything but PNG and JPEG. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  const type = sniffContentType(bytes);
  return type === 'image/png' ? 'png' : type === 'image/jpeg' ? 'jpeg' : undefined;
}

/** Width, height, format and alpha of a PNG or JPEG, from its header (no pixel decoding). */
export async function readImageInfo(bytes: Uint8Array): Promise<ImageInfo> {
  const format = requireFormat(bytes);
  const vips = await loadVips();
  return withScope(vips, (keep) => {
    const image = keep(decode(vips, bytes));
    return { width: image.width, height: image.height, format, hasAlpha: image.hasAlpha(), bands: image.bands };
  });
}

/**
 * Runs a plan's steps on the service's image and encodes the result. When the image is not the
 * plan's generation size (size `auto`, or a service that returned another size) the steps are
 * recomputed from the actual size with the same fit, so the result is still exactly the target.
 * Fit `generated` and target `auto` re-encode the image unchanged in size.
 */
export async function applyPlan(
  bytes: Uint8Array,
  plan: Pick<SizePlan, 'fit' | 'target' | 'generation' | 'steps' | 'padColor'>,
  options: EncodeOptions,
): Promise<AppliedPlan> {
  const info = await readImageInfo(bytes);
  const source: Size = { width: info.width, height: info.height };
  let steps = plan.steps;
  let recomputed = false;
  const gen = plan.generation;
  const planned = gen !== 'auto' && gen.width === source.width && gen.height === source.height;
  if (!planned && plan.target !== 'auto' && plan.fit !== 'generated') {
    steps = planSteps(source, plan.target, plan.fit, plan.padColor ?? padColorOf(plan.steps));
    recomputed = true;
  }
  const result = await applySteps(bytes, steps, options);
  return { ...result, steps, recomputed, sourceSize: source };
}

/** Runs steps (planned for this image's size) and encodes. Throws ImageError when they do not fit it. */
export async function applySteps(bytes: Uint8Array, steps: readonly PlanStep[], options: EncodeOptions): Promise<ProcessedImage> {
  requireFormat(bytes);
  checkEncodeOptions(options);
  const vips = await loadVips();
  return withScope(vips, (keep) => {
    let image = normalize(vips, keep, keep(decode(vips, bytes)));
    const expected = sizeAfterSteps({ width: image.width, height: image.height }, steps);
    for (const step of steps) image = runStep(vips, keep, image, step, options);
    if (image.width !== expected.width || image.height !== expected.height) {
      throw new ImageError(`Processing produced ${image.width}x${image.height} instead of ${expected.width}x${expected.height}.`);
    }
    return encode(keep, image, options);
  });
}

/** Crops `bytes` to the rectangle and encodes. */
export function cropImage(
  bytes: Uint8Array,
  rect: { left: number; top: number; width: number; height: number },
  options: EncodeOptions,
): Promise<ProcessedImage> {
  return applySteps(bytes, [{ kind: 'crop', ...rect }], options);
}

/** Resizes `bytes` to exactly width x height with Lanczos3 and encodes. */
export function resizeImage(bytes: Uint8Array, size: Size, options: EncodeOptions): Promise<ProcessedImage> {
  return applySteps(bytes, [{ kind: 'resize', width: size.width, height: size.height, kernel: 'lanczos3' }], options);
}

/** Adds borders of `background` (default transparent) and encodes. */
export function padImage(
  bytes: Uint8Array,
  pad: { left: number; top: number; right: number; bottom: number; background?: string },
  options: EncodeOptions,
): Promise<ProcessedImage> {
  return applySteps(bytes, [{ kind: 'pad', ...pad, background: pad.background ?? TRANSPARENT }], options);
}

/** Re-encodes `bytes` (PNG <-> JPEG, or another JPEG quality) without changing its size. */
export function encodeImage(bytes: Uint8Array, options: EncodeOptions): Promise<ProcessedImage> {
  return applySteps(bytes, [], options);
}

// ---------------------------------------------------------------------------------------------

type Image = Vips.Image;
type Keep = <T extends { delete(): void }>(object: T) => T;

/** Runs `body` with a `keep` that registers objects to delete when it returns or throws. */
function withScope<T>(vips: VipsModule, body: (keep: Keep) => T): T {
  const owned: { delete(): void; isDeleted?(): boolean }[] = [];
  const keep: Keep = (object) => {
    owned.push(object);
    return object;
  };
  try {
    return body(keep);
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(`Image processing failed: ${describeVipsError(vips, error)}`);
  } finally {
    for (const object of owned.reverse()) {
      if (!object.isDeleted?.()) object.delete();
    }
  }
}

/** libvips errors arrive as WebAssembly exceptions whose `message` is [type, text]; keep the useful lines. */
function describeVipsError(_vips: VipsModule, error: unknown): string {
  const message: unknown = (error as { message?: unknown } | undefined)?.message;
  const text = Array.isArray(message) ? String(message[message.length - 1]) : typeof message === 'string' ? message : String(error);
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^unable to call /.test(l));
  return lines.slice(0, 2).join('; ') || 'unknown libvips error';
}

function requireFormat(bytes: Uint8Array): ImageFormat {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new ImageError('No image bytes were given.');
  const format = sniffFormat(bytes);
  if (!format) throw new ImageError('The image is neither PNG nor JPEG (unrecognised first bytes).');
  return format;
}

function checkEncodeOptions(options: EncodeOptions): void {
  if (options.format !== 'png' && options.format !== 'jpeg') {
    throw new ImageError(`Unknown output format "${String(options.format)}": use png or jpeg.`);
  }
  const c = options.compression;
  if (c !== undefined && (!Number.isInteger(c) || c < 0 || c > 100)) {
    throw new ImageError(`compression must be a whole number from 0 to 100, not ${String(c)}.`);
  }
  const level = options.pngLevel;
  if (level !== undefined && (!Number.isInteger(level) || level < 0 || level > 9)) {
    throw new ImageError(`pngLevel must be a whole number from 0 to 9, not ${String(level)}.`);
  }
  if (options.background !== undefined && !parseColor(options.background)) {
    throw new ImageError(`background "${options.background}" is not a colour: use #rrggbb.`);
  }
}

function decode(vips: VipsModule, bytes: Uint8Array): Image {
  try {
    return vips.Image.newFromBuffer(bytes, '', { access: 'sequential', fail_on: 'error' });
  } catch (error) {
    throw new ImageError(`The image could not be decoded: ${describeVipsError(vips, error)}`);
  }
}

/** 8-bit sRGB with 3 bands, or 4 with alpha, whatever came in (grey, 16-bit, CMYK JPEG). */
function normalize(_vips: VipsModule, keep: Keep, image: Image): Image {
  let out = image;
  const interpretation = String(out.interpretation);
  if (out.bands < 3 || interpretation !== 'srgb' || String(out.format) !== 'uchar') {
    out = keep(out.colourspace('srgb'));
    if (String(out.format) !== 'uchar') out = keep(out.cast('uchar'));
  }
  return out;
}

function runStep(vips: VipsModule, keep: Keep, image: Image, step: PlanStep, options: EncodeOptions): Image {
  const { width, height } = image;
  switch (step.kind) {
    case 'crop': {
      const { left, top } = step;
      if (!(left >= 0 && top >= 0 && step.width >= 1 && step.height >= 1 && left + step.width <= width && top + step.height <= height)) {
        throw new ImageError(`Crop ${step.width}x${step.height} at ${left},${top} does not fit in a ${width}x${height} image.`);
      }
      return keep(image.extractArea(left, top, step.width, step.height));
    }
    case 'resize':
      return resizeExact(vips, keep, image, step.width, step.height);
    case 'pad': {
      const { left, top, right, bottom } = step;
      if (![left, top, right, bottom].every((n) => Number.isInteger(n) && n >= 0)) {
        throw new ImageError(`Pad amounts must be whole numbers of pixels from 0 up (${left}, ${top}, ${right}, ${bottom}).`);
      }
      let colour = parseColor(step.background);
      if (!colour) throw new ImageError(`Pad colour "${step.background}" is not a colour.`);
      if (options.format === 'jpeg' && colour.a < 255) colour = parseColor(options.background ?? '#ffffff') ?? colour;
      let base = image;
      if (colour.a < 255 && !base.hasAlpha()) base = keep(base.bandjoin(255));
      const background = base.hasAlpha() ? [colour.r, colour.g, colour.b, colour.a] : [colour.r, colour.g, colour.b];
      return keep(base.embed(left, top, width + left + right, height + top + bottom, { extend: 'background', background }));
    }
  }
}

/** Lanczos3 to exactly width x height; alpha is premultiplied so edges do not pick up dark fringes. */
function resizeExact(_vips: VipsModule, keep: Keep, image: Image, width: number, height: number): Image {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) {
    throw new ImageError(`Resize needs a whole-pixel size above 0, not ${width}x${height}.`);
  }
  if (image.width === width && image.height === height) return image;
  const alpha = image.hasAlpha();
  let out = alpha ? keep(image.premultiply()) : image;
  out = keep(out.resize(width / image.width, { vscale: height / image.height, kernel: 'lanczos3' }));
  if (alpha) out = keep(keep(out.unpremultiply()).cast('uchar'));
  // libvips rounds the output size; make it exact (at most one pixel either way).
  if (out.width !== width || out.height !== height) {
    if (out.width < width || out.height < height) {
      out = keep(out.embed(0, 0, Math.max(width, out.width), Math.max(height, out.height), { extend: 'copy' }));
    }
    if (out.width !== width || out.height !== height) out = keep(out.extractArea(0, 0, width, height));
  }
  return out;
}

function encode(keep: Keep, image: Image, options: EncodeOptions): ProcessedImage {
  let out = image;
  let bytes: Uint8Array;
  if (options.format === 'jpeg') {
    if (out.hasAlpha()) {
      const bg: Rgba = parseColor(options.background ?? '#ffffff') ?? { r: 255, g: 255, b: 255, a: 255 };
      out = keep(out.flatten({ background: [bg.r, bg.g, bg.b] }));
      if (String(out.format) !== 'uchar') out = keep(out.cast('uchar'));
    }
    bytes = out.jpegsaveBuffer({ Q: Math.max(1, options.compression ?? 90), keep: 'icc' });
  } else {
    bytes = out.pngsaveBuffer({ compression: options.pngLevel ?? 6, keep: 'icc' });
  }
  // The result lives in wasm memory only until the next call: copy it out.
  return { bytes: bytes.slice(), width: out.width, height: out.height, format: options.format };
}

function padColorOf(steps: readonly PlanStep[]): string {
  const pad = steps.find((s) => s.kind === 'pad');
  return pad?.kind === 'pad' ? pad.background : TRANSPARENT;
}
