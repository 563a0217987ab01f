/**
 * The style guide file of the `foundryMockups.styleGuide` setting, in its small JSON shape
 * `{ "brand", "colors": { name: "#hex" } | ["#hex"], "typography", "tone", "notes" }` (the one
 * src/core/prompts/styleGuide.ts reads) or as text. Markdown is read by its sections like a
 * DESIGN.md, front matter included; text with no sections becomes one bounded note.
 */
import { type Node, parseTree, type ParseError } from 'jsonc-parser';
import type { ColorConverter } from './color';
import { cssColor } from './css';
import { type DesignBuilder, cleanText } from './context';
import { readDesignMd } from './designMd';
import type { TextFile } from './dtcg';
import { LineIndex } from './problems';

/** As much style guide prose as a prompt took before (MAX_STYLE_GUIDE_CHARS). */
const MAX_TEXT_CHARS = 1500;
const KNOWN_FIELDS = new Set(['brand', 'colors', 'typography', 'tone', 'notes', '$schema']);

export function readStyleGuide(file: TextFile, builder: DesignBuilder, colors: ColorConverter): void {
  if (/\.json$/i.test(file.path)) readJsonGuide(file, builder, colors);
  else if (/\.(md|markdown)$/i.test(file.path)) {
    readDesignMd(file, builder, colors, { quietWhenEmpty: true });
    if (builder.isEmpty) textGuide(file, builder);
  } else textGuide(file, builder);
}

function textGuide(file: TextFile, builder: DesignBuilder): void {
  const text = cleanText(file.text.replace(/^---[\s\S]*?\n---[ \t]*\r?\n/, '').replace(/^#+\s*/gm, ''), MAX_TEXT_CHARS);
  if (text) builder.note(text);
  else builder.problems.error({ file: file.path }, 'has no usable content: add brand colours, typography or tone.');
}

function readJsonGuide(file: TextFile, builder: DesignBuilder, colors: ColorConverter): void {
  const problems = builder.problems;
  const lines = new LineIndex(file.text);
  const errors: ParseError[] = [];
  const root = parseTree(file.text, errors, { allowTrailingComma: true });
  if (errors[0] || !root) {
    problems.error(lines.place(file.path, errors[0]?.offset ?? 0), 'is not valid JSON: fix it, or use a Markdown style guide.');
    return;
  }
  if (root.type !== 'object') {
    problems.error(lines.place(file.path, root.offset), 'must hold an object with brand, colors, typography, tone or notes.');
    return;
  }
  const members = new Map<string, Node>();
  for (const property of root.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key && value && typeof key.value === 'string') members.set(key.value, value);
  }
  const text = (key: string): string | undefined => {
    const node = members.get(key);
    return node?.type === 'string' && typeof node.value === 'string' && node.value.trim() ? node.value : undefined;
  };
  const brand = text('brand');
  if (brand) builder.name = brand;
  const colorsNode = members.get('colors');
  const entries: Array<[string, Node]> =
    colorsNode?.type === 'object'
      ? (colorsNode.children ?? []).flatMap((p): Array<[string, Node]> => {
          const [k, v] = p.children ?? [];
          return k && v ? [[String(k.value), v]] : [];
        })
      : colorsNode?.type === 'array'
        ? (colorsNode.children ?? []).map((v, i): [string, Node] => [`color-${i + 1}`, v])
        : [];
  for (const [name, node] of entries) {
    const hex = typeof node.value === 'string' ? cssColor(node.value, colors) : undefined;
    if (hex) builder.color(name, hex, { file: file.path, line: lines.position(node.offset).line }, { written: String(node.value) });
    else problems.warning(lines.place(file.path, node.offset), `colors.${name} is ${JSON.stringify(node.value)}, which is not a colour: it is left out.`, `colors.${name}`);
  }
  for (const [key, label] of [
    ['typography', 'Typography'],
    ['tone', 'Tone'],
    ['notes', 'Notes'],
  ] as const) {
    const value = text(key);
    if (value) builder.note(`${label}: ${value.trim().replace(/[.\s]+$/, '')}.`);
  }
  const unknown = [...members.keys()].filter((k) => !KNOWN_FIELDS.has(k));
  if (unknown.length) problems.warning(lines.place(file.path, members.get(unknown[0] ?? '')?.parent?.offset ?? 0), `ignored unknown field(s) ${unknown.join(', ')}.`);
  if (builder.isEmpty) problems.error({ file: file.path }, 'has no usable content: add brand colours, typography or tone.');
}
