/**
 * What a comparison of two to four mockups shows about them, as pure functions (no DOM, tested in
 * Node): a label per image saying what tells it apart from the others (its size, locale, variant,
 * or its place in a refine's lineage), and which two to overlay first in swipe and onion skin.
 */
import type { MockupItem } from '../studio/protocol';

/** The webview's `t` (src/webview/l10n.ts), passed in so that this file stays free of the DOM. */
export type Translate = (message: string, ...args: Array<string | number>) => string;

export type Compared = Pick<MockupItem, 'file' | 'name' | 'sizeLabel' | 'locale' | 'width' | 'height' | 'chain'>;

/** The comparison shows two to four images. */
export const MAX_COMPARED = 4;

/** The variant number in a file name (`checkout-600x200-ja-v2.png`, also `-v2-3.png` when the name was taken). */
export function variantOf(name: string): number | undefined {
  const match = /-v(\d+)(?:-\d+)?\.[^.]+$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** Whether `ancestor` is an earlier step of `item`'s lineage; 1 for its parent, 2 for the parent's parent..., 0 when it is none. */
export function generationsBetween(ancestor: Compared, item: Compared): number {
  const index = item.chain.findIndex((step) => step.file === ancestor.file);
  if (index < 0 || index >= item.chain.length - 1) return 0;
  return item.chain.length - 1 - index;
}

const PROMPT_IN_LABEL = 40;

function shortPrompt(prompt: string): string {
  const text = prompt.replace(/\s+/g, ' ').trim();
  return text.length > PROMPT_IN_LABEL ? `${text.slice(0, PROMPT_IN_LABEL - 1)}…` : text;
}

/**
 * A label per image, made of what differs among them: lineage first ("parent", "edit: make the
 * button green"), then size, locale and variant when they are not the same for all. Images that
 * nothing tells apart are labelled by their file names.
 */
export function compareLabels(items: readonly Compared[], t: Translate): string[] {
  const differs = (value: (item: Compared) => unknown): boolean => new Set(items.map(value)).size > 1;
  const sizes = differs((i) => i.sizeLabel);
  const locales = differs((i) => i.locale ?? '');
  const variants = differs((i) => variantOf(i.name) ?? 0);
  const labels = items.map((item) => {
    const parts: string[] = [];
    const descendant = items.some((other) => other !== item && generationsBetween(other, item) > 0);
    const nearest = Math.min(...items.filter((other) => other !== item).map((other) => generationsBetween(item, other) || Infinity));
    if (nearest === 1) parts.push(t('parent'));
    else if (Number.isFinite(nearest)) parts.push(t('{0} steps earlier', nearest));
    if (descendant) {
      const step = item.chain.at(-1);
      parts.push(step?.prompt ? t('edit: {0}', shortPrompt(step.prompt)) : t('edit'));
    }
    if (sizes) parts.push(item.sizeLabel);
    if (locales) parts.push(item.locale ?? t('no locale'));
    if (variants) {
      const variant = variantOf(item.name);
      parts.push(variant === undefined ? t('single') : t('variant {0}', variant));
    }
    return parts.join(' · ');
  });
  // Nothing (or not enough) tells some of them apart: their names do.
  return labels.map((label, index) => (label === '' || labels.indexOf(label) !== labels.lastIndexOf(label) ? [label, items[index].name].filter(Boolean).join(' · ') : label));
}

/**
 * The two images swipe and onion skin start with, as [before, after]: a refine and its parent
 * (the parent before; of several, the latest refine), else two of the same size in different locales, else two of the same size
 * (they overlay exactly), else the first two.
 */
export function defaultPair(items: readonly Compared[]): [number, number] {
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < items.length; a++) for (let b = 0; b < items.length; b++) if (a !== b) pairs.push([a, b]);
  const lineage = pairs
    .map(([a, b]) => ({ pair: [a, b] as [number, number], generations: generationsBetween(items[a], items[b]) }))
    .filter((p) => p.generations > 0)
    .sort((x, y) => x.generations - y.generations || items[y.pair[1]].chain.length - items[x.pair[1]].chain.length)[0];
  if (lineage) return lineage.pair;
  const sameSize = pairs.filter(([a, b]) => a < b && items[a].sizeLabel === items[b].sizeLabel);
  const locales = sameSize.find(([a, b]) => (items[a].locale ?? '') !== (items[b].locale ?? ''));
  return locales ?? sameSize[0] ?? [0, 1];
}

/** The natural size of an image when its sidecar or the decoded image says it. */
export function extentOf(item: Pick<Compared, 'width' | 'height'>, decoded?: { width: number; height: number }): { width: number; height: number } | undefined {
  if (decoded && decoded.width > 0 && decoded.height > 0) return decoded;
  if (item.width && item.height) return { width: item.width, height: item.height };
  return undefined;
}

/**
 * A percentage slider's next value for a key (the swipe divider, 0 to 100): arrows move 1 (10
 * with Shift), Page Up and Page Down 10, Home and End go to the ends. Undefined for any other key.
 */
export function sliderKey(value: number, key: string, shift = false): number | undefined {
  const step = shift ? 10 : 1;
  const next =
    key === 'ArrowRight' || key === 'ArrowUp' ? value + step
    : key === 'ArrowLeft' || key === 'ArrowDown' ? value - step
    : key === 'PageUp' ? value + 10
    : key === 'PageDown' ? value - 10
    : key === 'Home' ? 0
    : key === 'End' ? 100
    : undefined;
  return next === undefined ? undefined : Math.min(100, Math.max(0, next));
}
