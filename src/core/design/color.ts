/**
 * Colours as written in design files (CSS colour text of any CSS Color 4 syntax, DTCG 2025.10 colour
 * objects in any of their 14 colour spaces) turned into the sRGB hex an image prompt can carry.
 * Conversion and gamut mapping (the CSS Color 4 algorithm, in OKLCH) come from culori, loaded on
 * first use.
 */
import { lazy } from './lazy';

const importCulori = () => import('culori');
type Culori = Awaited<ReturnType<typeof importCulori>>;
type CuloriColor = Parameters<Culori['formatHex']>[0] & object;

export interface ColorConverter {
  /** `#rrggbb` (or `#rrggbbaa`), or undefined when `text` is not a colour culori can read. */
  fromCss(text: string): string | undefined;
  /** A DTCG colour object, or an error message naming what is wrong with it. */
  fromDtcg(value: unknown): { readonly hex: string } | { readonly error: string };
}

/** DTCG colour spaces -> culori modes, and the factor each component is divided by. */
const DTCG_SPACES: Readonly<Record<string, { mode: string; channels: readonly [string, string, string]; scale: readonly [number, number, number] }>> = {
  srgb: { mode: 'rgb', channels: ['r', 'g', 'b'], scale: [1, 1, 1] },
  'srgb-linear': { mode: 'lrgb', channels: ['r', 'g', 'b'], scale: [1, 1, 1] },
  hsl: { mode: 'hsl', channels: ['h', 's', 'l'], scale: [1, 100, 100] },
  hwb: { mode: 'hwb', channels: ['h', 'w', 'b'], scale: [1, 100, 100] },
  lab: { mode: 'lab', channels: ['l', 'a', 'b'], scale: [1, 1, 1] },
  lch: { mode: 'lch', channels: ['l', 'c', 'h'], scale: [1, 1, 1] },
  oklab: { mode: 'oklab', channels: ['l', 'a', 'b'], scale: [1, 1, 1] },
  oklch: { mode: 'oklch', channels: ['l', 'c', 'h'], scale: [1, 1, 1] },
  'display-p3': { mode: 'p3', channels: ['r', 'g', 'b'], scale: [1, 1, 1] },
  'a98-rgb': { mode: 'a98', channels: ['r', 'g', 'b'], scale: [1, 1, 1] },
  'prophoto-rgb': { mode: 'prophoto', channels: ['r', 'g', 'b'], scale: [1, 1, 1] },
  rec2020: { mode: 'rec2020', channels: ['r', 'g', 'b'], scale: [1, 1, 1] },
  'xyz-d65': { mode: 'xyz65', channels: ['x', 'y', 'z'], scale: [1, 1, 1] },
  'xyz-d50': { mode: 'xyz50', channels: ['x', 'y', 'z'], scale: [1, 1, 1] },
};

/** Words that are valid colour values but say nothing about a design system. */
const NOT_DESIGN_COLORS = new Set(['transparent', 'currentcolor', 'inherit', 'initial', 'unset', 'revert', 'none', 'auto']);

export function isColorKeywordWithoutValue(text: string): boolean {
  return NOT_DESIGN_COLORS.has(text.trim().toLowerCase());
}

export const loadColorConverter: () => Promise<ColorConverter> = lazy(() => importCulori().then(createConverter));

function createConverter(culori: Culori): ColorConverter {
  const intoSrgb = culori.toGamut('rgb', 'oklch');
  const hexOf = (color: CuloriColor): string => {
    const mapped = intoSrgb(color);
    return (mapped.alpha ?? 1) < 1 ? culori.formatHex8(mapped) : culori.formatHex(mapped);
  };
  return {
    fromCss(text) {
      const color = culori.parse(text.trim());
      return color ? hexOf(color) : undefined;
    },
    fromDtcg(value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'is not a colour: give an object with colorSpace and components, or a hex string' };
      const { colorSpace, components, alpha, hex } = value as Record<string, unknown>;
      if (typeof colorSpace !== 'string') return { error: 'has no colorSpace: add one, such as "srgb"' };
      const space = DTCG_SPACES[colorSpace];
      if (!space) return { error: `has the colour space "${colorSpace}", which is not one of ${Object.keys(DTCG_SPACES).join(', ')}` };
      if (!Array.isArray(components) || components.length !== 3 || !components.every((c) => c === 'none' || (typeof c === 'number' && Number.isFinite(c)))) {
        return { error: `needs components: three numbers (or "none") in ${colorSpace}` };
      }
      if (alpha !== undefined && (typeof alpha !== 'number' || alpha < 0 || alpha > 1)) return { error: 'has an alpha outside 0 to 1' };
      if (hex !== undefined && (typeof hex !== 'string' || !/^#[0-9a-f]{6}$/i.test(hex))) return { error: 'has a hex fallback that is not #rrggbb' };
      const color: Record<string, unknown> = { mode: space.mode };
      components.forEach((c: unknown, i) => {
        // "none" is a missing component: a missing hue stays undefined (achromatic), others count as 0.
        const channel = space.channels[i] ?? '';
        if (c === 'none') {
          if (channel !== 'h') color[channel] = 0;
        } else color[channel] = (c as number) / (space.scale[i] ?? 1);
      });
      if (typeof alpha === 'number') color.alpha = alpha;
      return { hex: hexOf(color as unknown as CuloriColor) };
    },
  };
}
