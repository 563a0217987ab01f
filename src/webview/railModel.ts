/**
 * The settings rail's width, as the splitter beside it changes it: by pointer (a drag from where
 * it started) and by keyboard (steps, the narrowest and widest, fold and unfold). Pure, so the
 * rules are tested in plain Node; `<fm-rail-splitter>` only adapts events to them.
 */

export interface RailRange {
  readonly min: number;
  readonly max: number;
  /** One arrow key's step, in CSS pixels (Shift: four steps). */
  readonly step: number;
}

/** What a key on the splitter does: a new width, fold or unfold, or nothing (the key is not ours). */
export type RailKeyResult = { readonly width: number } | { readonly toggle: true } | undefined;

/** A width inside the range, in whole pixels; a width that is not a number is the narrowest. */
export function clampWidth(width: number, range: RailRange): number {
  if (!Number.isFinite(width)) return range.min;
  return Math.round(Math.min(range.max, Math.max(range.min, width)));
}

/** The width after a drag that started at `start` and has moved `dx` pixels to the right. */
export function dragWidth(start: number, dx: number, range: RailRange): number {
  return clampWidth(start + dx, range);
}

/**
 * A key pressed on the splitter. Left and Right narrow and widen (Shift: four steps), Home and
 * End go to the narrowest and widest, Enter folds and unfolds. A folded rail only unfolds: with
 * Enter, or with Right (the direction that shows it).
 */
export function railKey(key: string, shift: boolean, width: number, collapsed: boolean, range: RailRange): RailKeyResult {
  if (key === 'Enter') return { toggle: true };
  if (collapsed) return key === 'ArrowRight' ? { toggle: true } : undefined;
  const step = range.step * (shift ? 4 : 1);
  switch (key) {
    case 'ArrowLeft':
      return { width: clampWidth(width - step, range) };
    case 'ArrowRight':
      return { width: clampWidth(width + step, range) };
    case 'Home':
      return { width: range.min };
    case 'End':
      return { width: range.max };
    default:
      return undefined;
  }
}
