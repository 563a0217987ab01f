/**
 * A strict JSON parser that also records where every value sits in the text, by JSON pointer,
 * so that problems found in a batch file (by the schema or by the semantic checks) can be placed
 * on the exact line and column in the editor and in CLI messages.
 */

export interface TextRange {
  /** Offsets into the text (UTF-16 code units), end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface Position {
  /** 0-based, as VS Code counts. */
  readonly line: number;
  readonly column: number;
}

export interface LocatedJson {
  readonly value: unknown;
  /** The range of the value at `pointer` ('' is the whole document), or of its nearest existing parent. */
  locate(pointer: string): TextRange;
  /** The range of the property name of the member at `pointer`, when it is an object member. */
  locateKey(pointer: string): TextRange | undefined;
  position(offset: number): Position;
}

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Encodes one JSON pointer token (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function parseLocatedJson(text: string): LocatedJson {
  const values = new Map<string, TextRange>();
  const keys = new Map<string, TextRange>();
  let i = 0;

  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, Math.min(at, text.length));
  };
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const expect = (char: string): void => {
    if (text[i] !== char) fail(text[i] === undefined ? `Expected "${char}" but the file ended.` : `Expected "${char}" but found "${text[i]}".`);
    i++;
  };

  function parseString(): string {
    const start = i;
    expect('"');
    let out = '';
    for (;;) {
      if (i >= text.length) fail('A string is not closed with ".', start);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail('Invalid escape in a string.');
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) fail('A control character (such as a line break) inside a string must be escaped.');
      out += c;
      i++;
    }
  }

  function parseValue(pointer: string): unknown {
    skipSpace();
    const start = i;
    let value: unknown;
    const c = text[i];
    if (c === '{') {
      i++;
      const object: Record<string, unknown> = {};
      skipSpace();
      if (text[i] === '}') {
        i++;
      } else {
        for (;;) {
          skipSpace();
          const keyStart = i;
          if (text[i] !== '"') fail('Expected a property name in double quotes.');
          const key = parseString();
          const childPointer = `${pointer}/${pointerToken(key)}`;
          keys.set(childPointer, { start: keyStart, end: i });
          skipSpace();
          expect(':');
          object[key] = parseValue(childPointer);
          skipSpace();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            break;
          }
          fail(text[i] === undefined ? 'The file ended inside an object: a "}" is missing.' : `Expected "," or "}" but found "${text[i]}".`);
        }
      }
      value = object;
    } else if (c === '[') {
      i++;
      const array: unknown[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
      } else {
        for (let index = 0; ; index++) {
          array.push(parseValue(`${pointer}/${index}`));
          skipSpace();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            break;
          }
          fail(text[i] === undefined ? 'The file ended inside an array: a "]" is missing.' : `Expected "," or "]" but found "${text[i]}".`);
        }
      }
      value = array;
    } else if (c === '"') {
      value = parseString();
    } else {
      const match = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!match) fail(c === undefined ? 'Expected a value but the file ended.' : `Unexpected "${c}": expected a value (object, array, string, number, true, false or null).`);
      const token = (match as RegExpExecArray)[0];
      i += token.length;
      value = token === 'true' ? true : token === 'false' ? false : token === 'null' ? null : Number(token);
    }
    values.set(pointer, { start, end: i });
    return value;
  }

  const value = parseValue('');
  skipSpace();
  if (i < text.length) fail(`Unexpected "${text[i]}" after the end of the JSON value.`);

  // Line starts, for offset -> line/column.
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);

  return {
    value,
    locate(pointer: string): TextRange {
      let p = pointer;
      for (;;) {
        const found = values.get(p);
        if (found) return found;
        if (p === '') return { start: 0, end: text.length };
        p = p.slice(0, p.lastIndexOf('/'));
      }
    },
    locateKey: (pointer) => keys.get(pointer),
    position: (offset) => offsetToPosition(lineStarts, offset),
  };
}

function offsetToPosition(lineStarts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - lineStarts[lo] };
}

/** Line/column of an offset in `text` without a full parse (for syntax errors). */
export function positionInText(text: string, offset: number): Position {
  const lineStarts = [0];
  for (let k = 0; k < text.length && k < offset; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  return offsetToPosition(lineStarts, offset);
}
