import { type HostToWebview, isRequest, type RequestType, type ResponseBody, type WebviewMessage, type WebviewToHost } from './protocol';

/**
 * One handler per message kind the webview may send. A request's handler returns its answer; the
 * others answer, if at all, by posting. The mapped type makes the table exhaustive: a message kind
 * added to the protocol without a handler does not compile.
 */
export type Handlers = {
  readonly [K in WebviewToHost['type']]: K extends RequestType ? (message: WebviewMessage<K>) => Promise<ResponseBody<K>> : (message: WebviewMessage<K>) => Promise<void> | void;
};

/**
 * Calls the handler of `message`'s kind. A request's answer is posted with the request's id; when
 * its handler fails, `requestFailed` with that id is posted before the error goes on to the caller.
 */
export async function dispatch(handlers: Handlers, message: WebviewToHost, post: (message: HostToWebview) => void): Promise<void> {
  if (!isRequest(message)) {
    await (handlers[message.type] as (message: WebviewToHost) => Promise<void> | void)(message);
    return;
  }
  const handler = handlers[message.type] as (message: WebviewToHost) => Promise<ResponseBody<RequestType>>;
  let answer: ResponseBody<RequestType>;
  try {
    answer = await handler(message);
  } catch (error) {
    post({ type: 'requestFailed', id: message.id, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  post({ ...answer, id: message.id });
}
