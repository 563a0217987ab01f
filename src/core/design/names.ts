/**
 * How token paths become the short names a prompt and the Studio show, and which family of tokens
 * (radius, spacing, font size) a name belongs to when its type alone does not say.
 */
import { nameWords } from './context';

export const COLOR_GROUP_WORDS = ['color', 'colors', 'colour', 'colours', 'palette'];
export const TYPE_GROUP_WORDS = ['typography', 'typo', 'type', 'font', 'fonts', 'text', 'textstyles', 'text-styles'];
export const FAMILY_WORDS = ['font', 'fonts', 'family', 'families', 'fontfamily', 'typeface', 'typefaces'];
export const RADIUS_WORDS = ['radius', 'radii', 'rounded', 'corner', 'corners', 'borderradius', 'border-radius'];
export const SPACING_WORDS = ['space', 'spacing', 'spacer', 'gap', 'gutter', 'padding', 'margin', 'inset'];

/** The path without a leading group word: `color.brand.primary` -> `brand.primary`; `$root` is dropped. */
export function withoutGroup(segments: readonly string[], groupWords: readonly string[]): string {
  const parts = segments.filter((s) => s !== '$root');
  const rest = parts.length > 1 && groupWords.includes((parts[0] ?? '').toLowerCase()) ? parts.slice(1) : parts;
  return rest.join('.');
}

/** The part after the last word of a kind: `size.border.radius.md` -> `md`; `layout.gutter` -> `gutter`. */
export function afterKindWord(segments: readonly string[], words: readonly string[]): string {
  const parts = segments.filter((s) => s !== '$root');
  let at = -1;
  parts.forEach((s, i) => {
    if (words.includes(s.toLowerCase()) || nameWords(s).some((w) => words.includes(w))) at = i;
  });
  if (at < 0) return parts.join('.');
  const rest = parts.slice(at + 1);
  return rest.length ? rest.join('.') : (parts[at] ?? '');
}

export function hasKindWord(segments: readonly string[], words: readonly string[]): boolean {
  return segments.some((s) => words.includes(s.toLowerCase()) || nameWords(s).some((w) => words.includes(w)));
}

/** A DTCG dimension (`{ value, unit }`), or a length as text or a number of px. */
export function dimensionText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value === 0 ? '0' : `${value}px`;
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { value: n, unit } = value as Record<string, unknown>;
    if (typeof n === 'number' && Number.isFinite(n) && typeof unit === 'string') return `${n}${unit}`;
  }
  return undefined;
}

/** A line height: a unitless number stays unitless, a dimension keeps its unit. */
export function lineHeightText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return dimensionText(value);
}
