/**
 * The size planner: turns a design-system target into a generation size the model accepts and the
 * post-processing steps (crop, resize, pad) that turn the service's image into exactly the target.
 * Rules (docs/sizes.md has the long form):
 * - gpt-image-2: among valid sizes, prefer the aspect ratio closest to the target's (mismatches
 *   under ASPECT_TOLERANCE count as equal), never smaller than the target when some valid size
 *   holds it (no upscaling), then the fewest pixels. When nothing holds it, the largest valid size
 *   of its aspect, upscaled, with a warning. Beyond 3:1 this lands on exactly 3:1 and crops or pads.
 * - Fixed-size families: the closest aspect of their sizes, then no upscaling, then fewest pixels.
 * - Cover crops the centre to the target's aspect at the generated resolution, then resizes;
 *   contain resizes to fit inside, then pads; generated keeps the service's image as is.
 */
import { normalizeColor, TRANSPARENT } from './color';
import { fixedSizesOf, formatSize, GPT_IMAGE_2_LIMITS, isValidSize, type ModelFamily, type Size, sizeWarnings } from './rules';
import { checkTargetPixels, type Fit, isFit, type PixelTarget, type Target, TargetError } from './target';

export interface CropStep {
  readonly kind: 'crop';
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}
export interface ResizeStep {
  readonly kind: 'resize';
  readonly width: number;
  readonly height: number;
  readonly kernel: 'lanczos3';
}
export interface PadStep {
  readonly kind: 'pad';
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  /** `transparent`, `#rrggbb` or `#rrggbbaa`. */
  readonly background: string;
}
export type PlanStep = CropStep | ResizeStep | PadStep;

export interface SizePlan {
  readonly model: ModelFamily;
  readonly fit: Fit;
  readonly target: PixelTarget | 'auto';
  /** The size to send as `size` (always valid for the model family), or `auto`. */
  readonly generation: Size | 'auto';
  /** Applied in order to an image of the generation size; empty when none is needed. */
  readonly steps: readonly PlanStep[];
  readonly warnings: readonly string[];
  /** One line a user can read, such as "Generate 1184x2544, crop 9 px ..., resize to 1170x2532." */
  readonly explanation: string;
  /** Generated pixels beyond those delivered (cropped away or scaled away). */
  readonly wastedPixels?: number;
  /** The pad colour for `contain` (also used when steps are recomputed for another source size). */
  readonly padColor?: string;
}

export interface PlanOptions {
  readonly fit?: Fit;
  /** Pad colour for `contain`; default transparent. */
  readonly padColor?: string;
}

/** Aspect mismatches (fraction of the image cropped or padded) below this count as equally close. */
export const ASPECT_TOLERANCE = 0.01;
/**
 * Cover crops without resampling when the generated image exceeds the target by at most this
 * fraction of each side (as the 16 px grid leaves it): pixels stay crisp, at most 2% per side is lost.
 */
export const CROP_ONLY_TOLERANCE = 0.02;
/** Fixed-size models warn when cover crops or contain pads more than this fraction. */
const FIXED_MISMATCH_WARNING = 0.02;

/** Plans a target for a model. Throws TargetError for invalid targets or options. */
export function planSize(target: Target | Size, model: ModelFamily, options: PlanOptions = {}): SizePlan {
  const fit = options.fit ?? 'cover';
  if (!isFit(fit)) throw new TargetError(`Unknown fit "${String(fit)}": use cover, contain or generated.`);
  const padColor = normalizeColor(options.padColor ?? TRANSPARENT);
  if (padColor === undefined) {
    throw new TargetError(`Pad colour "${String(options.padColor)}" is not a colour: use transparent, #rrggbb or #rrggbbaa.`);
  }
  if (target === 'auto') {
    return {
      model,
      fit,
      target: 'auto',
      generation: 'auto',
      steps: [],
      warnings: [],
      explanation: 'Request size auto: the service picks the size; the image is kept as generated.',
    };
  }
  checkTargetPixels(target.width, target.height);
  const t: Size = { width: target.width, height: target.height };
  const choice = chooseGenerationSize(t, model, fit);
  const gen = choice.size;
  const steps = fit === 'generated' ? [] : planSteps(gen, t, fit, padColor);

  const warnings: string[] = [...(('notes' in target && target.notes) || [])];
  warnings.push(...choiceWarnings(t, model, fit, choice, padColor));
  warnings.push(...sizeWarnings(model, gen));
  if (fit === 'generated' && (gen.width !== t.width || gen.height !== t.height)) {
    warnings.push(`Fit "generated" keeps the service's ${formatSize(gen)} image: the target ${formatSize(t)} is not applied.`);
  }
  const wasted = gen.width * gen.height - t.width * t.height;
  return {
    model,
    fit,
    target: targetOf(target),
    generation: gen,
    steps,
    warnings,
    explanation: explain(gen, t, fit, steps),
    ...(wasted > 0 ? { wastedPixels: wasted } : {}),
    ...(fit === 'contain' ? { padColor } : {}),
  };
}

function targetOf(target: PixelTarget | Size): PixelTarget {
  const { width, height } = target;
  const t = target as PixelTarget;
  return {
    width,
    height,
    ...(t.cssWidth === undefined ? {} : { cssWidth: t.cssWidth }),
    ...(t.cssHeight === undefined ? {} : { cssHeight: t.cssHeight }),
    ...(t.density === undefined ? {} : { density: t.density }),
    ...(t.presetId === undefined ? {} : { presetId: t.presetId }),
  };
}

export interface GenerationChoice {
  readonly size: Size;
  /** Fraction of the generated image cropped (cover) or of the target padded (contain). */
  readonly mismatch: number;
  /** The factor the generated image is resized by; above 1 is upscaling. */
  readonly scale: number;
}

/** The valid generation size for a target, by the rules in the module comment. */
export function chooseGenerationSize(target: Size, model: ModelFamily, fit: Fit): GenerationChoice {
  const fixed = fixedSizesOf(model);
  const candidates = fixed ?? gptImage2Sizes();
  const scored = candidates.map((size) => ({ size, mismatch: aspectMismatch(size, target), scale: scaleFor(size, target, fit) }));
  let best: GenerationChoice | undefined;
  if (fixed) {
    for (const c of scored) {
      if (!best || compare([c.mismatch, Math.max(c.scale, 1), area(c.size)], [best.mismatch, Math.max(best.scale, 1), area(best.size)]) < 0) best = c;
    }
  } else {
    const noUpscale = scored.filter((c) => c.scale <= 1 + 1e-9);
    const pool = noUpscale.length ? noUpscale : scored;
    const key = (c: GenerationChoice): number[] =>
      noUpscale.length
        ? [Math.max(c.mismatch, ASPECT_TOLERANCE), area(c.size), c.mismatch]
        : [Math.max(c.mismatch, ASPECT_TOLERANCE), c.scale, c.mismatch, area(c.size)];
    for (const c of pool) {
      if (!best || compare(key(c), key(best)) < 0) best = c;
    }
  }
  if (!best) throw new Error(`no generation size for ${model}`); // unreachable: both lists are non-empty
  return best;
}

/** Every valid gpt-image-2 size (computed once; about 20,000 sizes). */
let gptImage2SizeCache: readonly Size[] | undefined;
export function gptImage2Sizes(): readonly Size[] {
  if (!gptImage2SizeCache) {
    const L = GPT_IMAGE_2_LIMITS;
    const sizes: Size[] = [];
    for (let w = L.multiple; w <= L.maxEdge; w += L.multiple) {
      for (let h = L.multiple; h <= L.maxEdge; h += L.multiple) {
        const size = { width: w, height: h };
        if (isValidSize('gpt-image-2', size)) sizes.push(size);
      }
    }
    gptImage2SizeCache = sizes;
  }
  return gptImage2SizeCache;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (Math.abs(d) > 1e-12 * Math.max(1, Math.abs(a[i] ?? 0))) return d;
  }
  return 0;
}

const area = (s: Size): number => s.width * s.height;

/** 1 - (smaller aspect / larger aspect): the fraction cover crops away, or contain pads. */
export function aspectMismatch(a: Size, b: Size): number {
  const ra = a.width / a.height;
  const rb = b.width / b.height;
  return 1 - Math.min(ra / rb, rb / ra);
}

function scaleFor(source: Size, target: Size, fit: Fit): number {
  const sx = target.width / source.width;
  const sy = target.height / source.height;
  return fit === 'contain' ? Math.min(sx, sy) : Math.max(sx, sy);
}

/**
 * The steps that turn an image of `source` size into exactly `target` for a fit (`generated`: none).
 * Cover: a centre crop alone when the source exceeds the target by at most CROP_ONLY_TOLERANCE a
 * side; otherwise a centre crop to the target's aspect at the source resolution, then a resize. Contain: resize
 * to fit inside, then pad evenly (the odd pixel goes right / bottom).
 */
export function planSteps(source: Size, target: Size, fit: Fit, padColor: string = TRANSPARENT): PlanStep[] {
  if (fit === 'generated') return [];
  const steps: PlanStep[] = [];
  const s = scaleFor(source, target, fit);
  if (fit === 'cover') {
    const excessW = source.width - target.width;
    const excessH = source.height - target.height;
    if (excessW >= 0 && excessH >= 0 && excessW <= CROP_ONLY_TOLERANCE * source.width && excessH <= CROP_ONLY_TOLERANCE * source.height) {
      if (excessW || excessH) {
        steps.push({ kind: 'crop', left: Math.floor(excessW / 2), top: Math.floor(excessH / 2), width: target.width, height: target.height });
      }
      return steps;
    }
    const cw = Math.min(source.width, Math.max(1, Math.round(target.width / s)));
    const ch = Math.min(source.height, Math.max(1, Math.round(target.height / s)));
    if (cw !== source.width || ch !== source.height) {
      steps.push({
        kind: 'crop',
        left: Math.floor((source.width - cw) / 2),
        top: Math.floor((source.height - ch) / 2),
        width: cw,
        height: ch,
      });
    }
    if (cw !== target.width || ch !== target.height) {
      steps.push({ kind: 'resize', width: target.width, height: target.height, kernel: 'lanczos3' });
    }
    return steps;
  }
  const sw = Math.min(target.width, Math.max(1, Math.round(source.width * s)));
  const sh = Math.min(target.height, Math.max(1, Math.round(source.height * s)));
  if (sw !== source.width || sh !== source.height) {
    steps.push({ kind: 'resize', width: sw, height: sh, kernel: 'lanczos3' });
  }
  if (sw !== target.width || sh !== target.height) {
    const left = Math.floor((target.width - sw) / 2);
    const top = Math.floor((target.height - sh) / 2);
    steps.push({
      kind: 'pad',
      left,
      top,
      right: target.width - sw - left,
      bottom: target.height - sh - top,
      background: normalizeColor(padColor) ?? TRANSPARENT,
    });
  }
  return steps;
}

/** The size an image of `source` size has after `steps`. */
export function sizeAfterSteps(source: Size, steps: readonly PlanStep[]): Size {
  let size = source;
  for (const step of steps) {
    if (step.kind === 'pad') {
      size = { width: size.width + step.left + step.right, height: size.height + step.top + step.bottom };
    } else {
      size = { width: step.width, height: step.height };
    }
  }
  return size;
}

function choiceWarnings(target: Size, model: ModelFamily, fit: Fit, choice: GenerationChoice, padColor: string): string[] {
  const warnings: string[] = [];
  const gen = choice.size;
  const t = formatSize(target);
  if (choice.scale > 1 + 1e-9) {
    warnings.push(
      `${t} is larger than ${model} can generate at this aspect ratio: generating ${formatSize(gen)} and upscaling x${choice.scale.toFixed(2)}; expect softer detail.`,
    );
  }
  if (fit === 'generated') return warnings;
  const ratio = Math.max(target.width, target.height) / Math.min(target.width, target.height);
  const beyondRatio = !fixedSizesOf(model) && ratio > GPT_IMAGE_2_LIMITS.maxRatio;
  const lossy = beyondRatio || (fixedSizesOf(model) !== undefined && choice.mismatch > FIXED_MISMATCH_WARNING);
  if (!lossy) return warnings;
  const pct = `${(choice.mismatch * 100).toFixed(1)}%`;
  const because = beyondRatio
    ? `${t} (${ratio.toFixed(2)}:1) is beyond ${model}'s ${GPT_IMAGE_2_LIMITS.maxRatio}:1 limit, so it is generated at ${formatSize(gen)}`
    : `${model} has no size close to ${t}'s aspect ratio, so it is generated at ${formatSize(gen)}`;
  const steps = planSteps(gen, target, fit, padColor);
  if (fit === 'cover') {
    const crop = steps.find((s): s is CropStep => s.kind === 'crop');
    const lost = crop ? describeCrop(gen, crop) : 'nothing';
    warnings.push(`${because} and cropped: ${lost} (${pct} of the generated image) is lost.`);
  } else {
    const pad = steps.find((s): s is PadStep => s.kind === 'pad');
    const added = pad ? `${pad.left + pad.right + pad.top + pad.bottom} px of ${pad.background} padding (${pct} of the target)` : 'nothing';
    warnings.push(`${because} and padded: ${added} is added.`);
  }
  return warnings;
}

function describeCrop(source: Size, crop: CropStep): string {
  const dw = source.width - crop.width;
  const dh = source.height - crop.height;
  const parts: string[] = [];
  if (dw) parts.push(`${dw} px from the width`);
  if (dh) parts.push(`${dh} px from the height`);
  return parts.join(' and ');
}

function explain(gen: Size, target: Size, fit: Fit, steps: readonly PlanStep[]): string {
  const head = `Generate ${formatSize(gen)}`;
  if (fit === 'generated') {
    return gen.width === target.width && gen.height === target.height
      ? `${head}: it is exactly the target; no post-processing.`
      : `${head} and keep it as generated (fit "generated": the target ${formatSize(target)} is not applied).`;
  }
  if (steps.length === 0) return `${head}: it is exactly the target; no post-processing.`;
  let size = gen;
  const parts = steps.map((step) => {
    let text: string;
    if (step.kind === 'crop') {
      text = `crop ${describeCrop(size, step)} (to ${step.width}x${step.height})`;
    } else if (step.kind === 'resize') {
      text = `resize to ${step.width}x${step.height}`;
    } else {
      const added = sizeAfterSteps(size, [step]);
      const sides = [
        ['left', step.left],
        ['top', step.top],
        ['right', step.right],
        ['bottom', step.bottom],
      ]
        .filter(([, n]) => n)
        .map(([side, n]) => `${side} ${n}`)
        .join(', ');
      text = `pad ${sides} with ${step.background} (to ${added.width}x${added.height})`;
    }
    size = sizeAfterSteps(size, [step]);
    return text;
  });
  return `${head}, ${parts.join(', ')}.`;
}
