/**
 * Normalisation shared by every reader: roles from token names, colour order, font weights, bounded
 * and cleaned prose. Readers hand their tokens to a DesignBuilder, which makes the DesignContext.
 */
import type { ColorRole, DesignColor, DesignContext, DesignDimension, DesignNote, DesignSource, DesignTypeStyle } from './types';
import type { Problems } from './problems';

/** Longest text kept for one rule, note or component line; longer ones are cut at a word. */
export const MAX_NOTE_CHARS = 240;

/** Splits `primaryForeground`, `on-surface`, `brand.500`, `Text/Primary` into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const ROLE_WORDS: ReadonlyArray<readonly [ColorRole, readonly string[]]> = [
  ['foreground', ['foreground', 'fg', 'text', 'ink', 'on', 'content']],
  ['primary', ['primary']],
  ['secondary', ['secondary']],
  ['tertiary', ['tertiary']],
  ['accent', ['accent', 'highlight']],
  ['brand', ['brand']],
  ['background', ['background', 'bg', 'canvas', 'page', 'base']],
  ['surface', ['surface', 'card', 'popover', 'paper', 'panel', 'container']],
  ['border', ['border', 'outline', 'divider', 'stroke', 'ring', 'input']],
  ['muted', ['muted', 'subtle', 'disabled']],
  ['success', ['success', 'positive', 'valid']],
  ['warning', ['warning', 'warn', 'caution', 'attention']],
  ['error', ['error', 'danger', 'destructive', 'critical', 'negative', 'invalid']],
  ['info', ['info', 'informative', 'notice']],
  ['neutral', ['neutral']],
];

/** The order role colours are listed in: the brand's own colours first, then the page, then states. */
const ROLE_RANK: Readonly<Record<ColorRole, number>> = {
  primary: 0,
  secondary: 1,
  tertiary: 2,
  accent: 3,
  brand: 4,
  neutral: 5,
  background: 6,
  surface: 7,
  foreground: 8,
  border: 9,
  muted: 10,
  success: 11,
  warning: 12,
  error: 13,
  info: 14,
};

/** Roles that a prompt block treats as the design system's main colours. */
export const CORE_ROLES: ReadonlySet<ColorRole> = new Set(['primary', 'secondary', 'tertiary', 'accent', 'brand', 'neutral', 'background', 'surface', 'foreground']);

export function colorRole(name: string): ColorRole | undefined {
  const words = new Set(nameWords(name));
  for (const [role, list] of ROLE_WORDS) if (list.some((w) => words.has(w))) return role;
  return undefined;
}

/** `blue-500`, `gray.100`, `primary-50`, `neutral-1`: a numbered step of a palette. */
export function isShade(name: string): boolean {
  const words = nameWords(name);
  return words.length > 1 && /^\d{1,4}$/.test(words[words.length - 1] ?? '');
}

const WEIGHT_NAMES: Readonly<Record<string, number>> = {
  thin: 100,
  hairline: 100,
  'extra-light': 200,
  extralight: 200,
  'ultra-light': 200,
  light: 300,
  normal: 400,
  regular: 400,
  book: 400,
  medium: 500,
  'semi-bold': 600,
  semibold: 600,
  'demi-bold': 600,
  bold: 700,
  'extra-bold': 800,
  extrabold: 800,
  'ultra-bold': 800,
  black: 900,
  heavy: 900,
  'extra-black': 950,
  'ultra-black': 950,
};

/** A font weight from a number, a numeric string or a DTCG/CSS name; undefined when it is none of these. */
export function fontWeight(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : undefined;
  if (n !== undefined) return n >= 1 && n <= 1000 ? n : undefined;
  return typeof value === 'string' ? WEIGHT_NAMES[value.trim().toLowerCase()] : undefined;
}

/** A CSS font stack (`"Inter var", ui-sans-serif, sans-serif`) or a list of names, as unquoted family names. */
export function fontStack(value: unknown): string[] {
  const parts = typeof value === 'string' ? (value.match(/"[^"]*"|'[^']*'|[^,]+/g) ?? []) : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return parts.map((p) => p.trim().replace(/^["']|["']$/g, '').trim()).filter(Boolean);
}

/** One line of plain text: no Markdown emphasis, links or control characters, bounded in length. */
export function cleanText(text: string, max = MAX_NOTE_CHARS): string {
  // Only the start can be kept; cutting first also bounds the work on a huge paragraph.
  const plain = text
    .slice(0, max * 4 + 64)
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]+/g, '')
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1).replace(/\s+\S*$/, '');
  return `${cut}…`;
}

interface Positioned {
  readonly file: string;
  readonly line: number;
}

/** Gathers normalised tokens in source order and makes the DesignContext. */
export class DesignBuilder {
  name?: string;
  overview?: string;
  private readonly colors = new Map<string, DesignColor>();
  private readonly typography = new Map<string, DesignTypeStyle>();
  private readonly radius = new Map<string, DesignDimension>();
  private readonly spacing = new Map<string, DesignDimension>();
  private readonly components: DesignNote[] = [];
  private readonly dos: string[] = [];
  private readonly donts: string[] = [];
  private readonly notes: string[] = [];

  constructor(readonly problems: Problems) {}

  /** A later definition of the same name replaces the earlier one, as the CSS cascade and token merging do. */
  color(name: string, hex: string, at: Positioned, extra: { written?: string; description?: string } = {}): void {
    const role = colorRole(name);
    const written = extra.written?.trim();
    this.colors.delete(name);
    this.colors.set(name, {
      name,
      hex,
      ...(role ? { role } : {}),
      shade: isShade(name),
      ...(written && written.toLowerCase() !== hex ? { written: cleanText(written, 80) } : {}),
      ...(extra.description ? { description: cleanText(extra.description, 160) } : {}),
      file: at.file,
      line: at.line,
    });
  }

  /** Merges into an existing style of the same name (Tailwind gives family and size apart). */
  type(style: DesignTypeStyle): void {
    const before = this.typography.get(style.name);
    this.typography.delete(style.name);
    this.typography.set(style.name, before ? { ...before, ...dropUndefined(style) } : style);
  }

  dimension(kind: 'radius' | 'spacing', name: string, value: string, at: Positioned): void {
    const list = kind === 'radius' ? this.radius : this.spacing;
    list.delete(name);
    list.set(name, { name, value: value.trim(), file: at.file, line: at.line });
  }

  component(name: string, text: string): void {
    const clean = cleanText(text);
    if (clean) this.components.push({ name: cleanText(name, 60), text: clean });
  }

  rule(kind: 'do' | 'dont', text: string): void {
    const clean = cleanText(text);
    if (clean) (kind === 'do' ? this.dos : this.donts).push(clean);
  }

  note(text: string): void {
    const clean = cleanText(text, 600);
    if (clean) this.notes.push(clean);
  }

  get isEmpty(): boolean {
    return (
      !this.overview &&
      this.colors.size + this.typography.size + this.radius.size + this.spacing.size + this.components.length + this.dos.length + this.donts.length + this.notes.length === 0
    );
  }

  build(source: DesignSource): DesignContext {
    const colors = [...this.colors.values()].map((c, order) => ({ c, order }));
    const rank = ({ c }: { c: DesignColor }): number => {
      if (c.shade) return 300;
      if (c.role) return ROLE_RANK[c.role] + (CORE_ROLES.has(c.role) ? 0 : 100);
      return 200;
    };
    colors.sort((a, b) => rank(a) - rank(b) || a.order - b.order);
    return {
      source,
      ...(this.name ? { name: cleanText(this.name, 80) } : {}),
      ...(this.overview ? { overview: cleanText(this.overview, 400) } : {}),
      colors: colors.map(({ c }) => c),
      typography: [...this.typography.values()],
      radius: [...this.radius.values()],
      spacing: [...this.spacing.values()],
      components: this.components,
      dos: this.dos,
      donts: this.donts,
      notes: this.notes,
      problems: this.problems.toArray(),
    };
  }
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
