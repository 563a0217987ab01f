/**
 * DESIGN.md, the format Google Stitch adopted (google-labs-code/design.md, version "alpha"): YAML
 * design tokens (front matter, and/or fenced ```yaml blocks in the sections, merged; a top-level
 * key may be defined once) with `name`, `description`, `colors`, `typography`, `rounded`, `spacing`
 * and `components`, where values may refer to others as `{colors.primary}`; and a Markdown body in
 * `##` sections: Overview, Colors, Typography, Layout, Elevation & Depth, Shapes, Components,
 * Do's and Don'ts. YAML is parsed with the `yaml` package, which keeps every node's offset.
 * A Markdown file without tokens (a prose style guide) is read the same way, by its sections.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { ColorConverter } from './color';
import { isColorKeywordWithoutValue } from './color';
import { cleanText, type DesignBuilder, fontStack, fontWeight, nameWords } from './context';
import type { TextFile } from './dtcg';
import { dimensionText, lineHeightText } from './names';
import { LineIndex, type Place } from './problems';
import { describeFailure, ReferenceResolver } from './references';

interface YamlBlock {
  /** Offset of the YAML text in the file. */
  readonly offset: number;
  readonly text: string;
}

interface Tree {
  readonly value: Record<string, unknown>;
  /** Dotted path -> offset of its value in the file. */
  readonly offsets: Map<string, number>;
}

const ALIAS = /^\{([^{}]+)\}$/;

/** Reads a DESIGN.md (or any Markdown style guide) into the builder. */
export function readDesignMd(file: TextFile, builder: DesignBuilder, colors: ColorConverter, options: { quietWhenEmpty?: boolean } = {}): void {
  const problems = builder.problems;
  const lines = new LineIndex(file.text);
  const place = (offset: number): Place => lines.place(file.path, offset);
  const { blocks, body, bodyOffset } = splitYaml(file.text, (offset, message) => problems.error(place(offset), message));

  const tree: Tree = { value: {}, offsets: new Map() };
  const definedAt = new Map<string, number>();
  for (const block of blocks) {
    const counter = new LineCounter();
    const doc = parseDocument(block.text, { prettyErrors: false, lineCounter: counter, uniqueKeys: true });
    const error = doc.errors[0];
    if (error) {
      problems.error(place(block.offset + (error.pos[0] ?? 0)), `is not valid YAML: ${error.message.split('\n')[0] ?? error.code}.`);
      continue;
    }
    if (doc.contents === null) continue;
    if (!isMap(doc.contents)) {
      problems.error(place(block.offset + (doc.contents.range?.[0] ?? 0)), 'its YAML must be a mapping of design tokens (colors:, typography:, rounded:, spacing:, components:).');
      continue;
    }
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      const keyOffset = block.offset + (isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0);
      const earlier = definedAt.get(key);
      if (earlier !== undefined) {
        const { line } = lines.position(earlier);
        problems.error(place(keyOffset), `defines "${key}" again (first on line ${line}): each top-level key may be defined once, in the front matter or one yaml block.`, key);
        continue;
      }
      definedAt.set(key, keyOffset);
      tree.value[key] = toPlain(pair.value, [key], block.offset, tree.offsets, (offset, message) => problems.warning(place(offset), message));
      tree.offsets.set(key, keyOffset);
    }
  }

  const at = (path: string): Place => place(tree.offsets.get(path) ?? 0);
  const lineOf = (path: string): { file: string; line: number } => ({ file: file.path, line: lines.position(tree.offsets.get(path) ?? 0).line });
  const get = (path: string): unknown => path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), tree.value);
  const resolver = new ReferenceResolver<unknown>({
    lookup(name) {
      const value = get(name);
      if (value === undefined) return undefined;
      // Typography levels are composite tokens that components may refer to; other maps are groups.
      if (typeof value === 'object' && value !== null && !(name.startsWith('typography.') && name.split('.').length === 2)) return 'group';
      return { value };
    },
    expand: (value, ref) => expandAliases(value, ref),
  });
  const resolve = (path: string): { ok: true; value: unknown } | { ok: false } => {
    const result = resolver.resolve(path);
    if (result.ok) return result;
    problems.error(at(path), describeFailure(result.failure, (n) => `{${n}}`), path);
    return { ok: false };
  };

  if (typeof tree.value.name === 'string') builder.name = tree.value.name;
  if (typeof tree.value.description === 'string') builder.overview = tree.value.description;

  const section = <T>(key: string): Array<[string, T]> => {
    const value = tree.value[key];
    if (value === undefined || value === null) return [];
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.error(at(key), `"${key}" must be a mapping of token names to values.`, key);
      return [];
    }
    return Object.entries(value as Record<string, T>);
  };

  const prose = readSections(body, bodyOffset, (offset, message) => problems.warning(place(offset), message));
  for (const [name] of section('colors')) {
    const path = `colors.${name}`;
    const resolved = resolve(path);
    if (!resolved.ok) continue;
    const raw = get(path);
    const text = typeof resolved.value === 'string' ? resolved.value : undefined;
    if (text && isColorKeywordWithoutValue(text)) continue;
    const hex = text ? colors.fromCss(text) : undefined;
    if (!hex) {
      problems.error(at(path), `{${path}} is ${JSON.stringify(resolved.value)}, which is not a CSS colour: use a hex value such as "#1A1C1E".`, path);
      continue;
    }
    const description = prose.colorNotes.find((n) => n.matches(name, hex))?.text;
    builder.color(name, hex, lineOf(path), { ...(typeof raw === 'string' ? { written: raw } : {}), ...(description ? { description } : {}) });
  }

  for (const [name, raw] of section<unknown>('typography')) {
    const path = `typography.${name}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.error(at(path), `{${path}} must be a mapping with fontFamily, fontSize, fontWeight, lineHeight or letterSpacing.`, path);
      continue;
    }
    const value: Record<string, unknown> = {};
    let failed = false;
    for (const key of Object.keys(raw)) {
      const resolved = resolve(`${path}.${key}`);
      if (resolved.ok) value[key] = resolved.value;
      else failed = true;
    }
    if (failed) continue;
    const stack = fontStack(value.fontFamily);
    const weight = fontWeight(value.fontWeight);
    if (value.fontWeight !== undefined && weight === undefined) problems.warning(at(`${path}.fontWeight`), `{${path}.fontWeight} is ${JSON.stringify(value.fontWeight)}, which is not a weight from 1 to 1000: it is left out.`, `${path}.fontWeight`);
    const size = dimensionText(value.fontSize);
    const lineHeight = lineHeightText(value.lineHeight);
    const letterSpacing = dimensionText(value.letterSpacing);
    builder.type({
      name,
      ...(stack[0] ? { family: stack[0], ...(stack.length > 1 ? { fallbacks: stack.slice(1) } : {}) } : {}),
      ...(size ? { size } : {}),
      ...(weight !== undefined ? { weight } : {}),
      ...(lineHeight ? { lineHeight } : {}),
      ...(letterSpacing ? { letterSpacing } : {}),
      ...lineOf(path),
    });
  }

  for (const [kind, key] of [
    ['radius', 'rounded'],
    ['spacing', 'spacing'],
  ] as const) {
    for (const [name] of section(key)) {
      const path = `${key}.${name}`;
      const resolved = resolve(path);
      if (!resolved.ok) continue;
      const text = dimensionText(resolved.value);
      if (!text) {
        problems.error(at(path), `{${path}} is ${JSON.stringify(resolved.value)}, which is not a dimension such as 8px.`, path);
        continue;
      }
      builder.dimension(kind, name, text, lineOf(path));
    }
  }

  for (const [name, raw] of section<unknown>('components')) {
    const path = `components.${name}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.error(at(path), `{${path}} must be a mapping of properties such as backgroundColor, textColor, rounded and padding.`, path);
      continue;
    }
    const parts: string[] = [];
    for (const [prop, written] of Object.entries(raw as Record<string, unknown>)) {
      const resolved = resolve(`${path}.${prop}`);
      if (!resolved.ok) continue;
      parts.push(`${propertyLabel(prop)} ${componentValue(prop, written, resolved.value, colors)}`);
    }
    if (parts.length) builder.component(name, parts.join(', '));
  }

  if (prose.overview && !builder.overview) builder.overview = prose.overview;
  else if (prose.overview && builder.overview && !prose.overview.startsWith(builder.overview)) builder.overview = `${builder.overview} ${prose.overview}`;
  for (const note of prose.components) builder.component(note.name, note.text);
  for (const rule of prose.rules) builder.rule(rule.kind, rule.text);
  for (const note of prose.notes) builder.note(note);
  if (builder.isEmpty && !problems.hasErrors && !options.quietWhenEmpty) problems.warning({ file: file.path }, 'has no design tokens and no sections we can use (Overview, Colors, Typography, Components, Do\'s and Don\'ts).');
}

/** The front matter and every fenced yaml block, and the Markdown body with the front matter taken out. */
function splitYaml(text: string, fail: (offset: number, message: string) => void): { blocks: YamlBlock[]; body: string; bodyOffset: number } {
  const blocks: YamlBlock[] = [];
  let bodyOffset = 0;
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (open) {
    const close = /^---[ \t]*$/m;
    const rest = text.slice(open[0].length);
    const end = close.exec(rest);
    if (!end) fail(0, 'starts front matter with --- but never closes it with a line of ---: close it so the tokens can be read.');
    else {
      blocks.push({ offset: open[0].length, text: rest.slice(0, end.index) });
      bodyOffset = open[0].length + end.index + end[0].length;
    }
  }
  const body = text.slice(bodyOffset);
  // Fenced yaml blocks, found line by line (a regular expression over the body could take
  // quadratic time on a file full of unclosed fences).
  let fenced: { fence: string; start: number } | undefined;
  let offset = bodyOffset;
  for (const line of body.split('\n')) {
    const lineStart = offset;
    offset += line.length + 1;
    const trimmed = line.replace(/\r$/, '');
    if (!fenced) {
      const start = /^(`{3,}|~{3,})[ \t]*([\w-]*)/.exec(trimmed);
      if (start) fenced = { fence: start[1] ?? '```', start: /^ya?ml$/i.test(start[2] ?? '') ? offset : -1 };
    } else if (trimmed.startsWith(fenced.fence) && /^[`~]+[ \t]*$/.test(trimmed)) {
      if (fenced.start >= 0) blocks.push({ offset: fenced.start, text: text.slice(fenced.start, lineStart) });
      fenced = undefined;
    }
  }
  return { blocks, body, bodyOffset };
}

/** YAML node -> plain value, recording where each value sits. */
function toPlain(node: YamlNode | null, path: string[], base: number, offsets: Map<string, number>, warn: (offset: number, message: string) => void): unknown {
  if (node === null) return null;
  if (node.range) offsets.set(path.join('.'), base + node.range[0]);
  if (isMap(node)) {
    // `x: {colors.primary}` unquoted is a YAML flow map with one key: take it as the alias it was meant to be.
    const [only] = node.items;
    if (node.flow && node.items.length === 1 && only && isScalar(only.key) && (only.value === null || (isScalar(only.value) && only.value.value === null)) && /^[\w-]+(\.[\w-]+)+$/.test(String(only.key.value))) {
      warn(base + (node.range?.[0] ?? 0), `{${String(only.key.value)}} should be quoted ("{${String(only.key.value)}}"): YAML reads it as a mapping. It is taken as the reference it looks like.`);
      return `{${String(only.key.value)}}`;
    }
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      out[key] = toPlain(pair.value as YamlNode | null, [...path, key], base, offsets, warn);
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item, i) => toPlain(item as YamlNode | null, [...path, String(i)], base, offsets, warn));
  if (isScalar(node)) return node.value;
  return undefined;
}

function expandAliases(value: unknown, ref: (name: string) => unknown): unknown {
  if (typeof value === 'string') {
    const alias = ALIAS.exec(value.trim())?.[1];
    return alias === undefined ? value : ref(alias);
  }
  return value;
}

const PROPERTY_LABELS: Readonly<Record<string, string>> = {
  backgroundColor: 'background',
  textColor: 'text',
  borderColor: 'border',
  borderWidth: 'border width',
  rounded: 'radius',
  typography: 'type',
  fontSize: 'font size',
  fontWeight: 'weight',
};

function propertyLabel(prop: string): string {
  return PROPERTY_LABELS[prop] ?? nameWords(prop).join(' ');
}

function componentValue(prop: string, written: unknown, value: unknown, colors: ColorConverter): string {
  const alias = typeof written === 'string' ? ALIAS.exec(written.trim())?.[1] : undefined;
  if (typeof value === 'object' && value !== null) {
    // A typography level: name it, with its family and size.
    const v = value as Record<string, unknown>;
    const family = fontStack(v.fontFamily)[0];
    const size = dimensionText(v.fontSize);
    return [alias?.split('.').pop(), family, size].filter(Boolean).join(' ');
  }
  const text = String(value);
  if (/color/i.test(prop)) {
    const hex = colors.fromCss(text);
    if (hex) return alias ? `${hex} (${alias.split('.').pop() ?? alias})` : hex;
  }
  return text;
}

interface Prose {
  overview?: string;
  colorNotes: Array<{ text: string; matches(name: string, hex: string): boolean }>;
  components: Array<{ name: string; text: string }>;
  rules: Array<{ kind: 'do' | 'dont'; text: string }>;
  notes: string[];
}

/** "Don't mix ..." -> a don't, "mix ..."; "Do use ..." -> a do, "use ..."; "Avoid ..." and "Never ..." are don'ts as written. */
function splitRule(text: string): { kind: 'do' | 'dont'; text: string } {
  const plain = cleanText(text).replace(/[’]/g, "'");
  const lead = /^(?:(don't|dont|do not)|do)\b\s*[:\-–]?\s*/i.exec(plain);
  const rest = lead ? plain.slice(lead[0].length) : plain;
  // Lower-case the first letter, as the rule follows "Do:" or "Don't:", unless it starts an acronym.
  const sentence = /^[A-Z][a-z]/.test(rest) ? `${rest.charAt(0).toLowerCase()}${rest.slice(1)}` : rest;
  return { kind: lead?.[1] || /^(never|avoid)\b/i.test(plain) ? 'dont' : 'do', text: sentence };
}

type SectionKind = 'overview' | 'colors' | 'typography' | 'layout' | 'elevation' | 'shapes' | 'components' | 'rules';

function sectionKind(heading: string): SectionKind | undefined {
  const h = heading
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/^\d+[.)]\s*/, '')
    .trim();
  if (/^(overview|brand (&|and) style|visual theme|brand)\b/.test(h)) return 'overview';
  if (/^colou?rs?\b|^colou?r palette/.test(h)) return 'colors';
  if (/^typography\b/.test(h)) return 'typography';
  if (/^layout\b|^spacing\b/.test(h)) return 'layout';
  if (/^elevation\b|^depth\b/.test(h)) return 'elevation';
  if (/^shapes?\b/.test(h)) return 'shapes';
  if (/^components?\b/.test(h)) return 'components';
  if (/^do'?s?\s*(&|and)\s*don'?ts?\b|^guidelines\b|^rules\b/.test(h)) return 'rules';
  return undefined;
}

/** The `##` sections of the Markdown body that say something a mockup should follow. */
function readSections(body: string, bodyOffset: number, warn: (offset: number, message: string) => void): Prose {
  const prose: Prose = { colorNotes: [], components: [], rules: [], notes: [] };
  const seen = new Map<SectionKind, string>();
  let kind: SectionKind | undefined;
  let heading = '';
  let paragraph: string[] = [];
  let inFence = false;
  let firstParagraphTaken = false;
  let offset = bodyOffset;

  const flushParagraph = (): void => {
    const text = cleanText(paragraph.join(' '), 600);
    paragraph = [];
    if (!text || !kind) return;
    if (kind === 'overview') prose.overview = prose.overview ? `${prose.overview} ${text}` : text;
    else if (!firstParagraphTaken && kind !== 'rules' && kind !== 'components') prose.notes.push(`${heading}: ${text}`);
    firstParagraphTaken = true;
  };
  const bullet = (text: string): void => {
    if (!kind) return;
    const lead = /^\*\*([^*]+?)\*\*:?\s*(.*)$/.exec(text);
    if (kind === 'rules') {
      prose.rules.push(splitRule(text));
    } else if (kind === 'components' && lead) {
      prose.components.push({ name: (lead[1] ?? '').replace(/:$/, ''), text: lead[2] ?? '' });
    } else if (kind === 'colors' && lead) {
      const label = (lead[1] ?? '').replace(/:$/, '');
      const hex = /#[0-9a-f]{3,8}\b/i.exec(label)?.[0]?.toLowerCase();
      const words = nameWords(label.replace(/\(.*\)/, ''));
      const note = cleanText(lead[2] ?? '', 160);
      if (note) {
        prose.colorNotes.push({
          text: note,
          matches: (name, value) => (hex !== undefined && (value === hex || value.startsWith(hex))) || nameWords(name).join(' ') === words.join(' '),
        });
      }
    } else if (kind === 'overview') {
      paragraph.push(text);
    }
  };

  for (const line of body.split('\n')) {
    const lineOffset = offset;
    offset += line.length + 1;
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const h2 = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h2 && !line.startsWith('###')) {
      flushParagraph();
      heading = cleanText(h2[1] ?? '', 80);
      kind = sectionKind(heading);
      firstParagraphTaken = false;
      if (kind) {
        const before = seen.get(kind);
        if (before) warn(lineOffset, `has a second "${heading}" section (after "${before}"): both are read.`);
        seen.set(kind, heading);
      }
      continue;
    }
    if (/^#\s/.test(line) || /^###/.test(line)) {
      flushParagraph();
      continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flushParagraph();
      bullet(item[1] ?? '');
    } else if (!line.trim()) flushParagraph();
    else paragraph.push(line.trim());
  }
  flushParagraph();
  return prose;
}
