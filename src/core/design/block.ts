/**
 * What a design context becomes in a prompt, and in the Studio.
 *
 * The prompt block is plain text, one line per part, most important first: the main colours, the
 * font families, the corner radius, the look, the type scale, do's and don'ts, component notes,
 * the other colours, spacing, other notes. It is kept within a character budget; what does not fit
 * is left out whole (never cut mid-token) and named, so that people can see what the model did not get.
 */
import { CORE_ROLES } from './context';
import { DESIGN_SOURCE_LABELS, type ColorRole, type DesignContext, type DesignProblem, type DesignSourceKind, type DesignTypeStyle } from './types';

/**
 * The default budget. Azure's models page lists a 4,000-character request limit for the gpt-image
 * models (the API itself takes 32,000): 1,200 characters leaves most of it to the template, the
 * user's text and the locale instructions, and holds about a dozen colours, three families, the
 * radius scale, the type scale and a few rules.
 */
export const DEFAULT_DESIGN_BLOCK_CHARS = 1200;
/** Below this there is no room for more than the first line. */
export const MIN_DESIGN_BLOCK_CHARS = 200;

export type DesignItemKind = 'color' | 'font' | 'radius' | 'overview' | 'type' | 'do' | 'dont' | 'component' | 'spacing' | 'note';

export interface DesignBlock {
  /** The text to add to the prompt; empty when the context holds nothing to send. */
  readonly text: string;
  readonly budget: number;
  /** What did not fit, by kind, in the order the kinds are listed. */
  readonly omitted: ReadonlyArray<{ readonly kind: DesignItemKind; readonly count: number }>;
  /** `3 spacing tokens and 2 component notes left out`, or undefined when everything fitted. */
  readonly omittedText?: string;
}

type SectionId = 'colors' | 'fonts' | 'radius' | 'look' | 'type' | 'do' | 'dont' | 'components' | 'spacing' | 'notes';

const SECTIONS: ReadonlyArray<{ readonly id: SectionId; readonly prefix: string; readonly separator: string }> = [
  { id: 'colors', prefix: 'Colours: ', separator: ', ' },
  { id: 'fonts', prefix: 'Fonts: ', separator: ', ' },
  { id: 'radius', prefix: 'Corner radius: ', separator: ', ' },
  { id: 'look', prefix: 'Look: ', separator: ' ' },
  { id: 'type', prefix: 'Type scale: ', separator: '; ' },
  { id: 'do', prefix: 'Do: ', separator: '; ' },
  { id: 'dont', prefix: "Don't: ", separator: '; ' },
  { id: 'components', prefix: 'Components: ', separator: '; ' },
  { id: 'spacing', prefix: 'Spacing: ', separator: ', ' },
  { id: 'notes', prefix: 'Notes: ', separator: ' ' },
];

interface Item {
  readonly section: SectionId;
  readonly kind: DesignItemKind;
  readonly text: string;
}

const KIND_ORDER: readonly DesignItemKind[] = ['color', 'font', 'radius', 'overview', 'type', 'do', 'dont', 'component', 'spacing', 'note'];

/** Renders the design context as a prompt block of at most `budget` characters (see DEFAULT_DESIGN_BLOCK_CHARS). */
export function renderDesignBlock(context: DesignContext, options: { budget?: number } = {}): DesignBlock {
  const budget = Math.max(MIN_DESIGN_BLOCK_CHARS, Math.floor(options.budget ?? DEFAULT_DESIGN_BLOCK_CHARS));
  const items = blockItems(context);
  if (!items.length) return { text: '', budget, omitted: [] };

  const header = `Follow the workspace design system${context.name ? ` "${context.name}"` : ''} exactly.`;
  const chosen = new Map<SectionId, string[]>();
  const full = new Set<SectionId>();
  const omitted = new Map<DesignItemKind, number>();
  let length = header.length;
  for (const item of items) {
    const section = SECTIONS.find((s) => s.id === item.section);
    if (!section) continue;
    const list = chosen.get(item.section);
    // A new line costs its newline, prefix and final full stop; a further item its separator.
    const cost = list ? section.separator.length + item.text.length : 1 + section.prefix.length + item.text.length + (/[.!?…]$/.test(item.text) ? 0 : 1);
    if (full.has(item.section) || length + cost > budget) {
      // Once an item of a part does not fit, the rest of that part is left out too, so that a
      // part never skips its more important items to show less important ones.
      full.add(item.section);
      omitted.set(item.kind, (omitted.get(item.kind) ?? 0) + 1);
      continue;
    }
    length += cost;
    if (list) list.push(item.text);
    else chosen.set(item.section, [item.text]);
  }

  const lines = [header];
  for (const section of SECTIONS) {
    const list = chosen.get(section.id);
    if (!list) continue;
    // Items end without their own full stop when more follow; the line ends with one.
    const trim = section.separator.trim() !== '';
    const line = `${section.prefix}${list.map((t, i) => (trim && i < list.length - 1 ? t.replace(/[.;,]+$/, '') : t)).join(section.separator)}`;
    lines.push(/[.!?…]$/.test(line) ? line : `${line}.`);
  }
  const omittedList = KIND_ORDER.filter((k) => omitted.has(k)).map((kind) => ({ kind, count: omitted.get(kind) ?? 0 }));
  const omittedText = omittedList.length ? `${joinWords(omittedList.map(({ kind, count }) => countText(kind, count)))} left out` : undefined;
  return { text: lines.join('\n'), budget, omitted: omittedList, ...(omittedText ? { omittedText } : {}) };
}

function blockItems(context: DesignContext): Item[] {
  const items: Item[] = [];
  const core = context.colors.filter((c) => c.role && CORE_ROLES.has(c.role) && !c.shade);
  const others = context.colors.filter((c) => !core.includes(c));
  for (const c of core) items.push({ section: 'colors', kind: 'color', text: `${c.name} ${c.hex}` });

  const families = new Map<string, string[]>();
  for (const style of context.typography) {
    if (!style.family) continue;
    const roles = families.get(style.family) ?? [];
    roles.push(style.name);
    families.set(style.family, roles);
  }
  for (const [family, roles] of families) {
    const shown = roles.slice(0, 3).join(', ');
    items.push({ section: 'fonts', kind: 'font', text: `${family} (${shown}${roles.length > 3 ? `, +${roles.length - 3}` : ''})` });
  }
  for (const r of context.radius) items.push({ section: 'radius', kind: 'radius', text: dimensionItem(r.name, r.value, ['default', 'radius', 'rounded', 'base']) });
  if (context.overview) items.push({ section: 'look', kind: 'overview', text: context.overview });
  for (const style of context.typography) {
    const text = typeScaleItem(style);
    if (text) items.push({ section: 'type', kind: 'type', text });
  }
  const rules = Math.max(context.dos.length, context.donts.length);
  for (let i = 0; i < rules; i++) {
    const doRule = context.dos[i];
    const dontRule = context.donts[i];
    if (doRule) items.push({ section: 'do', kind: 'do', text: doRule });
    if (dontRule) items.push({ section: 'dont', kind: 'dont', text: dontRule });
  }
  for (const c of context.components) items.push({ section: 'components', kind: 'component', text: `${c.name}: ${c.text}` });
  for (const c of others) items.push({ section: 'colors', kind: 'color', text: `${c.name} ${c.hex}` });
  for (const s of context.spacing) items.push({ section: 'spacing', kind: 'spacing', text: dimensionItem(s.name, s.value, ['default', 'base', 'spacing']) });
  for (const n of context.notes) items.push({ section: 'notes', kind: 'note', text: n });
  return items;
}

function dimensionItem(name: string, value: string, bare: readonly string[]): string {
  return bare.includes(name.toLowerCase()) ? value : `${name} ${value}`;
}

/** `h1 48px/1.1 weight 600`; undefined for a style that is only a family (the Fonts line has it). */
function typeScaleItem(style: DesignTypeStyle): string | undefined {
  if (!style.size && style.weight === undefined && !style.lineHeight) return undefined;
  const size = style.size && style.lineHeight ? `${style.size}/${style.lineHeight}` : (style.size ?? (style.lineHeight ? `line height ${style.lineHeight}` : ''));
  return [style.name, size, style.weight !== undefined ? `weight ${style.weight}` : '', style.letterSpacing ? `tracking ${style.letterSpacing}` : ''].filter(Boolean).join(' ');
}

const NOUNS: Readonly<Record<DesignItemKind, readonly [string, string]>> = {
  color: ['colour', 'colours'],
  font: ['font', 'fonts'],
  radius: ['radius token', 'radius tokens'],
  overview: ['overview', 'overviews'],
  type: ['type style', 'type styles'],
  do: ['do', "do's"],
  dont: ["don't", "don'ts"],
  component: ['component note', 'component notes'],
  spacing: ['spacing token', 'spacing tokens'],
  note: ['note', 'notes'],
};

function countText(kind: DesignItemKind, count: number): string {
  if (kind === 'overview') return 'the overview';
  return `${count} ${NOUNS[kind][count === 1 ? 0 : 1]}`;
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

/** What the Studio shows of a design system: swatches, type samples and where it came from. */
export interface DesignSummary {
  readonly name?: string;
  readonly kind: DesignSourceKind;
  /** `DESIGN.md`, `design tokens (DTCG)`, `Tailwind v4 @theme`, ... */
  readonly kindLabel: string;
  /** The file (or folder of token files) it was read from. */
  readonly label: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly sha256: string }>;
  readonly sha256: string;
  readonly overview?: string;
  /** Every colour, main ones first. */
  readonly swatches: ReadonlyArray<{ readonly name: string; readonly hex: string; readonly role?: ColorRole; readonly description?: string }>;
  /** Every type style with its family, size, weight and line height, for samples set in that style. */
  readonly typeSamples: ReadonlyArray<{ readonly role: string; readonly family?: string; readonly fallbacks?: readonly string[]; readonly size?: string; readonly weight?: number; readonly lineHeight?: string }>;
  readonly radius: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly spacing: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly components: number;
  readonly dos: number;
  readonly donts: number;
  readonly notes: number;
  readonly problems: readonly DesignProblem[];
}

export function summarizeDesign(context: DesignContext): DesignSummary {
  return {
    ...(context.name ? { name: context.name } : {}),
    kind: context.source.kind,
    kindLabel: DESIGN_SOURCE_LABELS[context.source.kind],
    label: context.source.label,
    files: context.source.files.map((f) => ({ path: f.path, sha256: f.sha256 })),
    sha256: context.source.sha256,
    ...(context.overview ? { overview: context.overview } : {}),
    swatches: context.colors.map((c) => ({ name: c.name, hex: c.hex, ...(c.role ? { role: c.role } : {}), ...(c.description ? { description: c.description } : {}) })),
    typeSamples: context.typography.map((t) => ({
      role: t.name,
      ...(t.family ? { family: t.family } : {}),
      ...(t.fallbacks ? { fallbacks: t.fallbacks } : {}),
      ...(t.size ? { size: t.size } : {}),
      ...(t.weight !== undefined ? { weight: t.weight } : {}),
      ...(t.lineHeight ? { lineHeight: t.lineHeight } : {}),
    })),
    radius: context.radius.map((r) => ({ name: r.name, value: r.value })),
    spacing: context.spacing.map((s) => ({ name: s.name, value: s.value })),
    components: context.components.length,
    dos: context.dos.length,
    donts: context.donts.length,
    notes: context.notes.length,
    problems: context.problems,
  };
}
