/**
 * JSON files the product reads from the workspace (batch files, `.vscode/mockups.json`), parsed
 * with jsonc-parser, the parser VS Code itself uses, so that a position here is the position the
 * editor shows. Hostile inputs are diagnostics, never crashes:
 * - a size cap before anything is parsed;
 * - a nesting cap checked first with jsonc-parser's scanner, which is iterative (its parser
 *   recurses per level and overflows the stack near 10,000 levels);
 * - every syntax error with its offset and a message a person can act on.
 * Values are located by JSON pointer on a tree that is built only when a problem needs a place.
 */
import { createScanner, findNodeAtLocation, type Node, parse, type ParseError, ParseErrorCode, parseTree, SyntaxKind } from 'jsonc-parser';

export interface JsonProblem {
  readonly message: string;
  /** Offset (UTF-16 code units) and length of the text it is about. */
  readonly offset: number;
  readonly length: number;
}

export interface JsonLimits {
  /** Accept // and /* *\/ comments and trailing commas (VS Code's .vscode files), default false. */
  readonly comments?: boolean;
  /** Deepest nesting of objects and arrays accepted. Default 64. */
  readonly maxDepth?: number;
  /** Largest text accepted, in characters. Default 32 MiB. */
  readonly maxChars?: number;
}

export interface ParsedJson {
  /** Undefined when there were syntax problems. */
  readonly value?: unknown;
  readonly problems: readonly JsonProblem[];
}

export interface Position {
  /** 0-based, as VS Code counts. */
  readonly line: number;
  readonly column: number;
}

export const DEFAULT_MAX_DEPTH = 64;
export const DEFAULT_MAX_CHARS = 32 * 1024 * 1024;

const MESSAGES: Readonly<Record<number, string>> = {
  [ParseErrorCode.InvalidSymbol]: 'Unexpected character: expected a value (object, array, string, number, true, false or null).',
  [ParseErrorCode.InvalidNumberFormat]: 'This is not a valid number.',
  [ParseErrorCode.PropertyNameExpected]: 'Expected a property name in double quotes.',
  [ParseErrorCode.ValueExpected]: 'Expected a value.',
  [ParseErrorCode.ColonExpected]: 'Expected ":" after the property name.',
  [ParseErrorCode.CommaExpected]: 'Expected "," between two values.',
  [ParseErrorCode.CloseBraceExpected]: 'A "}" is missing: the object is not closed.',
  [ParseErrorCode.CloseBracketExpected]: 'A "]" is missing: the array is not closed.',
  [ParseErrorCode.EndOfFileExpected]: 'Unexpected text after the end of the JSON value.',
  [ParseErrorCode.InvalidCommentToken]: 'Comments are not allowed in this file.',
  [ParseErrorCode.UnexpectedEndOfComment]: 'A comment is not closed with */.',
  [ParseErrorCode.UnexpectedEndOfString]: 'A string is not closed with ".',
  [ParseErrorCode.UnexpectedEndOfNumber]: 'A number ends unexpectedly.',
  [ParseErrorCode.InvalidUnicode]: 'Invalid \\u escape in a string.',
  [ParseErrorCode.InvalidEscapeCharacter]: 'Invalid escape in a string.',
  [ParseErrorCode.InvalidCharacter]: 'A control character (such as a line break) inside a string must be escaped.',
};

/** Parses `text` within the limits; a BOM at the start is ignored. */
export function parseJson(text: string, limits: JsonLimits = {}): ParsedJson {
  const maxChars = limits.maxChars ?? DEFAULT_MAX_CHARS;
  if (text.length > maxChars) {
    return { problems: [{ message: `The file has ${text.length.toLocaleString('en-US')} characters; at most ${maxChars.toLocaleString('en-US')} are read. Split it into smaller files.`, offset: 0, length: 1 }] };
  }
  const deep = tooDeep(text, limits.maxDepth ?? DEFAULT_MAX_DEPTH);
  if (deep) return { problems: [deep] };
  const errors: ParseError[] = [];
  const comments = limits.comments ?? false;
  const value = parse(text, errors, { disallowComments: !comments, allowTrailingComma: comments, allowEmptyContent: false }) as unknown;
  if (errors.length > 0) {
    return { problems: errors.map((e) => ({ message: MESSAGES[e.error] ?? 'This is not valid JSON.', offset: e.offset, length: Math.max(1, e.length) })) };
  }
  return { value, problems: [] };
}

/** The first bracket nested deeper than `maxDepth`, found without recursion. */
function tooDeep(text: string, maxDepth: number): JsonProblem | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > maxDepth) {
        return { message: `Objects and arrays are nested more than ${maxDepth} levels deep; batch and presets files need a handful: remove the extra nesting.`, offset: scanner.getTokenOffset(), length: 1 };
      }
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** Locates values of a parsed text by JSON pointer (RFC 6901); the tree is built on first use. */
export class JsonLocator {
  private tree: Node | undefined;
  private lineStarts: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly comments = false,
  ) {}

  /** The range of the value at `pointer`, or of its nearest existing parent ('' is the whole document). */
  value(pointer: string): { offset: number; length: number } {
    const root = this.root();
    const segments = pointerSegments(pointer);
    for (let n = segments.length; n >= 0; n--) {
      const node = root ? findNodeAtLocation(root, segments.slice(0, n)) : undefined;
      if (node) return { offset: node.offset, length: node.length };
    }
    return { offset: 0, length: this.text.length };
  }

  /** The range of the property name of the member at `pointer`, when it is an object member. */
  key(pointer: string): { offset: number; length: number } | undefined {
    const root = this.root();
    const node = root ? findNodeAtLocation(root, pointerSegments(pointer)) : undefined;
    const name = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    return name ? { offset: name.offset, length: name.length } : undefined;
  }

  position(offset: number): Position {
    this.lineStarts ??= lineStartsOf(this.text);
    return positionIn(this.lineStarts, offset);
  }

  private root(): Node | undefined {
    this.tree ??= parseTree(this.text, [], { disallowComments: !this.comments, allowTrailingComma: this.comments });
    return this.tree;
  }
}

/** Encodes one JSON pointer token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) starts.push(k + 1);
  return starts;
}

function positionIn(lineStarts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - lineStarts[lo] };
}

/** Line and column of an offset in `text`. */
export function positionInText(text: string, offset: number): Position {
  return positionIn(lineStartsOf(text.slice(0, offset)), offset);
}
