/**
 * Step 1 of the use case: the sizes a user typed or picked (preset ids, `WxH`, `WxH@Nx`, `auto`)
 * become size plans for the connection's model. One preset lookup per size; a size that cannot be
 * planned carries its problem instead of throwing, so that a surface can show every size's plan
 * and every problem at once.
 */
import type { SizePlan } from '../sizes/planner';
import { planSize } from '../sizes/planner';
import type { Preset } from '../sizes/presets';
import { formatSize, type ModelFamily } from '../sizes/rules';
import { parseTarget, TargetError } from '../sizes/target';
import type { Fit } from '../vocabulary';

/** What planning needs of a preset catalogue (PresetCatalogue fits). */
export interface PresetFinder {
  find(id: string): Preset | undefined;
}

/** A size as a surface shows it: short badge first, the whole sentence on demand. */
export interface SizePlanInfo {
  /** The size as typed. */
  readonly size: string;
  /** `1170x2532`, or `auto`. */
  readonly target: string;
  /** `1184x2544`, or `auto`. */
  readonly generation: string;
  /** A few words: "exact", "crop 1%", "resize", "pad 4%", "upscale x1.20", "auto". */
  readonly badge: string;
  /** The plan in one sentence ("Generate 1184x2544, crop 14 px from the width ..."). */
  readonly explanation: string;
  readonly warnings: readonly string[];
}

export type TargetPlan =
  | { readonly text: string; readonly ok: true; readonly plan: SizePlan; readonly info: SizePlanInfo; readonly preset?: Preset }
  | { readonly text: string; readonly ok: false; readonly problem: string };

/** `fit` and `padColor` given here win over a preset's own; by default a preset's, else cover. */
export function planTargets(texts: readonly string[], catalogue: PresetFinder, model: ModelFamily, fit?: Fit, padColor?: string): TargetPlan[] {
  return texts.map((text) => planTarget(text, catalogue, model, fit, padColor));
}

function planTarget(text: string, catalogue: PresetFinder, model: ModelFamily, fit: Fit | undefined, padColor: string | undefined): TargetPlan {
  try {
    let preset: Preset | undefined;
    const target = parseTarget(text, (id) => (preset = catalogue.find(id)));
    const padding = padColor ?? preset?.padColor;
    const plan = planSize(target, model, { fit: fit ?? preset?.fit ?? 'cover', ...(padding ? { padColor: padding } : {}) });
    return { text, ok: true, plan, info: planInfo(text, plan), ...(preset ? { preset } : {}) };
  } catch (error) {
    if (error instanceof TargetError) return { text, ok: false, problem: error.message };
    throw error;
  }
}

/** The plans of `texts`, or a TargetError naming every size that cannot be planned. */
export function requirePlans(texts: readonly string[], catalogue: PresetFinder, model: ModelFamily, fit?: Fit): SizePlan[] {
  const planned = planTargets(texts, catalogue, model, fit);
  const problems = planned.flatMap((p) => (p.ok ? [] : [p.problem]));
  if (problems.length > 0) throw new TargetError(problems.join(' '));
  return planned.flatMap((p) => (p.ok ? [p.plan] : []));
}

export function planInfo(size: string, plan: SizePlan): SizePlanInfo {
  return {
    size,
    target: plan.target === 'auto' ? 'auto' : formatSize(plan.target),
    generation: plan.generation === 'auto' ? 'auto' : formatSize(plan.generation),
    badge: planBadge(plan),
    explanation: plan.explanation,
    warnings: plan.warnings,
  };
}

/** The plan in a few words, for a list of sizes. */
export function planBadge(plan: SizePlan): string {
  if (plan.target === 'auto' || plan.generation === 'auto') return 'auto';
  const target = plan.target;
  const generation = plan.generation;
  if (plan.fit === 'generated') return generation.width === target.width && generation.height === target.height ? 'exact' : 'as generated';
  if (plan.steps.length === 0) return 'exact';
  const words: string[] = [];
  let width = generation.width;
  let height = generation.height;
  for (const step of plan.steps) {
    if (step.kind === 'crop') {
      words.push(`crop ${percent(1 - (step.width * step.height) / (width * height))}`);
      width = step.width;
      height = step.height;
    } else if (step.kind === 'resize') {
      const scale = step.width / width;
      words.push(scale > 1 + 1e-9 ? `upscale x${scale.toFixed(2)}` : 'resize');
      width = step.width;
      height = step.height;
    } else {
      const padded = (width + step.left + step.right) * (height + step.top + step.bottom);
      words.push(`pad ${percent(1 - (width * height) / padded)}`);
      width += step.left + step.right;
      height += step.top + step.bottom;
    }
  }
  return words.join(', ');
}

function percent(fraction: number): string {
  const value = fraction * 100;
  return value > 0 && value < 1 ? '<1%' : `${Math.round(value)}%`;
}
