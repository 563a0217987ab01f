/**
 * W3C Design Tokens (DTCG 2025.10) files, `*.tokens.json` / `*.tokens`: tokens (`$value`) in groups,
 * `$type` inherited from groups, `$root` tokens, `$extends` between groups, `{group.token}` aliases
 * and `$ref` JSON pointers (chains followed, cycles reported), colour objects in any colour space.
 * Several files are merged into one tree, as token tools do, so aliases may cross files.
 * Parsed with jsonc-parser, which keeps every value's offset for file:line:col messages.
 */
import { type Node, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ColorConverter } from './color';
import { cleanText, type DesignBuilder, fontStack, fontWeight } from './context';
import { afterKindWord, COLOR_GROUP_WORDS, dimensionText, FAMILY_WORDS, hasKindWord, lineHeightText, RADIUS_WORDS, SPACING_WORDS, TYPE_GROUP_WORDS, withoutGroup } from './names';
import { LineIndex, type Place } from './problems';
import { describeFailure, ReferenceResolver } from './references';

export interface TextFile {
  /** Workspace-relative, forward slashes. */
  readonly path: string;
  readonly text: string;
}

const KNOWN_TYPES = new Set([
  'color',
  'dimension',
  'fontFamily',
  'fontWeight',
  'duration',
  'cubicBezier',
  'number',
  'strokeStyle',
  'border',
  'transition',
  'shadow',
  'gradient',
  'typography',
]);

const JSON_ERRORS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'an unexpected character',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'a property name is missing',
  ValueExpected: 'a value is missing',
  ColonExpected: 'a ":" is missing',
  CommaExpected: 'a "," is missing',
  CloseBraceExpected: 'a "}" is missing',
  CloseBracketExpected: 'a "]" is missing',
  EndOfFileExpected: 'there is more after the end of the document',
  InvalidCommentToken: 'a malformed comment',
  UnexpectedEndOfComment: 'a comment is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'a malformed escape',
  InvalidCharacter: 'a character not allowed in a string',
};

interface TokenDef {
  readonly name: string;
  readonly segments: readonly string[];
  readonly type?: string;
  readonly value: unknown;
  readonly description?: string;
  readonly deprecated: boolean;
  /** Where its `$value` is (problems point here), and the line of its name. */
  readonly valueAt: Place;
  readonly line: number;
}

interface GroupDef {
  readonly segments: readonly string[];
  readonly type?: string;
  readonly deprecated: boolean;
  readonly extendsRef?: { readonly target: string; readonly at: Place };
}

const PURE_ALIAS = /^\{([^{}]+)\}$/;

/** Reads DTCG token files, in order, into the builder. Returns false when none could be parsed. */
export function readDtcg(files: readonly TextFile[], builder: DesignBuilder, colors: ColorConverter): boolean {
  const problems = builder.problems;
  const tokens = new Map<string, TokenDef>();
  const groups = new Map<string, GroupDef>();
  const definedIn = new Map<string, string>();
  let parsed = 0;

  for (const file of files) {
    const lines = new LineIndex(file.text);
    const errors: ParseError[] = [];
    const root = parseTree(file.text, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (first || !root) {
      const why = first ? (JSON_ERRORS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)) : 'the file is empty';
      problems.error(lines.place(file.path, first?.offset ?? 0), `is not valid JSON: ${why}. Fix it so its tokens can be read.`);
      continue;
    }
    if (root.type !== 'object') {
      problems.error(lines.place(file.path, root.offset), 'must hold an object of token groups, such as { "color": { "primary": { "$type": "color", "$value": "#0055ff" } } }.');
      continue;
    }
    parsed++;
    const walk = (node: Node, segments: string[], inheritedType: string | undefined, inheritedDeprecated: boolean): void => {
      const members = new Map<string, Node>();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value && typeof key.value === 'string') members.set(key.value, value);
      }
      const typeNode = members.get('$type');
      const type = typeof typeNode?.value === 'string' ? (typeNode.value) : inheritedType;
      const deprecatedNode = members.get('$deprecated');
      const deprecated = deprecatedNode ? deprecatedNode.value !== false : inheritedDeprecated;
      const name = segments.join('.');
      const valueNode = members.get('$value') ?? (members.has('$ref') ? node : undefined);
      if (valueNode && segments.length) {
        const children = [...members.keys()].filter((k) => !k.startsWith('$'));
        if (children.length) problems.error(lines.place(file.path, node.offset), `{${name}} has a $value and also child tokens (${children.join(', ')}): a token cannot be a group too.`, name);
        const previous = definedIn.get(name);
        if (previous && previous !== file.path) problems.warning(lines.place(file.path, valueNode.offset), `{${name}} is also defined in ${previous}; the definition here is used.`, name);
        definedIn.set(name, file.path);
        const description = members.get('$description')?.value as unknown;
        const parent = node.parent?.children?.[0];
        tokens.delete(name);
        tokens.set(name, {
          name,
          segments: [...segments],
          ...(type ? { type } : {}),
          value: valueNode === node ? { $ref: members.get('$ref')?.value as unknown } : nodeValue(valueNode),
          ...(typeof description === 'string' ? { description } : {}),
          deprecated,
          valueAt: lines.place(file.path, valueNode.offset),
          line: lines.position(parent?.offset ?? node.offset).line,
        });
        return;
      }
      const extendsNode = members.get('$extends');
      const extendsTarget = typeof extendsNode?.value === 'string' ? (PURE_ALIAS.exec(extendsNode.value)?.[1] ?? (extendsNode.value)) : undefined;
      if (segments.length) {
        groups.set(name, {
          segments: [...segments],
          ...(type ? { type } : {}),
          deprecated,
          ...(extendsTarget && extendsNode ? { extendsRef: { target: extendsTarget, at: lines.place(file.path, extendsNode.offset) } } : {}),
        });
      }
      for (const [key, child] of members) {
        if (key.startsWith('$') && key !== '$root') continue;
        if (child.type !== 'object') {
          problems.warning(lines.place(file.path, child.offset), `${segments.length ? `{${[...segments, key].join('.')}}` : `"${key}"`} is neither a token (an object with $value) nor a group: it is ignored.`);
          continue;
        }
        walk(child, [...segments, key], type, deprecated);
      }
    };
    walk(root, [], undefined, false);
  }

  applyExtends(tokens, groups, builder);

  const lookup = (name: string): { value: unknown } | 'group' | undefined => {
    const token = tokens.get(name);
    if (token) return { value: token.value };
    return groups.has(name) ? 'group' : undefined;
  };
  const resolver = new ReferenceResolver<unknown>({ lookup, expand: (value, ref) => expandReferences(value, ref) });

  const typeOf = (token: TokenDef, seen = new Set<string>()): string | undefined => {
    if (token.type) return token.type;
    const alias = typeof token.value === 'string' ? PURE_ALIAS.exec(token.value)?.[1] : pointerToken(token.value);
    const target = alias ? tokens.get(alias) : undefined;
    if (!target || seen.has(target.name)) return undefined;
    seen.add(target.name);
    return typeOf(target, seen);
  };

  const untyped: TokenDef[] = [];
  for (const token of tokens.values()) {
    if (token.deprecated) continue;
    const type = typeOf(token);
    if (!type) {
      untyped.push(token);
      continue;
    }
    if (!KNOWN_TYPES.has(type)) {
      problems.warning(token.valueAt, `{${token.name}} has the $type "${type}", which DTCG 2025.10 does not define: it is ignored.`, token.name);
      continue;
    }
    const resolved = resolver.resolve(token.name);
    if (!resolved.ok) {
      problems.error(token.valueAt, describeFailure(resolved.failure, (n) => `{${n}}`), token.name);
      continue;
    }
    addToken(token, type, resolved.value, builder, colors);
  }
  if (untyped.length) {
    const [first] = untyped;
    problems.warning(
      first?.valueAt,
      `${untyped.length} token(s) have no $type (on the token or a parent group), so they are ignored: ${untyped
        .slice(0, 5)
        .map((t) => t.name)
        .join(', ')}${untyped.length > 5 ? ', …' : ''}. Add "$type", for example on their group.`,
      first?.name,
    );
  }
  return parsed > 0;
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value && typeof key.value === 'string') out[key.value] = nodeValue(value);
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value as unknown;
  }
}

/** `{ "$ref": "#/color/blue/$value/hex" }` -> the token it points into, when it points into one. */
function pointerToken(value: unknown): string | undefined {
  return pointerParts(value)?.token;
}

function pointerParts(value: unknown): { token: string; property: string[] } | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const ref = (value as Record<string, unknown>).$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  const parts = ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const at = parts.indexOf('$value');
  return at >= 0 ? { token: parts.slice(0, at).join('.'), property: parts.slice(at + 1) } : { token: parts.join('.'), property: [] };
}

/** Replaces every alias in a token value (also inside composite values) with what it refers to. */
function expandReferences(value: unknown, ref: (name: string) => unknown): unknown {
  if (typeof value === 'string') {
    const alias = PURE_ALIAS.exec(value)?.[1];
    return alias === undefined ? value : ref(alias);
  }
  if (Array.isArray(value)) return value.map((v) => expandReferences(v, ref));
  if (typeof value === 'object' && value !== null) {
    const pointer = pointerParts(value);
    if (pointer) {
      let target = ref(pointer.token);
      for (const key of pointer.property) target = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[key] : undefined;
      return target;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandReferences(v, ref)]));
  }
  return value;
}

/** `$extends`: a group inherits the tokens of another, its own tokens winning (a deep merge). */
function applyExtends(tokens: Map<string, TokenDef>, groups: ReadonlyMap<string, GroupDef>, builder: DesignBuilder): void {
  const done = new Set<string>();
  const extend = (name: string, chain: string[]): void => {
    const group = groups.get(name);
    if (!group?.extendsRef || done.has(name)) return;
    const { target, at } = group.extendsRef;
    if (chain.includes(name)) {
      builder.problems.error(at, `{${name}} extends {${target}}, which leads back to it (${[...chain, name].join(' → ')}): a group cannot extend itself.`, name);
      done.add(name);
      return;
    }
    if (!groups.has(target)) {
      builder.problems.error(at, tokens.has(target) ? `{${name}} extends {${target}}, which is a token, not a group.` : `{${name}} extends {${target}}, which does not exist.`, name);
      done.add(name);
      return;
    }
    if (name.startsWith(`${target}.`)) {
      builder.problems.error(at, `{${name}} extends {${target}}, a group that contains it: a group cannot extend itself.`, name);
      done.add(name);
      return;
    }
    extend(target, [...chain, name]);
    done.add(name);
    // The group takes the type of the group it extends, for its own tokens too.
    const inheritedType = group.type ?? groups.get(target)?.type;
    for (const token of [...tokens.values()]) {
      if (!token.type && inheritedType && token.name.startsWith(`${name}.`)) tokens.set(token.name, { ...token, type: inheritedType });
    }
    for (const token of [...tokens.values()]) {
      if (!token.name.startsWith(`${target}.`)) continue;
      const rest = token.segments.slice(target.split('.').length);
      const inherited = [...group.segments, ...rest].join('.');
      if (tokens.has(inherited)) continue;
      tokens.set(inherited, { ...token, name: inherited, segments: [...group.segments, ...rest], ...(token.type ? {} : group.type ? { type: group.type } : {}) });
    }
  };
  for (const name of groups.keys()) extend(name, []);
}

function addToken(token: TokenDef, type: string, value: unknown, builder: DesignBuilder, colors: ColorConverter): void {
  const problems = builder.problems;
  const at = { file: token.valueAt.file, line: token.line };
  const written = typeof token.value === 'string' ? token.value : undefined;
  switch (type) {
    case 'color': {
      const fromText = typeof value === 'string' ? colors.fromCss(value) : undefined;
      const converted = typeof value !== 'string' ? colors.fromDtcg(value) : fromText ? { hex: fromText } : { error: `is "${value}", which is not a colour` };
      if ('error' in converted) {
        problems.error(token.valueAt, `{${token.name}} ${converted.error}.`, token.name);
        return;
      }
      const describedSpace = typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).colorSpace === 'string' ? describeColorObject(value as Record<string, unknown>) : undefined;
      builder.color(withoutGroup(token.segments, COLOR_GROUP_WORDS), converted.hex, at, {
        ...(written ? { written } : describedSpace ? { written: describedSpace } : {}),
        ...(token.description ? { description: token.description } : {}),
      });
      return;
    }
    case 'typography': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.error(token.valueAt, `{${token.name}} is a typography token, so its $value must be an object with fontFamily, fontSize, fontWeight, letterSpacing and lineHeight.`, token.name);
        return;
      }
      const v = value as Record<string, unknown>;
      const stack = fontStack(v.fontFamily);
      const size = dimensionText(v.fontSize);
      const weight = fontWeight(v.fontWeight);
      const lineHeight = lineHeightText(v.lineHeight);
      const letterSpacing = dimensionText(v.letterSpacing);
      if (v.fontWeight !== undefined && weight === undefined) problems.warning(token.valueAt, `{${token.name}} has the font weight ${JSON.stringify(v.fontWeight)}, which is neither 1–1000 nor a weight name: it is left out.`, token.name);
      builder.type({
        name: withoutGroup(token.segments, TYPE_GROUP_WORDS),
        ...(stack[0] ? { family: stack[0], ...(stack.length > 1 ? { fallbacks: stack.slice(1) } : {}) } : {}),
        ...(size ? { size } : {}),
        ...(weight !== undefined ? { weight } : {}),
        ...(lineHeight ? { lineHeight } : {}),
        ...(letterSpacing ? { letterSpacing } : {}),
        ...at,
      });
      return;
    }
    case 'fontFamily': {
      const stack = fontStack(value);
      if (!stack[0]) {
        problems.error(token.valueAt, `{${token.name}} is a fontFamily token, so its $value must be a font name or a list of them.`, token.name);
        return;
      }
      builder.type({ name: afterKindWord(token.segments, FAMILY_WORDS), family: stack[0], ...(stack.length > 1 ? { fallbacks: stack.slice(1) } : {}), ...at });
      return;
    }
    case 'dimension': {
      const text = dimensionText(value);
      if (!text) {
        problems.error(token.valueAt, `{${token.name}} is a dimension token, so its $value must be { "value": <number>, "unit": "px" | "rem" }.`, token.name);
        return;
      }
      if (hasKindWord(token.segments, RADIUS_WORDS)) builder.dimension('radius', afterKindWord(token.segments, RADIUS_WORDS), text, at);
      else if (hasKindWord(token.segments, SPACING_WORDS)) builder.dimension('spacing', afterKindWord(token.segments, SPACING_WORDS), text, at);
      else if (hasKindWord(token.segments, ['font', 'fonts', 'text', 'type', 'typography']) && hasKindWord(token.segments, ['size', 'sizes', 'fontsize'])) {
        builder.type({ name: afterKindWord(token.segments, ['size', 'sizes', 'fontsize']), size: text, ...at });
      }
      return;
    }
    default:
      return; // durations, shadows, borders and the like do not go into a prompt
  }
}

function describeColorObject(value: Record<string, unknown>): string {
  const components = Array.isArray(value.components) ? value.components.map((c) => (typeof c === 'number' ? String(Math.round(c * 1000) / 1000) : String(c))).join(' ') : '';
  const alpha = typeof value.alpha === 'number' && value.alpha < 1 ? ` / ${value.alpha}` : '';
  return cleanText(`${String(value.colorSpace)}(${components}${alpha})`, 80);
}
