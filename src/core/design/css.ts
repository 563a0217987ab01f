/**
 * Design tokens in CSS: Tailwind v4's `@theme { --color-*: ...; --font-*: ...; --text-*: ...;
 * --radius-*: ...; --spacing: ... }`, and custom properties on `:root` / `html` / `:host` (also
 * inside `@layer`, not inside `@media` or dark-mode selectors). `var()` references are followed
 * between them (shadcn's `@theme inline { --color-primary: var(--primary) }` reads `:root`), with
 * fallbacks, chains and cycles. Parsed with postcss, loaded on first use.
 */
import type { AtRule, Declaration, Root } from 'postcss';
import type { ColorConverter } from './color';
import { isColorKeywordWithoutValue } from './color';
import { type DesignBuilder, fontStack, fontWeight } from './context';
import type { TextFile } from './dtcg';
import { afterKindWord, hasKindWord, RADIUS_WORDS, SPACING_WORDS } from './names';
import { describeFailure, ReferenceResolver } from './references';
import { lazy } from './lazy';

const importPostcss = () => import('postcss');
export type Postcss = Awaited<ReturnType<typeof importPostcss>>;

export const loadPostcss = lazy(importPostcss);

interface Variable {
  readonly name: string;
  readonly value: string;
  readonly line: number;
  readonly column: number;
  /** Declared in `@theme` (Tailwind v4) rather than on `:root`. */
  readonly theme: boolean;
}

type Category =
  | { kind: 'color'; name: string }
  | { kind: 'family' | 'size' | 'lineHeight' | 'weight' | 'letterSpacing'; name: string }
  | { kind: 'radius' | 'spacing'; name: string }
  | { kind: 'maybe-color'; name: string };

const ROOT_SELECTORS = new Set([':root', 'html', ':host']);
/** Tailwind v4 namespaces that say nothing a mockup prompt needs. */
const IGNORED_NAMESPACES = /^(breakpoint|container|shadow|inset-shadow|drop-shadow|text-shadow|blur|perspective|aspect|ease|animate|default|leading|tracking|font-weight|tw)-|^tw-/;

/** Whether a CSS text has Tailwind v4 `@theme` blocks, and how many root custom properties it declares (a cheap count, before parsing). */
export function sniffCss(text: string): { theme: boolean; rootVariables: number } {
  const theme = /@theme\b/.test(text);
  const rootVariables = /(^|[\s,}])(:root|html|:host)\b[^{;}]{0,200}\{/.test(text) ? (text.match(/(^|[;{\s])--[\w-]+\s*:/g)?.length ?? 0) : 0;
  return { theme, rootVariables };
}

/** Reads the tokens of one CSS file. `themeOnly`: only `@theme` variables become tokens (Tailwind v4). */
export function readCss(file: TextFile, themeOnly: boolean, builder: DesignBuilder, colors: ColorConverter, postcss: Postcss): void {
  const problems = builder.problems;
  let root: Root;
  try {
    root = postcss.parse(file.text, { from: undefined });
  } catch (error) {
    const e = error as { reason?: string; line?: number; column?: number; message?: string };
    problems.error({ file: file.path, ...(e.line ? { line: e.line } : {}), ...(e.column ? { column: e.column } : {}) }, `is not valid CSS: ${e.reason ?? e.message ?? String(error)}.`);
    return;
  }

  const variables = new Map<string, Variable>();
  const add = (decl: Declaration, theme: boolean): void => {
    if (!decl.prop.startsWith('--')) return;
    const value = decl.value.trim();
    if (value === 'initial' || decl.prop.endsWith('-*')) return; // `--color-*: initial` clears Tailwind's defaults
    const start = decl.source?.start;
    variables.delete(decl.prop);
    variables.set(decl.prop, { name: decl.prop, value, line: start?.line ?? 1, column: start?.column ?? 1, theme });
  };
  root.walkDecls((decl) => {
    const parent = decl.parent;
    if (parent?.type === 'atrule' && (parent as AtRule).name === 'theme') add(decl, true);
    else if (parent?.type === 'rule' && isRootRule(decl)) add(decl, false);
  });

  const resolver = new ReferenceResolver<string>({
    lookup: (name) => {
      const v = variables.get(name);
      return v ? { value: v.value } : undefined;
    },
    expand: (value, ref) => substituteVars(value, (name, fallback) => (fallback !== undefined && !variables.has(name) ? fallback : ref(name))),
  });

  for (const variable of variables.values()) {
    if (themeOnly && !variable.theme) continue;
    const category = categorize(variable.name.slice(2), themeOnly);
    if (!category) continue;
    const place = { file: file.path, line: variable.line, column: variable.column };
    const resolved = resolver.resolve(variable.name);
    if (!resolved.ok) {
      if (category.kind !== 'maybe-color' || resolved.failure.kind === 'cycle') problems.error(place, describeFailure(resolved.failure, (n) => n), variable.name);
      continue;
    }
    const value = resolved.value.trim();
    const at = { file: file.path, line: variable.line };
    switch (category.kind) {
      case 'color':
      case 'maybe-color': {
        if (isColorKeywordWithoutValue(value)) continue;
        const hex = cssColor(value, colors);
        if (hex) builder.color(category.name, hex, at, { written: variable.value });
        else if (category.kind === 'color') problems.warning(place, `${variable.name} is "${value}", which is not a colour we can convert (color-mix() and relative colours are not read): it is left out.`, variable.name);
        continue;
      }
      case 'family': {
        const stack = fontStack(value);
        if (stack[0]) builder.type({ name: category.name, family: stack[0], ...(stack.length > 1 ? { fallbacks: stack.slice(1) } : {}), ...at });
        continue;
      }
      case 'size': {
        // Outside @theme, `--text-primary: #111` is a text colour, not a font size.
        const hex = variable.theme ? undefined : cssColor(value, colors);
        if (hex) builder.color(variable.name.slice(2), hex, at, { written: variable.value });
        else builder.type({ name: category.name, size: value, ...at });
        continue;
      }
      case 'lineHeight':
        builder.type({ name: category.name, lineHeight: simpleCalc(value), ...at });
        continue;
      case 'letterSpacing':
        builder.type({ name: category.name, letterSpacing: value, ...at });
        continue;
      case 'weight': {
        const weight = fontWeight(value);
        if (weight !== undefined) builder.type({ name: category.name, weight, ...at });
        continue;
      }
      case 'radius':
      case 'spacing':
        builder.dimension(category.kind, category.name, simpleCalc(value), at);
        continue;
    }
  }
}

function isRootRule(decl: Declaration): boolean {
  const rule = decl.parent as { selector?: string; parent?: unknown } | undefined;
  const selectors = (rule?.selector ?? '').split(',').map((s) => s.trim());
  if (!selectors.some((s) => ROOT_SELECTORS.has(s))) return false;
  // Inside @media, @supports or @container the values are conditional (often dark mode): not the base theme.
  for (let node = rule?.parent as { type?: string; name?: string; parent?: unknown } | undefined; node && node.type !== 'root'; node = node.parent as typeof node) {
    if (node.type === 'atrule' && node.name !== 'layer') return false;
  }
  return true;
}

/** Replaces `var(--x)` and `var(--x, fallback)`, innermost first. */
function substituteVars(value: string, ref: (name: string, fallback: string | undefined) => string | undefined): string {
  let text = value;
  for (let round = 0; round < 16; round++) {
    let failed = false;
    const next = text.replace(/var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)/g, (_, name: string, fallback: string | undefined) => {
      const replaced = ref(name, fallback?.trim());
      if (replaced === undefined) failed = true;
      return replaced ?? '';
    });
    if (next === text || failed) return next;
    text = next;
  }
  return text;
}

/** `--color-primary` -> a colour named primary; `--text-xl--line-height` -> the line height of xl; ... */
function categorize(name: string, themeOnly: boolean): Category | undefined {
  if (IGNORED_NAMESPACES.test(name)) return undefined;
  const sub = /^text-(.+?)--(line-height|font-weight|letter-spacing)$/.exec(name);
  if (sub) return { kind: sub[2] === 'line-height' ? 'lineHeight' : sub[2] === 'font-weight' ? 'weight' : 'letterSpacing', name: sub[1] ?? name };
  if (name.includes('--')) return undefined;
  const color = /^(?:color|colour|clr)-(.+)$/.exec(name);
  if (color) return { kind: 'color', name: color[1] ?? name };
  const words = name.split('-');
  if (/^(font-size|fs|text)-/.test(name)) return { kind: 'size', name: name.replace(/^(font-size|fs|text)-/, '') };
  if (/^font-family(-|$)|^font-(?!size|weight|feature|variation|style|stretch)/.test(name) || words.includes('family')) {
    const rest = name.replace(/^font-family-?|^font-|-?family$/g, '');
    return { kind: 'family', name: rest || 'default' };
  }
  if (hasKindWord(words, RADIUS_WORDS)) return { kind: 'radius', name: afterKindWord(words, RADIUS_WORDS).replace(/\./g, '-') };
  if (name === 'spacing' || hasKindWord(words, SPACING_WORDS)) return { kind: 'spacing', name: name === 'spacing' ? 'base' : afterKindWord(words, SPACING_WORDS).replace(/\./g, '-') };
  if (themeOnly) return undefined;
  // Plain custom properties have no namespace: a value that reads as a colour makes a colour.
  return { kind: 'maybe-color', name };
}

/**
 * `calc(0.625rem - 4px)` -> `6px`, `calc(1.75 / 1.25)` -> `1.4`: one operation on numbers, px or rem
 * (16px to the rem), as Tailwind and shadcn themes write them. Anything else stays as written.
 */
export function simpleCalc(value: string): string {
  const m = /^calc\(\s*(-?[\d.]+)(px|rem)?\s*([-+*/])\s*(-?[\d.]+)(px|rem)?\s*\)$/.exec(value.trim());
  if (!m) return value;
  const [, a = '', unitA, op, b = '', unitB] = m;
  const px = (n: string, unit: string | undefined): number => Number(n) * (unit === 'rem' ? 16 : 1);
  const unit = unitA ?? unitB;
  const x = unitA || !unitB ? px(a, unitA) : Number(a);
  const y = unitB || !unitA ? px(b, unitB) : Number(b);
  const result = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : y === 0 ? NaN : x / y;
  if (!Number.isFinite(result)) return value;
  const rounded = Math.round(result * 1000) / 1000;
  return unit && !(op === '/' && unitA && unitB) ? `${rounded}px` : String(rounded);
}

/** CSS colour text, and the bare channel lists design systems keep for `hsl(var(--x))` / `rgb(var(--x) / a)`. */
export function cssColor(value: string, colors: ColorConverter): string | undefined {
  const v = value.trim();
  if (/^\d+(\.\d+)?(deg)?\s+\d+(\.\d+)?%\s+\d+(\.\d+)?%$/.test(v)) return colors.fromCss(`hsl(${v})`);
  if (/^\d{1,3}\s+\d{1,3}\s+\d{1,3}$/.test(v)) return colors.fromCss(`rgb(${v})`);
  return colors.fromCss(v);
}
