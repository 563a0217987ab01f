// Compares two RGBA images pixel by pixel with a tolerance for font antialiasing, for the
// screenshot baselines (baseline.ts). Pure: no files, no decoding; plain mocha covers it
// (test/unit/baseline.test.ts).

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 4 bytes, row by row, straight (not premultiplied) alpha. */
  readonly data: Uint8Array;
}

export interface DiffOptions {
  /**
   * How far apart two colours at the same place may be and still count as the same, from 0 to 1 of
   * the largest perceptual distance (YIQ, as pixelmatch measures it; black against white is 1).
   * 0.02 is about 5 levels of grey: rounding passes, while a flat area in another theme colour,
   * even one a user can barely tell apart (a panel #f3f3f3 on #ffffff gone, VS Code's #0078d4
   * button blue against #005fb8), does not.
   */
  readonly threshold: number;
  /**
   * How far, in pixels, an edge may have moved. A pixel also counts as the same when its colour lies
   * (per channel, give or take the threshold and half their spread) between the darkest and
   * lightest colours around the same place in the other image, and the other image's pixel between
   * its own neighbours': what a glyph edge antialiased differently, or landed a pixel over, looks
   * like. 1 passes those; a block, a panel or a rule moved further, or a flat area in another
   * colour, does not.
   */
  readonly shiftTolerance: number;
  /** At most this share (0 to 1) of the pixels may differ for the images to match. */
  readonly maxDifferingShare: number;
}

/**
 * The tolerances of the screenshot baselines. A repeat run on the same machine paints the same
 * pixels, so these leave room for antialiasing only. 0.1 % is 1,125 pixels of the Studio's webview
 * (1,392x808) and 177 of the Explorer's context menu (347x512): a button, a chip or a line of text
 * in another colour, gone or moved by 2 px or more fails.
 */
export const DEFAULT_DIFF_OPTIONS: DiffOptions = { threshold: 0.02, shiftTolerance: 1, maxDifferingShare: 0.001 };

export interface DiffResult {
  /** Pixels that differ (a pixel outside either image, when the sizes differ, differs). */
  readonly differing: number;
  /** Pixels compared: the larger width times the larger height. */
  readonly total: number;
  readonly share: number;
  readonly matches: boolean;
  readonly sameSize: boolean;
  /** The actual image faded, with the differing pixels in red (the larger size). */
  readonly diff: RgbaImage;
}

/** The largest value of `yiqDistance` (black against white). */
const MAX_YIQ_DISTANCE = 35215;

/** RGB, each pixel blended over white so that transparent pixels compare by what shows. */
function opaque(image: RgbaImage): Float32Array {
  const rgb = new Float32Array(image.width * image.height * 3);
  for (let p = 0, q = 0; p < image.data.length; p += 4, q += 3) {
    const alpha = image.data[p + 3] / 255;
    rgb[q] = 255 + (image.data[p] - 255) * alpha;
    rgb[q + 1] = 255 + (image.data[p + 1] - 255) * alpha;
    rgb[q + 2] = 255 + (image.data[p + 2] - 255) * alpha;
  }
  return rgb;
}

/** The squared perceptual distance of two colours in YIQ space (Kotsarenko and Ramos, as pixelmatch uses it). */
function yiqDistance(a: Float32Array, i: number, b: Float32Array, j: number): number {
  const dr = a[i] - b[j];
  const dg = a[i + 1] - b[j + 1];
  const db = a[i + 2] - b[j + 2];
  if (dr === 0 && dg === 0 && db === 0) return 0;
  const y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
  const iq = dr * 0.59597799 - dg * 0.2741761 - db * 0.32180189;
  const q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114292;
  return 0.5053 * y * y + 0.299 * iq * iq + 0.1957 * q * q;
}

const STROKE_ALLOWANCE = 0.5;

interface Plane {
  readonly width: number;
  readonly height: number;
  readonly rgb: Float32Array;
}

/**
 * Whether the colour of `from` at (x, y) lies, per channel, between the extremes of `to` within
 * `radius` of (x, y), give or take `slack` and half their spread.
 */
function blendsFromNeighbours(from: Plane, to: Plane, x: number, y: number, radius: number, slack: number): boolean {
  const i = (y * from.width + x) * 3;
  for (let c = 0; c < 3; c++) {
    let min = Infinity;
    let max = -Infinity;
    for (let ty = Math.max(0, y - radius); ty <= Math.min(to.height - 1, y + radius); ty++) {
      for (let tx = Math.max(0, x - radius); tx <= Math.min(to.width - 1, x + radius); tx++) {
        const v = to.rgb[(ty * to.width + tx) * 3 + c];
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    // A thin stroke antialiased at another sub-pixel offset has no pixel as dark as before: allow
    // half the local contrast beyond the extremes (none where the neighbourhood is flat).
    const allowance = slack + (max - min) * STROKE_ALLOWANCE;
    const v = from.rgb[i + c];
    if (v < min - allowance || v > max + allowance) return false;
  }
  return true;
}

/** Compares `actual` with `expected`; see DiffOptions for what counts as the same. */
export function diffImages(actual: RgbaImage, expected: RgbaImage, options: DiffOptions = DEFAULT_DIFF_OPTIONS): DiffResult {
  for (const image of [actual, expected]) {
    if (image.data.length !== image.width * image.height * 4) throw new Error(`an RGBA image of ${image.width}x${image.height} needs ${image.width * image.height * 4} bytes, got ${image.data.length}`);
  }
  const a: Plane = { width: actual.width, height: actual.height, rgb: opaque(actual) };
  const e: Plane = { width: expected.width, height: expected.height, rgb: opaque(expected) };
  const width = Math.max(a.width, e.width);
  const height = Math.max(a.height, e.height);
  const limit = options.threshold * options.threshold * MAX_YIQ_DISTANCE;
  const slack = options.threshold * 255;
  const diff = new Uint8Array(width * height * 4);
  let differing = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const inActual = x < a.width && y < a.height;
      const inExpected = x < e.width && y < e.height;
      const ai = (y * a.width + x) * 3;
      let differs: boolean;
      if (!inActual || !inExpected) differs = true;
      else if (yiqDistance(a.rgb, ai, e.rgb, (y * e.width + x) * 3) <= limit) differs = false;
      else differs = !blendsFromNeighbours(a, e, x, y, options.shiftTolerance, slack) || !blendsFromNeighbours(e, a, x, y, options.shiftTolerance, slack);
      if (differs) {
        differing++;
        diff[o] = 255;
        diff[o + 3] = 255;
      } else {
        // The actual image, faded to a light grey, so the red marks stand out where they are.
        const grey = 0.299 * a.rgb[ai] + 0.587 * a.rgb[ai + 1] + 0.114 * a.rgb[ai + 2];
        diff[o] = diff[o + 1] = diff[o + 2] = 255 - (255 - grey) * 0.2;
        diff[o + 3] = 255;
      }
    }
  }
  const total = width * height;
  const share = total === 0 ? 0 : differing / total;
  const sameSize = a.width === e.width && a.height === e.height;
  return { differing, total, share, matches: sameSize && share <= options.maxDifferingShare, sameSize, diff: { width, height, data: diff } };
}
