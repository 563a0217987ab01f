import type { WebviewMessage, WebviewToHost } from './protocol';

/**
 * One handler per message kind the webview may send. The mapped type makes the table exhaustive:
 * a message kind added to the protocol without a handler does not compile.
 */
export type Handlers = { readonly [K in WebviewToHost['type']]: (message: WebviewMessage<K>) => Promise<void> | void };

/** Calls the handler of `message`'s kind. */
export function dispatch(handlers: Handlers, message: WebviewToHost): Promise<void> | void {
  const handler = handlers[message.type] as (message: WebviewToHost) => Promise<void> | void;
  return handler(message);
}
