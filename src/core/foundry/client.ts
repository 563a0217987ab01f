/**
 * The Foundry image client: generate (JSON) and edit (multipart) on Azure OpenAI / Microsoft Foundry,
 * on the `v1` or the dated API form, with an API key or an Entra ID token, built on the `openai` SDK
 * (which does the HTTP, the multipart encoding and the SSE parsing).
 * Wire contract: docs/foundry-image-api.md.
 *
 * Retries: ONE layer, ours, with the SDK's own retries off (`maxRetries: 0`). openai@6.30.1
 * (src/client.ts `retryRequest`) sleeps for whatever `retry-after-ms`/`retry-after` says with no cap,
 * uses a fixed private backoff (0.5 s doubling to 8 s) that tests cannot shorten, and its sleep between
 * attempts ignores the AbortSignal, so a cancelled request would wait out the backoff. Our layer
 * caps service-requested waits, has a configurable base, and aborts its waits on cancel. What is
 * retried is decided by the one rule in retry.ts, which the batch scheduler uses too.
 *
 * Answers are checked before anything is returned: every image (streamed final images too) is
 * decoded from strict base64 and checked as a complete PNG/JPEG (../image/check.ts). A malformed
 * 200, a body cut mid-way or a broken image is an `invalidResponse` failure with the request id,
 * retried like any transient failure.
 *
 * Redaction: every field of a result or failure that can carry service text (message, request id,
 * code, revised prompt, annotations) is passed through the Redactor, which knows the key and every
 * token this client used: a service echoing the key in a header cannot leak it.
 *
 * Timeout: ours too. The SDK's `timeout` only covers the wait for response headers (it clears its
 * timer once `fetch` resolves), not reading the body or a stream; ours aborts the whole attempt.
 *
 * Auth: a `fetch` wrapper sets `api-key` or `Authorization: Bearer` on each attempt, so a token
 * provider is asked (with the call's AbortSignal) for a fresh token every attempt. The SDK's
 * `AzureOpenAI` would do the same for keys/tokens but cannot pass the signal to the provider and its
 * deployment-path rewrite does not URL-encode the deployment name; the dated form here is a plain
 * `baseURL` + `defaultQuery`. The SDK's own logging is off: its redaction covers `authorization` but
 * not `api-key`.
 */
import { randomUUID } from 'node:crypto';
import { APIError, OpenAI, toFile } from 'openai';
import type {
  ImageEditParamsNonStreaming,
  ImageEditParamsStreaming,
  ImageGenerateParamsNonStreaming,
  ImageGenerateParamsStreaming,
  ImagesResponse,
} from 'openai/resources/images';
import { checkImage, type CheckedFormat, decodeBase64Strict, ImageCheckError } from '../image/check';
import { MODEL_FAMILIES, isModelFamily } from '../sizes/rules';
import { classifyHttpError, FoundryError, isFoundryError, rateLimitFromHeaders, requestIdFromHeaders, type ErrorContext, type RateLimitInfo } from './errors';
import { Redactor } from './redact';
import { backoffMs, rateLimitWaitMs } from './retry';
import { checkEditRequest, checkGenerateRequest, sniffContentType, type ValidationReport } from './validation';
import type {
  CallOptions,
  ContentFilterAnnotations,
  EditRequest,
  FoundryClient,
  FoundryClientOptions,
  FoundryLogger,
  GenerateRequest,
  GeneratedImage,
  ImageInput,
  ImageResult,
  ImageUsage,
  OutputFormat,
} from './types';

export const DEFAULT_DATED_API_VERSION = '2025-04-01-preview';
export const DEFAULT_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_RETRY_CAP_MS = 60_000;
export const DEFAULT_RETRY_BASE_MS = 500;
/** Bounds on what options may ask for, so a typo cannot make the client retry for hours. */
const MAX_RETRIES_LIMIT = 10;

type Operation = 'generate' | 'edit';

interface NormalizedEndpoint {
  readonly origin: string;
  readonly host: string;
}

/** Checks the endpoint: any `https://` host, `http://` only for loopback; trailing slashes (and a pasted `/openai[/v1]`) dropped. */
export function normalizeEndpoint(endpoint: string): NormalizedEndpoint {
  let url: URL;
  try {
    url = new URL(String(endpoint).trim());
  } catch {
    // Not echoed back: what was pasted here may be a key instead of the endpoint.
    throw new FoundryError('validation', "The endpoint is not a URL: use the resource's endpoint, such as https://my-resource.openai.azure.com (Azure portal, Keys and Endpoint).", { param: 'endpoint' });
  }
  const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname);
  if (url.protocol === 'http:' && !loopback) {
    throw new FoundryError('validation', `The endpoint ${url.host} uses plain http://, which would send your credentials unencrypted: use https://${url.host}.`, { param: 'endpoint' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FoundryError('validation', 'The endpoint must start with https://, such as https://my-resource.openai.azure.com.', { param: 'endpoint' });
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new FoundryError('validation', 'The endpoint must not contain credentials, a query or a fragment: use just https://<resource host>.', { param: 'endpoint' });
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/i, '');
  return { origin: `${url.protocol}//${url.host}${path}`, host: url.host };
}

function checkOptions(options: FoundryClientOptions): void {
  if (!options || typeof options !== 'object') throw new FoundryError('validation', 'Client options are missing.', { param: 'options' });
  if (typeof options.deployment !== 'string' || options.deployment.trim() === '') {
    throw new FoundryError('validation', 'The deployment name is empty: enter the name of your gpt-image deployment (Foundry portal, Deployments).', { param: 'deployment' });
  }
  if (!isModelFamily(options.model)) {
    throw new FoundryError('validation', `The model "${String(options.model)}" is not one of ${MODEL_FAMILIES.join(', ')}: pick the model your deployment runs.`, { param: 'model' });
  }
  if (options.apiMode !== 'v1' && options.apiMode !== 'dated') {
    throw new FoundryError('validation', `The API form "${String(options.apiMode)}" is not v1 or dated.`, { param: 'apiMode' });
  }
  const auth = options.auth as unknown as Record<string, unknown> | undefined;
  if (!auth || (auth['kind'] !== 'apiKey' && auth['kind'] !== 'token')) {
    throw new FoundryError('validation', 'No credentials were given: use an API key or sign in with Entra ID.', { param: 'auth' });
  }
  const hasKey = auth['apiKey'] !== undefined;
  const hasToken = auth['getToken'] !== undefined;
  if (hasKey && hasToken) {
    throw new FoundryError('validation', 'Both an API key and a token provider were given: use one of them, not both.', { param: 'auth' });
  }
  if (auth['kind'] === 'apiKey' && (typeof auth['apiKey'] !== 'string' || auth['apiKey'].trim() === '')) {
    throw new FoundryError('validation', 'The API key is empty: set the key (Azure portal, Keys and Endpoint) or sign in with Entra ID.', { param: 'auth' });
  }
  if (auth['kind'] === 'token' && typeof auth['getToken'] !== 'function') {
    throw new FoundryError('validation', 'The token provider is missing: sign in with Entra ID or use an API key.', { param: 'auth' });
  }
  for (const name of ['timeoutMs', 'retryCapMs', 'retryBaseMs'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new FoundryError('validation', `${name} must be a non-negative number of milliseconds.`, { param: name });
    }
  }
  if (options.maxRetries !== undefined && !(Number.isInteger(options.maxRetries) && options.maxRetries >= 0 && options.maxRetries <= MAX_RETRIES_LIMIT)) {
    throw new FoundryError('validation', `maxRetries must be a whole number from 0 to ${MAX_RETRIES_LIMIT}.`, { param: 'maxRetries' });
  }
}

const silentLogger: FoundryLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Creates a client for one deployment. Throws a `validation` FoundryError for unusable options. */
export function createFoundryClient(options: FoundryClientOptions): FoundryClient {
  checkOptions(options);
  const endpoint = normalizeEndpoint(options.endpoint);
  const auth = options.auth;
  const apiVersion = options.apiMode === 'dated' ? (options.apiVersion?.trim() || DEFAULT_DATED_API_VERSION) : options.apiVersion?.trim() || undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const retryCapMs = options.retryCapMs ?? DEFAULT_RETRY_CAP_MS;
  const retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;

  // Secrets seen by this client, scrubbed from anything it logs, returns or throws.
  const redactor = new Redactor(auth.kind === 'apiKey' ? [auth.apiKey] : []);
  const redact = (text: string): string => redactor.text(text);
  const inner = options.logger ?? silentLogger;
  const logger: FoundryLogger = {
    debug: (m) => inner.debug(redact(m)),
    info: (m) => inner.info(redact(m)),
    warn: (m) => inner.warn(redact(m)),
    error: (m) => inner.error(redact(m)),
  };

  const ctx: ErrorContext = { host: endpoint.host, deployment: options.deployment, apiMode: options.apiMode, apiVersion, authKind: auth.kind };
  const imageFormats: CheckedFormat[] = options.allowWebp ? ['png', 'jpeg', 'webp'] : ['png', 'jpeg'];

  // Each call in flight, by the x-ms-client-request-id it sends on every attempt: how many requests
  // actually went out (a token failure or a cancel before sending is not one), and the headers of
  // the latest answer (the SDK reads the body before it hands the response back, so a body that
  // breaks would lose them).
  const calls = new Map<string, { sent: number; headers?: Headers; onSent: () => void }>();

  const authFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    headers.delete('authorization'); // the SDK's placeholder bearer
    if (auth.kind === 'apiKey') {
      headers.set('api-key', auth.apiKey);
    } else {
      let token: string;
      try {
        token = await auth.getToken(init?.signal ?? undefined);
      } catch (error) {
        if (init?.signal?.aborted) throw error;
        // No `cause`: a provider's error may quote the credential it was handling.
        throw new FoundryError('auth', `Could not get an Entra ID access token: ${redact(error instanceof Error ? error.message : String(error))}. Sign in again, or use an API key.`);
      }
      if (typeof token !== 'string' || token.length === 0) {
        throw new FoundryError('auth', 'The sign-in returned an empty access token: sign in again, or use an API key.');
      }
      redactor.add(token);
      headers.set('authorization', `Bearer ${token}`);
    }
    const state = calls.get(headers.get('x-ms-client-request-id') ?? '');
    if (state) {
      state.sent++;
      state.headers = undefined;
      state.onSent();
    }
    const response = await fetch(input, { ...init, headers, redirect: 'manual' });
    if (state && response.ok) state.headers = response.headers;
    return response;
  };

  const baseURL =
    options.apiMode === 'v1'
      ? `${endpoint.origin}/openai/v1`
      : `${endpoint.origin}/openai/deployments/${encodeURIComponent(options.deployment)}`;
  const sdk = new OpenAI({
    apiKey: 'unused-auth-is-set-by-fetch-wrapper',
    baseURL,
    ...(apiVersion ? { defaultQuery: { 'api-version': apiVersion } } : {}),
    maxRetries: 0,
    // Our own timer (below) aborts first; this is only a backstop.
    timeout: timeoutMs + 5_000,
    fetch: authFetch,
    logLevel: 'off',
    organization: null,
    project: null,
  });

  const validationContext = { model: options.model, apiMode: options.apiMode, allowWebp: options.allowWebp ?? false };

  function throwIfInvalid(report: ValidationReport): void {
    const [first] = report.problems;
    if (first) {
      const more = report.problems.length > 1 ? ` (and ${report.problems.length - 1} more problem${report.problems.length > 2 ? 's' : ''})` : '';
      throw new FoundryError('validation', `${first.message}${more}`, { param: first.param, problems: report.problems });
    }
  }

  async function run(operation: Operation, request: GenerateRequest | EditRequest, call: CallOptions, warnings: string[]): Promise<ImageResult> {
    const started = performance.now();
    const clientRequestId = randomUUID();
    const signal = call.signal;
    const streaming = (request.partialImages ?? 0) > 0;
    const body = await buildBody(operation, request, streaming);
    let delivered = 0;
    let attempt = 0;
    const state = { sent: 0, onSent: () => notify(call.onRequest, { attempt, maxAttempts: maxRetries + 1 }, 'onRequest') };
    calls.set(clientRequestId, state);
    try {
      for (;;) {
        attempt++;
        if (signal?.aborted) throw cancelled();
        try {
          const parts = await attemptOnce(operation, body, streaming, clientRequestId, call, () => {
            delivered++;
          });
          const durationMs = Math.round(performance.now() - started);
          logger.info(`${operation} ${options.deployment}: ${parts.images.length} image(s) in ${durationMs} ms, attempt ${attempt}${parts.requestId ? `, request id ${parts.requestId}` : ''}`);
          return { ...parts, clientRequestId, durationMs, attempts: state.sent, warnings };
        } catch (raw) {
          const error = isFoundryError(raw) ? raw : new FoundryError('network', 'Unexpected failure.', { cause: raw });
          const canRetry = error.retryable && delivered === 0 && attempt <= maxRetries && !signal?.aborted;
          if (!canRetry) {
            logger.warn(`${operation} ${options.deployment} failed (${error.kind}${error.status ? `, HTTP ${error.status}` : ''}) after ${attempt} attempt(s): ${error.message}`);
            // attempts: the requests that went out, so that callers can count what was sent (and paid).
            throw state.sent > 0 ? error.withAttempts(state.sent) : error;
          }
          const wait = retryWait(error, attempt);
          logger.info(`${operation} ${options.deployment}: ${error.kind}${error.status ? ` (HTTP ${error.status})` : ''}, retrying in ${Math.round(wait)} ms (attempt ${attempt + 1} of ${maxRetries + 1})`);
          notify(call.onRetry, { kind: error.kind, ...(error.status !== undefined ? { status: error.status } : {}), waitMs: wait, attempt: attempt + 1, maxAttempts: maxRetries + 1, ...(error.requestId ? { requestId: error.requestId } : {}) }, 'onRetry');
          await sleep(wait, signal);
        }
      }
    } finally {
      calls.delete(clientRequestId);
    }
  }

  /** A caller's progress hook must not break the request. */
  function notify<T>(hook: ((info: T) => void) | undefined, info: T, name: string): void {
    try {
      hook?.(info);
    } catch (error) {
      logger.warn(`${name} threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The one rule's waits (retry.ts): a 429 by the service's wait or the deployment's pace, the rest by backoff. */
  function retryWait(error: FoundryError, attempt: number): number {
    if (error.kind === 'rateLimited') {
      const limit = error.rateLimit?.limitRequests;
      return rateLimitWaitMs({ retryAfterMs: error.retryAfterMs, ...(limit ? { intervalMs: 60_000 / limit } : {}), consecutive: attempt, baseMs: retryBaseMs, capMs: retryCapMs });
    }
    if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, retryCapMs);
    return backoffMs(attempt, { baseMs: retryBaseMs, capMs: retryCapMs });
  }

  async function buildBody(operation: Operation, request: GenerateRequest | EditRequest, streaming: boolean): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = { prompt: request.prompt };
    if (options.apiMode === 'v1') body['model'] = options.deployment;
    const set = (key: string, value: unknown): void => {
      if (value !== undefined) body[key] = value;
    };
    set('size', request.size);
    set('n', request.n);
    set('quality', request.quality);
    set('output_format', request.outputFormat);
    set('output_compression', request.outputCompression);
    set('background', request.background);
    set('user', request.user);
    if (operation === 'generate') set('moderation', (request as GenerateRequest).moderation);
    if (streaming) {
      body['stream'] = true;
      body['partial_images'] = request.partialImages;
    }
    if (operation === 'edit') {
      const edit = request as EditRequest;
      const files = await Promise.all(edit.images.map((image, i) => toUpload(image, i)));
      // One image goes as `image`, several as repeated `image[]` (the SDK encodes arrays that way).
      body['image'] = files.length === 1 ? files[0] : files;
      if (edit.mask) body['mask'] = await toUpload(edit.mask, 0, 'mask');
      set('input_fidelity', edit.inputFidelity);
    }
    if (request.extraBody) Object.assign(body, request.extraBody);
    return body;
  }

  async function attemptOnce(
    operation: Operation,
    body: Record<string, unknown>,
    streaming: boolean,
    clientRequestId: string,
    call: CallOptions,
    onDelivered: () => void,
  ): Promise<Omit<ImageResult, 'clientRequestId' | 'durationMs' | 'attempts' | 'warnings'>> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = (): void => controller.abort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    let headers: Headers | undefined;
    try {
      const requestOptions = { signal: controller.signal, headers: { 'x-ms-client-request-id': clientRequestId } };
      if (!streaming) {
        const { data, response } =
          operation === 'generate'
            ? await sdk.images.generate(body as unknown as ImageGenerateParamsNonStreaming, requestOptions).withResponse()
            : await sdk.images.edit(body as unknown as ImageEditParamsNonStreaming, requestOptions).withResponse();
        headers = response.headers;
        return await fromResponse(data, response.headers, body);
      }
      const { data: stream, response } =
        operation === 'generate'
          ? await sdk.images.generate(body as unknown as ImageGenerateParamsStreaming, requestOptions).withResponse()
          : await sdk.images.edit(body as unknown as ImageEditParamsStreaming, requestOptions).withResponse();
      headers = response.headers;
      const images: GeneratedImage[] = [];
      let usage: ImageUsage | undefined;
      let size: string | undefined;
      let quality: string | undefined;
      let background: string | undefined;
      let created: number | undefined;
      for await (const event of stream) {
        if (event.type.endsWith('.partial_image')) {
          const partial = event as { partial_image_index: number; b64_json: string; output_format?: string; size?: string };
          let bytes: Uint8Array;
          try {
            bytes = decodeBase64Strict(partial.b64_json);
            await checkImage(bytes, { formats: imageFormats });
          } catch (error) {
            // A preview only: a broken one is left out, never shown; the final image decides.
            if (!(error instanceof ImageCheckError)) throw error;
            logger.warn(`${options.deployment}: partial image ${partial.partial_image_index} left out: ${error.message}`);
            continue;
          }
          onDelivered();
          notify(call.onPartialImage, { index: partial.partial_image_index, bytes, format: formatOf(bytes, partial.output_format, body), ...(partial.size ? { size: redact(partial.size) } : {}) }, 'onPartialImage');
        } else if (event.type.endsWith('.completed')) {
          const done = event as { b64_json: string; output_format?: string; size?: string; quality?: string; background?: string; created_at?: number; usage?: unknown };
          images.push(await toImage(done.b64_json, done.output_format, body, headers));
          usage = addUsage(usage, toUsage(done.usage));
          size = done.size ?? size;
          quality = done.quality ?? quality;
          background = done.background ?? background;
          created = done.created_at ?? created;
        }
      }
      // The SDK ends the iteration quietly when the request is aborted.
      if (controller.signal.aborted) throw new DOMException('aborted', 'AbortError');
      if (images.length === 0) throw brokenAnswer('the image stream ended before the final image arrived', headers);
      return redactor.value({
        images,
        ...sizeOf(size, images),
        ...(quality ? { quality } : {}),
        ...(background ? { background } : {}),
        ...(usage ? { usage } : {}),
        ...(created !== undefined ? { created } : {}),
        ...headerParts(headers),
      });
    } catch (error) {
      throw redactor.error(toFoundryError(error, { timedOut, cancelled: call.signal?.aborted === true, headers: headers ?? calls.get(clientRequestId)?.headers }));
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    }
  }

  function toFoundryError(error: unknown, state: { timedOut: boolean; cancelled: boolean; headers: Headers | undefined }): FoundryError {
    if (state.cancelled) return cancelled();
    if (state.timedOut) {
      return new FoundryError('timeout', `No complete answer from ${ctx.host} within ${Math.round(timeoutMs / 1000)} s. Image generation can take a minute or more: try again, raise the timeout, or use a smaller size or lower quality.`, { requestId: requestIdFromHeaders(state.headers), cause: error });
    }
    const found = findFoundryError(error);
    if (found) return found;
    if (error instanceof APIError) {
      const status = error.status as number | undefined;
      const headers = (error.headers as Headers | undefined) ?? state.headers;
      const body: unknown = error.error;
      if (status !== undefined) return classifyHttpError(status, { error: body }, headers, ctx);
      if (body !== undefined) {
        // An `error` event inside a stream: no HTTP status of its own.
        const probe = classifyHttpError(400, { error: body }, headers, ctx);
        return probe.kind === 'safety' ? probe : classifyHttpError(500, { error: body }, headers, ctx);
      }
    }
    if (error instanceof SyntaxError) return brokenAnswer('its body is not valid JSON', state.headers, error);
    const detail = redact(describeNetworkError(error));
    // Headers arrived, then the connection broke: the service answered, the answer is incomplete.
    if (state.headers) return brokenAnswer(`the connection broke before the answer was complete (${detail})`, state.headers, error);
    return new FoundryError('network', `Could not reach ${ctx.host} (${detail}). Check the endpoint, your network or proxy, and try again.`, { cause: error });
  }

  /** The service answered (HTTP 200), but what it sent cannot be used: retryable, with the request id. */
  function brokenAnswer(detail: string, headers: Headers | undefined, cause?: unknown): FoundryError {
    const requestId = requestIdFromHeaders(headers);
    const message = `The service at ${ctx.host} answered, but the answer was broken: ${detail}. Nothing was written; try again, and if it persists, check the endpoint or any proxy in between.`;
    return new FoundryError('invalidResponse', requestId ? `${message} (request id ${requestId})` : message, { status: 200, ...(requestId ? { requestId } : {}), ...(cause !== undefined ? { cause } : {}) });
  }

  function cancelled(): FoundryError {
    return new FoundryError('cancelled', 'The request was cancelled.');
  }

  async function fromResponse(data: ImagesResponse, headers: Headers, body: Record<string, unknown>): Promise<Omit<ImageResult, 'clientRequestId' | 'durationMs' | 'attempts' | 'warnings'>> {
    if (!data || typeof data !== 'object' || !Array.isArray(data.data) || data.data.length === 0) {
      throw brokenAnswer('it holds no images', headers);
    }
    const images: GeneratedImage[] = [];
    for (const [index, item] of data.data.entries()) {
      const record: unknown = item;
      if (!isRecord(record) || typeof item.b64_json !== 'string') throw brokenAnswer(`image ${index + 1} has no data (b64_json)`, headers);
      const contentFilter: ContentFilterAnnotations = {
        ...(isRecord(record['content_filter_results']) ? { contentFilterResults: record['content_filter_results'] } : {}),
        ...(isRecord(record['prompt_filter_results']) ? { promptFilterResults: record['prompt_filter_results'] } : {}),
      };
      images.push({
        ...(await toImage(item.b64_json, data.output_format, body, headers, data.data.length > 1 ? index + 1 : undefined)),
        ...(typeof item.revised_prompt === 'string' && item.revised_prompt ? { revisedPrompt: item.revised_prompt } : {}),
        ...(Object.keys(contentFilter).length ? { contentFilter } : {}),
      });
    }
    const usage = toUsage(data.usage);
    return redactor.value({
      images,
      ...sizeOf(typeof data.size === 'string' ? data.size : undefined, images),
      ...(typeof data.quality === 'string' && data.quality ? { quality: data.quality } : {}),
      ...(typeof data.background === 'string' && data.background ? { background: data.background } : {}),
      ...(usage ? { usage } : {}),
      ...(typeof data.created === 'number' ? { created: data.created } : {}),
      ...headerParts(headers),
    });
  }

  /** Decodes and checks one returned image: strict base64, then a complete PNG/JPEG (image/check.ts). */
  async function toImage(b64: string, reportedFormat: string | undefined, body: Record<string, unknown>, headers: Headers | undefined, number?: number): Promise<GeneratedImage> {
    try {
      const bytes = decodeBase64Strict(b64);
      const checked = await checkImage(bytes, { formats: imageFormats });
      return { bytes, format: checked.format === 'webp' ? 'webp' : formatOf(bytes, reportedFormat, body), width: checked.width, height: checked.height };
    } catch (error) {
      if (error instanceof ImageCheckError) throw brokenAnswer(`${number ? `image ${number}: ` : ''}${error.message}`, headers, error);
      throw error;
    }
  }

  return {
    options: {
      endpoint: endpoint.origin,
      deployment: options.deployment,
      model: options.model,
      apiMode: options.apiMode,
      ...(apiVersion ? { apiVersion } : {}),
      timeoutMs,
      maxRetries,
      retryCapMs,
      retryBaseMs,
      allowWebp: validationContext.allowWebp,
      authKind: auth.kind,
    },
    async generate(request: GenerateRequest, call: CallOptions = {}): Promise<ImageResult> {
      const report = checkGenerateRequest(request, validationContext);
      throwIfInvalid(report);
      return run('generate', request, call, report.warnings);
    },
    async edit(request: EditRequest, call: CallOptions = {}): Promise<ImageResult> {
      const report = checkEditRequest(request, validationContext);
      throwIfInvalid(report);
      return run('edit', request, call, report.warnings);
    },
    redact: <T>(value: T): T => redactor.value(value),
  };
}

function findFoundryError(error: unknown): FoundryError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (isFoundryError(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    const message = current instanceof Error ? current.message : undefined;
    if (typeof code === 'string') parts.push(code);
    else if (message && !/^(fetch failed|Connection error\.)$/.test(message)) parts.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return [...new Set(parts)].join(': ') || 'connection failed';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function headerParts(headers: Headers | undefined): { requestId?: string; rateLimit?: RateLimitInfo } {
  const requestId = requestIdFromHeaders(headers);
  const rateLimit = rateLimitFromHeaders(headers);
  return { ...(requestId ? { requestId } : {}), ...(rateLimit ? { rateLimit } : {}) };
}

function sizeOf(reported: string | undefined, images: readonly GeneratedImage[]): { size?: string } {
  if (reported && reported !== 'auto') return { size: reported };
  const first = images[0];
  return first?.width && first.height ? { size: `${first.width}x${first.height}` } : {};
}

function formatOf(bytes: Uint8Array, reported: string | undefined, body: Record<string, unknown>): OutputFormat {
  const sniffed = sniffContentType(bytes);
  if (sniffed) return sniffed === 'image/png' ? 'png' : sniffed === 'image/jpeg' ? 'jpeg' : 'webp';
  const named = reported ?? body['output_format'];
  return named === 'jpeg' || named === 'webp' ? named : 'png';
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function toUsage(raw: unknown): ImageUsage | undefined {
  if (!isRecord(raw)) return undefined;
  const input = isRecord(raw['input_tokens_details']) ? raw['input_tokens_details'] : undefined;
  const output = isRecord(raw['output_tokens_details']) ? raw['output_tokens_details'] : undefined;
  return {
    inputTokens: num(raw['input_tokens']),
    outputTokens: num(raw['output_tokens']),
    totalTokens: num(raw['total_tokens']),
    ...(input ? { inputTokensDetails: { textTokens: num(input['text_tokens']), imageTokens: num(input['image_tokens']) } } : {}),
    ...(output ? { outputTokensDetails: { imageTokens: num(output['image_tokens']), textTokens: num(output['text_tokens']) } } : {}),
  };
}

/** Streams with n > 1 end with one completed event per image, each with its own usage. */
function addUsage(a: ImageUsage | undefined, b: ImageUsage | undefined): ImageUsage | undefined {
  if (!a || !b) return a ?? b;
  const sumPair = <T extends Record<string, number>>(x: T | undefined, y: T | undefined): T | undefined => {
    if (!x || !y) return x ?? y;
    const out: Record<string, number> = {};
    for (const key of Object.keys(x)) out[key] = (x[key] ?? 0) + (y[key] ?? 0);
    return out as T;
  };
  const inputTokensDetails = sumPair(a.inputTokensDetails, b.inputTokensDetails);
  const outputTokensDetails = sumPair(a.outputTokensDetails, b.outputTokensDetails);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    ...(inputTokensDetails ? { inputTokensDetails } : {}),
    ...(outputTokensDetails ? { outputTokensDetails } : {}),
  };
}

async function toUpload(input: ImageInput, index: number, stem = 'image'): Promise<File> {
  // The service rejects application/octet-stream parts, so every part carries its real type.
  const type = input.contentType ?? sniffContentType(input.bytes) ?? 'image/png';
  const extension = type === 'image/jpeg' ? 'jpg' : type === 'image/webp' ? 'webp' : 'png';
  const name = input.name ?? `${stem}-${index + 1}.${extension}`;
  return toFile(input.bytes, name, { type });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new FoundryError('cancelled', 'The request was cancelled.'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new FoundryError('cancelled', 'The request was cancelled.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
