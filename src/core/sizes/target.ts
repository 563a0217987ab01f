/**
 * Targets: the exact pixel size a user wants, parsed from `WxH`, `WxH@2x`, a preset id (optionally
 * `preset@3x`) or `auto`. CSS size x density = target pixels. Every rejection is a TargetError whose
 * message says what was wrong and what to type instead.
 */
import type { Preset } from './presets';

/** Largest target edge in pixels; anything above is almost certainly a typo (100000 px). */
export const MAX_TARGET_EDGE = 16_384;
/** Largest target in pixels (100 MP, for example 10000x10000). */
export const MAX_TARGET_PIXELS = 100_000_000;
/** Densities accepted after `@`: 1x to 4x (fractional ones such as 1.5x or 2.625x too). */
export const MIN_DENSITY = 0.5;
export const MAX_DENSITY = 4;

export { type Fit, FITS, isFit } from '../vocabulary';

/** A concrete target: `width` x `height` are the final pixels. */
export interface PixelTarget {
  readonly width: number;
  readonly height: number;
  readonly cssWidth?: number;
  readonly cssHeight?: number;
  readonly density?: number;
  readonly presetId?: string;
  /** Things the user should know about how the pixels were derived (rounding of fractional densities). */
  readonly notes?: readonly string[];
}

export type Target = PixelTarget | 'auto';

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** Looks a preset up by id (the merged catalogue: built-in, workspace, user). */
export type PresetLookup = (id: string) => Preset | undefined;

/** Throws a TargetError unless `width` x `height` is a plausible pixel size. */
export function checkTargetPixels(width: number, height: number, what = 'target'): void {
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new TargetError(`The ${what} ${name} is not a number (${String(value)}).`);
    }
    if (!Number.isInteger(value) || value <= 0) {
      throw new TargetError(`The ${what} ${name} must be a whole number of pixels above 0, not ${value}.`);
    }
    if (value > MAX_TARGET_EDGE) {
      throw new TargetError(
        `The ${what} ${name} is ${value} px; the largest edge this tool produces is ${MAX_TARGET_EDGE} px. Check for a typo (an extra digit?).`,
      );
    }
  }
  if (width * height > MAX_TARGET_PIXELS) {
    throw new TargetError(
      `The ${what} ${width}x${height} has ${(width * height).toLocaleString('en-US')} pixels; at most ${MAX_TARGET_PIXELS.toLocaleString('en-US')} (100 MP) are supported.`,
    );
  }
}

/** A pixel target, validated. */
export function pixelTarget(width: number, height: number): PixelTarget {
  checkTargetPixels(width, height);
  return { width, height };
}

/**
 * CSS size x density, rounded to whole pixels (with a note when rounding happened), validated.
 * `presetId` is recorded for sidecars.
 */
export function cssTarget(cssWidth: number, cssHeight: number, density: number, presetId?: string): PixelTarget {
  for (const [name, value] of [
    ['CSS width', cssWidth],
    ['CSS height', cssHeight],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TargetError(`The ${name} must be a number above 0, not ${String(value)}.`);
    }
  }
  checkDensity(density);
  const width = Math.round(cssWidth * density);
  const height = Math.round(cssHeight * density);
  const notes: string[] = [];
  if (width !== cssWidth * density || height !== cssHeight * density) {
    notes.push(
      `${cssWidth}x${cssHeight} @${density}x is ${+(cssWidth * density).toFixed(3)}x${+(cssHeight * density).toFixed(3)} px, rounded to ${width}x${height}.`,
    );
  }
  checkTargetPixels(width, height, `target (${cssWidth}x${cssHeight} @${density}x)`);
  return {
    width,
    height,
    cssWidth,
    cssHeight,
    density,
    ...(presetId === undefined ? {} : { presetId }),
    ...(notes.length ? { notes } : {}),
  };
}

export function checkDensity(density: number): void {
  if (typeof density !== 'number' || !Number.isFinite(density)) {
    throw new TargetError(`The density is not a number (${String(density)}): use 1, 2, 3 or 4 (as in @2x).`);
  }
  if (density < MIN_DENSITY || density > MAX_DENSITY) {
    throw new TargetError(`The density ${density}x is out of range: use ${MIN_DENSITY}x to ${MAX_DENSITY}x (as in @2x).`);
  }
}

/** The pixel target of a preset, at its own density or at `density` when given. */
export function presetTarget(preset: Preset, density?: number): PixelTarget {
  return cssTarget(preset.width, preset.height, density ?? preset.density, preset.id);
}

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)$/i;
const DENSITY_RE = /^(.*?)\s*@\s*(\d+(?:\.\d+)?)\s*x?$/i;

/**
 * Parses what a user types as a target: `1170x2532` (pixels), `390x844@3x` (CSS size at a
 * density), a preset id such as `iphone-14`, `iphone-14@2x` (a preset at another density) or `auto`.
 */
export function parseTarget(text: string, lookup?: PresetLookup): Target {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new TargetError('No target given: use WIDTHxHEIGHT (1170x2532), WIDTHxHEIGHT@DENSITYx (390x844@3x), a preset id, or auto.');
  }
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'auto') return 'auto';

  let body = trimmed;
  let density: number | undefined;
  const densityMatch = DENSITY_RE.exec(trimmed);
  if (densityMatch) {
    body = densityMatch[1] ?? '';
    density = Number(densityMatch[2]);
    if (body === '') {
      throw new TargetError(`"${trimmed}" has a density but no size: write it after a size or preset id, as in 390x844@3x or iphone-14@3x.`);
    }
  } else if (trimmed.includes('@')) {
    throw new TargetError(`"${trimmed}" has an unreadable density: use @1x, @2x, @3x or @4x (as in 390x844@3x).`);
  }

  const sizeMatch = SIZE_RE.exec(body);
  if (sizeMatch) {
    const w = Number(sizeMatch[1]);
    const h = Number(sizeMatch[2]);
    if (density === undefined) {
      if (!Number.isInteger(w) || !Number.isInteger(h)) {
        throw new TargetError(`"${trimmed}": pixel sizes are whole numbers; for CSS sizes add a density, as in 390.5x844@2x.`);
      }
      return pixelTarget(w, h);
    }
    return cssTarget(w, h, density);
  }
  if (/^-?\d[\d.]*\s*[x×]\s*-?[\d.]+/i.test(body) || /^[\d\s.x×-]+$/i.test(body)) {
    throw new TargetError(
      `"${trimmed}" is not a size: use WIDTHxHEIGHT with whole numbers above 0 (1170x2532), optionally @DENSITYx (390x844@3x).`,
    );
  }
  const preset = lookup?.(body);
  if (!preset) {
    throw new TargetError(
      `"${body}" is neither a size (WIDTHxHEIGHT, as in 1170x2532 or 390x844@3x) nor a known preset id${lookup ? '' : ' (no presets available)'}.`,
    );
  }
  return presetTarget(preset, density);
}
