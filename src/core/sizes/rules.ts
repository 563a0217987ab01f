/**
 * The size rules of each gpt-image model family: the one place that knows what the service accepts.
 * The Foundry client's validation and the size planner both use this module.
 * Sources: docs/foundry-image-api.md §3 and §3a.
 */

import type { ModelFamily } from '../vocabulary';

export { MODEL_FAMILIES, type ModelFamily, isModelFamily } from '../vocabulary';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** gpt-image-2 accepts any size within these limits (or `auto`). */
export const GPT_IMAGE_2_LIMITS = {
  /** Both edges must be multiples of this. */
  multiple: 16,
  /** Longest edge, inclusive ("up to 3840" in the how-to and OpenAI's spec; the catalog says "less than"). */
  maxEdge: 3840,
  /** Long edge : short edge, at most. */
  maxRatio: 3,
  minPixels: 655_360,
  maxPixels: 8_294_400,
  /** Above this OpenAI calls the resolution experimental. */
  experimentalPixels: 2560 * 1440,
} as const;

/** The fixed sizes of gpt-image-1, gpt-image-1.5 and gpt-image-1-mini (besides `auto`). */
export const FIXED_SIZES: readonly Size[] = [
  { width: 1024, height: 1024 },
  { width: 1536, height: 1024 },
  { width: 1024, height: 1536 },
];

export function hasFreeSizes(model: ModelFamily): boolean {
  return model === 'gpt-image-2';
}

/** The sizes a fixed-size family accepts, or undefined for gpt-image-2 (free sizes within limits). */
export function fixedSizesOf(model: ModelFamily): readonly Size[] | undefined {
  return hasFreeSizes(model) ? undefined : FIXED_SIZES;
}

export function formatSize(size: Size): string {
  return `${size.width}x${size.height}`;
}

/**
 * Why `size` is not a valid generation size for `model`, as a sentence that names the rule and the
 * fix; undefined when it is valid.
 */
export function sizeProblem(model: ModelFamily, size: Size): string | undefined {
  const { width, height } = size;
  const text = formatSize(size);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    return `size ${text} is not a pair of positive whole numbers: use WIDTHxHEIGHT in pixels, such as 1024x1024, or auto.`;
  }
  const fixed = fixedSizesOf(model);
  if (fixed) {
    if (fixed.some((s) => s.width === width && s.height === height)) return undefined;
    return `size ${text} is not accepted by ${model}: use one of ${fixed.map(formatSize).join(', ')} or auto (a size planner turns other sizes into one of these).`;
  }
  const L = GPT_IMAGE_2_LIMITS;
  if (width % L.multiple !== 0 || height % L.multiple !== 0) {
    return `size ${text} is not accepted by ${model}: both edges must be multiples of ${L.multiple} (nearest: ${roundTo(width, L.multiple)}x${roundTo(height, L.multiple)}).`;
  }
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long > L.maxEdge) {
    return `size ${text} is not accepted by ${model}: the long edge is ${long} px and may be at most ${L.maxEdge} px.`;
  }
  if (long > L.maxRatio * short) {
    return `size ${text} is not accepted by ${model}: the long:short ratio is ${(long / short).toFixed(2)}:1 and may be at most ${L.maxRatio}:1.`;
  }
  const pixels = width * height;
  if (pixels < L.minPixels) {
    return `size ${text} is not accepted by ${model}: it has ${pixels.toLocaleString('en-US')} pixels and needs at least ${L.minPixels.toLocaleString('en-US')} (for example 1024x640 or 816x816).`;
  }
  if (pixels > L.maxPixels) {
    return `size ${text} is not accepted by ${model}: it has ${pixels.toLocaleString('en-US')} pixels and may have at most ${L.maxPixels.toLocaleString('en-US')} (3840x2160).`;
  }
  return undefined;
}

export function isValidSize(model: ModelFamily, size: Size): boolean {
  return sizeProblem(model, size) === undefined;
}

/** Warnings for a valid size that the service may treat specially. */
export function sizeWarnings(model: ModelFamily, size: Size): string[] {
  if (!hasFreeSizes(model)) return [];
  const warnings: string[] = [];
  if (size.width * size.height > GPT_IMAGE_2_LIMITS.experimentalPixels) {
    warnings.push(`${formatSize(size)} is above 2560x1440, which OpenAI calls experimental for ${model}.`);
  }
  if (Math.max(size.width, size.height) === GPT_IMAGE_2_LIMITS.maxEdge) {
    warnings.push(`${formatSize(size)} has a ${GPT_IMAGE_2_LIMITS.maxEdge} px edge; Foundry's model card says "less than 3840", so some deployments may refuse it.`);
  }
  return warnings;
}

/** Parses `WIDTHxHEIGHT` (also `×` or `X`) or `auto`; undefined when the text is neither. */
export function parseSize(text: string): Size | 'auto' | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'auto') return 'auto';
  const match = /^(\d{1,6})\s*[x×]\s*(\d{1,6})$/.exec(trimmed);
  if (!match) return undefined;
  return { width: Number(match[1]), height: Number(match[2]) };
}

function roundTo(value: number, multiple: number): number {
  return Math.max(multiple, Math.round(value / multiple) * multiple);
}
