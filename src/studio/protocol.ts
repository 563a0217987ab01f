/**
 * The typed messages between the Studio webview app and the extension host. Both sides import this
 * file. Everything that arrives from the webview is untrusted input and goes through
 * `parseWebviewMessage` before the host acts on it.
 */

export const STUDIO_VIEW_TYPE = 'foundryMockups.studio';

/** Messages the webview app sends to the host. */
export type WebviewToHost = { type: 'ready' } | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string };

/** Messages the host sends to the webview app. */
export type HostToWebview = { type: 'init'; version: string };

/** Largest message the host accepts from the webview, in characters of its JSON form. */
export const MAX_MESSAGE_CHARS = 64 * 1024;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseWebviewMessage(raw: unknown): ParseResult<WebviewToHost> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'a message must be an object' };
  }
  let size: number;
  try {
    size = JSON.stringify(raw).length;
  } catch {
    return { ok: false, error: 'a message must be plain JSON' };
  }
  if (size > MAX_MESSAGE_CHARS) {
    return { ok: false, error: `a message may be at most ${MAX_MESSAGE_CHARS} characters of JSON, this one has ${size}` };
  }
  const message = raw as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return { ok: true, value: { type: 'ready' } };
    case 'log': {
      const { level, message: text } = message;
      if (level !== 'info' && level !== 'warn' && level !== 'error') return { ok: false, error: 'log.level must be info, warn or error' };
      if (typeof text !== 'string') return { ok: false, error: 'log.message must be a string' };
      return { ok: true, value: { type: 'log', level, message: text } };
    }
    default:
      return { ok: false, error: `unknown message type ${JSON.stringify(String(message.type)).slice(0, 60)}` };
  }
}
