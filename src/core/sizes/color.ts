/** Pad colours: `transparent`, `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`. */

export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  /** 0 (transparent) to 255 (opaque). */
  readonly a: number;
}

export const TRANSPARENT = 'transparent';

/** Parses a pad colour; undefined when it is not one of the accepted forms. */
export function parseColor(text: string): Rgba | undefined {
  const value = text.trim().toLowerCase();
  if (value === TRANSPARENT) return { r: 0, g: 0, b: 0, a: 0 };
  const match = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(value);
  if (!match) return undefined;
  let hex = match[1] ?? '';
  if (hex.length <= 4) hex = [...hex].map((c) => c + c).join('');
  const byte = (i: number): number => parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return { r: byte(0), g: byte(1), b: byte(2), a: hex.length === 8 ? byte(3) : 255 };
}

export function isColor(text: unknown): text is string {
  return typeof text === 'string' && parseColor(text) !== undefined;
}

/** The canonical spelling: `transparent` or lower-case `#rrggbb` / `#rrggbbaa`. */
export function normalizeColor(text: string): string | undefined {
  const c = parseColor(text);
  if (!c) return undefined;
  if (c.a === 0 && c.r === 0 && c.g === 0 && c.b === 0) return TRANSPARENT;
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  return `#${hex(c.r)}${hex(c.g)}${hex(c.b)}${c.a === 255 ? '' : hex(c.a)}`;
}
