// The page-action bridge's wire format, shared by the driver (test/host/bridge.ts, in the test
// runner's Node) and its client (test/integration/driver.ts, inside the extension host).
// Requests come from another process, so the driver validates every field before acting.
import type { BaselineResult } from './baseline';
import { isArtifactName } from './config';

/** Where to look for a selector: the workbench page, or the active webview's content. */
export type BridgeFrame = 'page' | 'webview';
export type BridgeWaitState = 'attached' | 'detached' | 'visible' | 'hidden';

export type BridgeRequest =
  | { action: 'press'; key: string }
  | { action: 'type'; text: string }
  /** Replaces the value of an input or textarea at once (Playwright's fill: no keystrokes to lose). */
  | { action: 'fill'; selector: string; frame: BridgeFrame; text: string; timeoutMs: number }
  | { action: 'click'; selector: string; frame: BridgeFrame; button: 'left' | 'right'; timeoutMs: number }
  | { action: 'waitFor'; selector: string; frame: BridgeFrame; state: BridgeWaitState; timeoutMs: number }
  | { action: 'text'; selector: string; frame: BridgeFrame; timeoutMs: number }
  | { action: 'texts'; selector: string; frame: BridgeFrame; timeoutMs: number }
  /** The computed text colour of the first match and the background it is drawn on (the first ancestor's that is not transparent). */
  | { action: 'colors'; selector: string; frame: BridgeFrame; timeoutMs: number }
  /**
   * The element that has the keyboard focus in the document of the first match (through open shadow
   * roots), described as `tag#id[data-key=...][data-action=...] "accessible name"`: keyboard tests ask it.
   */
  | { action: 'focused'; selector: string; frame: BridgeFrame; timeoutMs: number }
  | { action: 'screenshot'; name: string; fullPage: boolean }
  /** The `data-*` attributes of every match, as `dataset` has them (state a component exposes for tests). */
  | { action: 'data'; selector: string; frame: BridgeFrame; timeoutMs: number }
  /** The first match's bounding box in page CSS pixels (for sizes a user sees, and to aim the pointer). */
  | { action: 'box'; selector: string; frame: BridgeFrame; timeoutMs: number }
  /** One wheel turn with the pointer at (`x`, `y`), CSS pixels from the first match's top-left corner, inside its box. */
  | { action: 'wheel'; selector: string; frame: BridgeFrame; x: number; y: number; deltaY: number; timeoutMs: number }
  /**
   * A pointer drag along `points` (CSS pixels from the first match's top-left corner, each inside its
   * box): press at the first, move through the others, release at the last; `hold` keeps a key down meanwhile.
   */
  | { action: 'drag'; selector: string; frame: BridgeFrame; points: BridgePoint[]; button: 'left' | 'middle'; hold?: string; timeoutMs: number }
  /**
   * A screenshot of one region compared with the committed baseline `name` (test/host/baseline.ts).
   * frame 'webview': the region is the whole webview that holds `selector`; 'page': the first element
   * matching `selector`. `mask`: selectors in the same frame whose boxes are painted over (what
   * legitimately changes from run to run). Animations are stopped, the caret hidden, the pointer
   * moved off the page's content, and shots are taken until two in a row are the same.
   */
  | { action: 'matchScreenshot'; name: string; selector: string; frame: BridgeFrame; mask: string[]; timeoutMs: number };

export interface BridgePoint {
  x: number;
  y: number;
}

export interface BridgeBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type BridgeAction = BridgeRequest['action'];

export type BridgeResponse =
  | { ok: true; text?: string; texts?: string[]; path?: string; colors?: { color: string; background: string }; box?: BridgeBox; data?: Array<Record<string, string>>; baseline?: BaselineResult }
  | { ok: false; error: string };

export const DEFAULT_ACTION_TIMEOUT_MS = 10_000;
export const MAX_ACTION_TIMEOUT_MS = 60_000;
/** Bodies above this size are refused before parsing. */
export const MAX_REQUEST_BYTES = 64 * 1024;

const MAX_SELECTOR_LENGTH = 1000;
const MAX_TEXT_LENGTH = 10_000;
/** A drag is a gesture, not a script: a few hundred points at most. */
export const MAX_DRAG_POINTS = 200;
/** Coordinates and wheel deltas beyond this are nonsense (CSS pixels). */
const MAX_COORDINATE = 100_000;
const MAX_MASKS = 20;
/** Playwright key names: `F1`, `Escape`, `Control+Shift+P`, `a`, `,`... printable ASCII, no spaces except a lone space. */
const KEY = /^(?: |[\x21-\x7e]{1,64})$/;

export class BridgeRequestError extends Error {}

/** Turns untrusted JSON into a complete request with defaults filled in, or throws BridgeRequestError. */
export function parseBridgeRequest(input: unknown): BridgeRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new BridgeRequestError('the request must be a JSON object');
  }
  const body = input as Record<string, unknown>;
  const action = body.action;
  switch (action) {
    case 'press': {
      only(body, ['action', 'key']);
      const key = requiredString(body, 'key', 64);
      if (!KEY.test(key)) {
        throw new BridgeRequestError(`'key' is not a key name: '${key}'`);
      }
      return { action, key };
    }
    case 'type':
      only(body, ['action', 'text']);
      return { action, text: requiredString(body, 'text', MAX_TEXT_LENGTH, true) };
    case 'fill':
      only(body, ['action', 'selector', 'frame', 'text', 'timeoutMs']);
      return { action, ...located(body), text: requiredString(body, 'text', MAX_TEXT_LENGTH, true) };
    case 'click': {
      only(body, ['action', 'selector', 'frame', 'button', 'timeoutMs']);
      const button = optionalEnum(body, 'button', ['left', 'right'] as const) ?? 'left';
      return { action, ...located(body), button };
    }
    case 'waitFor': {
      only(body, ['action', 'selector', 'frame', 'state', 'timeoutMs']);
      const state = optionalEnum(body, 'state', ['attached', 'detached', 'visible', 'hidden'] as const) ?? 'visible';
      return { action, ...located(body), state };
    }
    case 'text':
    case 'texts':
    case 'colors':
    case 'focused':
    case 'box':
    case 'data':
      only(body, ['action', 'selector', 'frame', 'timeoutMs']);
      return { action, ...located(body) };
    case 'screenshot': {
      only(body, ['action', 'name', 'fullPage']);
      const name = requiredString(body, 'name', 100);
      if (!isArtifactName(name)) {
        throw new BridgeRequestError(`'name' must be a plain file name (letters, digits, '.', '-', '_'), got '${name}'`);
      }
      const fullPage = body.fullPage ?? true;
      if (typeof fullPage !== 'boolean') {
        throw new BridgeRequestError("'fullPage' must be true or false");
      }
      return { action, name, fullPage };
    }
    case 'wheel': {
      only(body, ['action', 'selector', 'frame', 'x', 'y', 'deltaY', 'timeoutMs']);
      const point = requiredPoint(body, 'wheel');
      return { action, ...located(body), ...point, deltaY: requiredNumber(body, 'deltaY') };
    }
    case 'drag': {
      only(body, ['action', 'selector', 'frame', 'points', 'button', 'hold', 'timeoutMs']);
      const points = body.points;
      if (!Array.isArray(points) || points.length < 2 || points.length > MAX_DRAG_POINTS) {
        throw new BridgeRequestError(`'points' must be a list of 2 to ${MAX_DRAG_POINTS} points`);
      }
      const parsed = points.map((p: unknown, i) => {
        if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new BridgeRequestError(`'points[${i}]' must be an object with x and y`);
        const point = p as Record<string, unknown>;
        const extra = Object.keys(point).filter((k) => k !== 'x' && k !== 'y');
        if (extra.length) throw new BridgeRequestError(`unexpected field(s) in 'points[${i}]': ${extra.join(', ')}`);
        return requiredPoint(point, `points[${i}]`);
      });
      const button = optionalEnum(body, 'button', ['left', 'middle'] as const) ?? 'left';
      let hold: string | undefined;
      if (body.hold !== undefined) {
        hold = requiredString(body, 'hold', 64);
        if (!KEY.test(hold)) throw new BridgeRequestError(`'hold' is not a key name: '${hold}'`);
      }
      return { action, ...located(body), points: parsed, button, ...(hold !== undefined ? { hold } : {}) };
    }
    case 'matchScreenshot': {
      only(body, ['action', 'name', 'selector', 'frame', 'mask', 'timeoutMs']);
      const name = requiredString(body, 'name', 100);
      if (!isArtifactName(name)) {
        throw new BridgeRequestError(`'name' must be a plain file name (letters, digits, '.', '-', '_'), got '${name}'`);
      }
      const mask = body.mask ?? [];
      if (!Array.isArray(mask) || mask.length > MAX_MASKS || mask.some((m) => typeof m !== 'string' || m.trim() === '' || m.length > MAX_SELECTOR_LENGTH)) {
        throw new BridgeRequestError(`'mask' must be a list of at most ${MAX_MASKS} selectors`);
      }
      return { action, name, ...located(body), mask: mask as string[] };
    }
    default:
      throw new BridgeRequestError(
        `unknown action ${JSON.stringify(action)}; use press, type, fill, click, waitFor, text, texts, colors, focused, screenshot, matchScreenshot, box, data, wheel or drag`,
      );
  }
}

function located(body: Record<string, unknown>): { selector: string; frame: BridgeFrame; timeoutMs: number } {
  const selector = requiredString(body, 'selector', MAX_SELECTOR_LENGTH);
  if (selector.trim() === '') {
    throw new BridgeRequestError("'selector' must not be blank");
  }
  const frame = optionalEnum(body, 'frame', ['page', 'webview'] as const) ?? 'page';
  const timeoutMs = body.timeoutMs ?? DEFAULT_ACTION_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_ACTION_TIMEOUT_MS) {
    throw new BridgeRequestError(`'timeoutMs' must be a whole number from 1 to ${MAX_ACTION_TIMEOUT_MS}`);
  }
  return { selector, frame, timeoutMs };
}

function requiredNumber(body: Record<string, unknown>, field: string, what = field): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_COORDINATE) {
    throw new BridgeRequestError(`'${what}' must be a finite number within ±${MAX_COORDINATE}`);
  }
  return value;
}

/** x and y, relative to an element's box: not negative (whether they are inside it is checked against the box when acting). */
function requiredPoint(body: Record<string, unknown>, what: string): BridgePoint {
  const x = requiredNumber(body, 'x', `${what}.x`);
  const y = requiredNumber(body, 'y', `${what}.y`);
  if (x < 0 || y < 0) throw new BridgeRequestError(`'${what}' must not be left of or above the element's box`);
  return { x, y };
}

function only(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw new BridgeRequestError(`unexpected field(s) for '${String(body.action)}': ${extra.join(', ')}`);
  }
}

function requiredString(body: Record<string, unknown>, field: string, maxLength: number, allowEmpty = false): string {
  const value = body[field];
  if (typeof value !== 'string') {
    throw new BridgeRequestError(`'${field}' must be a string`);
  }
  if (!allowEmpty && value.length === 0) {
    throw new BridgeRequestError(`'${field}' must not be empty`);
  }
  if (value.length > maxLength) {
    throw new BridgeRequestError(`'${field}' is longer than ${maxLength} characters`);
  }
  return value;
}

function optionalEnum<T extends string>(body: Record<string, unknown>, field: string, values: readonly T[]): T | undefined {
  const value = body[field];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw new BridgeRequestError(`'${field}' must be one of ${values.join(', ')}`);
  }
  return value as T;
}
