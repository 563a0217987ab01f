/**
 * Inpainting that keeps every pixel the user did not paint. The image models treat a mask as
 * guidance only (about half of the pixels meant to be kept change), so after an inpaint returns,
 * its exact-size result is composited: inside the painted region the service's pixels, outside it
 * the input's pixels bit for bit, and within `seam` pixels of the painted region a linear blend
 * from the service's pixels to the input's, so that the edit has no hard edge. A seam of 0 is a
 * hard edge. The result is PNG (lossless: JPEG would change the kept pixels again).
 */
import type Vips from 'wasm-vips';
import { loadVips, type VipsModule } from './engine';
import { ImageError, type ProcessedImage } from './process';

/** Default width of the feathered seam, in pixels. */
export const DEFAULT_SEAM_PIXELS = 8;
/** Widest seam accepted (a wider one would blend far into what the user meant to keep). */
export const MAX_SEAM_PIXELS = 64;

export interface KeptOutsideMask extends ProcessedImage {
  /** Pixels taken from the service (the painted region). */
  readonly paintedPixels: number;
  /** Pixels blended in the seam. */
  readonly seamPixels: number;
}

/**
 * Composites `generated` (the service's answer, already at the input's exact size) over `input`
 * where `mask` (the PNG sent with the request: alpha 0 marks the region to repaint) is painted.
 */
export async function keepOutsideMask(input: Uint8Array, generated: Uint8Array, mask: Uint8Array, options: { readonly seam: number }): Promise<KeptOutsideMask> {
  const seam = options.seam;
  if (!Number.isInteger(seam) || seam < 0 || seam > MAX_SEAM_PIXELS) throw new ImageError(`The seam must be a whole number of pixels from 0 to ${MAX_SEAM_PIXELS}, not ${String(seam)}.`);
  const vips = await loadVips();
  const owned: Array<{ delete(): void }> = [];
  const keep = <T extends { delete(): void }>(object: T): T => {
    owned.push(object);
    return object;
  };
  try {
    const inputPixels = rgba(vips, keep, input, 'input image');
    const generatedPixels = rgba(vips, keep, generated, 'generated image');
    const maskPixels = rgba(vips, keep, mask, 'mask');
    const { width, height } = inputPixels;
    for (const [what, other] of [['generated image', generatedPixels], ['mask', maskPixels]] as const) {
      if (other.width !== width || other.height !== height) throw new ImageError(`The ${what} is ${other.width}x${other.height}; it must be ${width}x${height}, the input's size.`);
    }
    const painted = new Uint8Array(width * height);
    let paintedPixels = 0;
    for (let i = 0; i < painted.length; i++) {
      // Fully transparent marks the region to edit; anything else is kept.
      if (maskPixels.data[i * 4 + 3] === 0) {
        painted[i] = 1;
        paintedPixels++;
      }
    }
    const distance = seam > 0 ? distanceToPainted(painted, width, height, seam) : undefined;
    const out = new Uint8Array(inputPixels.data);
    let seamPixels = 0;
    for (let i = 0; i < painted.length; i++) {
      const o = i * 4;
      if (painted[i]) {
        out.set(generatedPixels.data.subarray(o, o + 4), o);
        continue;
      }
      const d = distance?.[i] ?? Infinity;
      if (d >= seam) continue; // kept bit for bit
      // d is 1 next to the painted region: mostly generated there, fading to the input at `seam`.
      const w = 1 - d / seam;
      for (let c = 0; c < 4; c++) out[o + c] = Math.round(w * generatedPixels.data[o + c] + (1 - w) * inputPixels.data[o + c]);
      seamPixels++;
    }
    const image = keep(vips.Image.newFromMemory(out, width, height, 4, vips.BandFormat.uchar));
    const bytes = image.pngsaveBuffer({ compression: 6 }).slice();
    return { bytes, width, height, format: 'png', paintedPixels, seamPixels };
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(`Compositing the inpainted image failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const object of owned.reverse()) object.delete();
  }
}

/** The decoded pixels of a PNG or JPEG as 8-bit RGBA (alpha 255 where there was none). */
function rgba(vips: VipsModule, keep: <T extends { delete(): void }>(object: T) => T, bytes: Uint8Array, what: string): { data: Uint8Array; width: number; height: number } {
  let image: Vips.Image;
  try {
    image = keep(vips.Image.newFromBuffer(bytes, '', { fail_on: 'error' }));
  } catch {
    throw new ImageError(`The ${what} could not be decoded.`);
  }
  if (String(image.interpretation) !== 'srgb' || image.bands < 3) image = keep(image.colourspace('srgb'));
  if (String(image.format) !== 'uchar') image = keep(image.cast('uchar'));
  if (!image.hasAlpha()) image = keep(image.bandjoin(255));
  const data = image.writeToMemory();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(), width: image.width, height: image.height };
}

/**
 * For each pixel, its Euclidean distance to the nearest painted pixel, when below `limit` (else
 * Infinity); painted pixels are 0. A brute-force search within `limit` of each painted pixel's
 * neighbourhood is bounded by the seam (at most 64 px), so it stays linear in the image size.
 */
function distanceToPainted(painted: Uint8Array, width: number, height: number, limit: number): Float32Array {
  const distance = new Float32Array(width * height).fill(Infinity);
  // Only the painted region's border pixels matter: a pixel's nearest painted pixel is on it.
  const offsets: Array<[number, number, number]> = [];
  for (let dy = -limit; dy <= limit; dy++) {
    for (let dx = -limit; dx <= limit; dx++) {
      const d = Math.hypot(dx, dy);
      if (d > 0 && d < limit) offsets.push([dx, dy, d]);
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!painted[i]) continue;
      distance[i] = 0;
      const border =
        (x > 0 && !painted[i - 1]) || (x < width - 1 && !painted[i + 1]) || (y > 0 && !painted[i - width]) || (y < height - 1 && !painted[i + width]);
      if (!border) continue;
      for (const [dx, dy, d] of offsets) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        if (d < distance[j]) distance[j] = d;
      }
    }
  }
  return distance;
}
