/**
 * Typed failures of the Foundry image client, each with a message a user can act on.
 * Classification follows docs/foundry-image-api.md §6.
 */
import { type FoundryErrorKind, isRetryable } from './retry';
import type { ApiMode } from './types';

export type { FoundryErrorKind } from './retry';

export interface FoundryErrorInit {
  readonly status?: number;
  readonly requestId?: string;
  readonly param?: string;
  readonly retryAfterMs?: number;
  /** The service's error code (`contentFilter`, `DeploymentNotFound`, ...). */
  readonly code?: string;
  /** For `safety`: whether the prompt was blocked or the generated output was filtered. */
  readonly safety?: 'prompt' | 'output';
  /** For `safety`: the categories the service named, when it did. */
  readonly categories?: readonly string[];
  readonly attempts?: number;
  /** For `validation`: every problem found, not only the first. */
  readonly problems?: readonly ValidationProblem[];
  /** The deployment's rate limit as its headers stated it, when they did. */
  readonly rateLimit?: RateLimitInfo;
  readonly cause?: unknown;
}

/** What a response's `x-ratelimit-*` headers say about the deployment's pace. */
export interface RateLimitInfo {
  /** Requests (images) the deployment accepts per minute (`x-ratelimit-limit-requests`). */
  readonly limitRequests?: number;
  /** Requests left in the current window (`x-ratelimit-remaining-requests`). */
  readonly remainingRequests?: number;
}

export interface ValidationProblem {
  /** The request field (`size`, `images[2]`, `mask`, ...). */
  readonly param: string;
  readonly message: string;
}

export class FoundryError extends Error {
  override readonly name = 'FoundryError';
  readonly kind: FoundryErrorKind;
  readonly status?: number;
  readonly requestId?: string;
  readonly param?: string;
  readonly retryAfterMs?: number;
  readonly code?: string;
  readonly safety?: 'prompt' | 'output';
  readonly categories?: readonly string[];
  readonly attempts?: number;
  readonly problems?: readonly ValidationProblem[];
  readonly rateLimit?: RateLimitInfo;

  constructor(kind: FoundryErrorKind, message: string, init: FoundryErrorInit = {}) {
    super(message);
    this.kind = kind;
    if (init.status !== undefined) this.status = init.status;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.param !== undefined) this.param = init.param;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.code !== undefined) this.code = init.code;
    if (init.safety !== undefined) this.safety = init.safety;
    if (init.categories !== undefined) this.categories = init.categories;
    if (init.attempts !== undefined) this.attempts = init.attempts;
    if (init.problems !== undefined) this.problems = init.problems;
    if (init.rateLimit !== undefined) this.rateLimit = init.rateLimit;
    // Not enumerable: the underlying error is for debugging, never serialised with the error.
    if (init.cause !== undefined) Object.defineProperty(this, 'cause', { value: init.cause, enumerable: false, configurable: true, writable: true });
  }

  /** Whether a retry layer may try again after this failure (the one rule: retry.ts). */
  get retryable(): boolean {
    return isRetryable(this.kind, this.status);
  }

  /** A copy with more context (request id suffix, attempt count); used by the retry layer. */
  withAttempts(attempts: number): FoundryError {
    return this.copy({ attempts });
  }

  /** A copy with some fields (and the message) replaced; the cause is kept unless `cause` is given. */
  copy(changes: FoundryErrorInit & { readonly message?: string } = {}): FoundryError {
    const { message, ...init } = changes;
    const cause = 'cause' in changes ? changes.cause : (this as { cause?: unknown }).cause;
    const copy = new FoundryError(this.kind, message ?? this.message, { ...this.fields(), ...init, cause });
    // The stack's first line repeats the message: keep the original stack only for the same message.
    if (message === undefined || message === this.message) copy.stack = this.stack;
    return copy;
  }

  /** The fields as an init object (undefined ones included, which the constructor skips). */
  fields(): FoundryErrorInit {
    return {
      status: this.status,
      requestId: this.requestId,
      param: this.param,
      retryAfterMs: this.retryAfterMs,
      code: this.code,
      safety: this.safety,
      categories: this.categories,
      attempts: this.attempts,
      problems: this.problems,
      rateLimit: this.rateLimit,
    };
  }
}

export function isFoundryError(value: unknown): value is FoundryError {
  return value instanceof FoundryError;
}

/** What the classifier needs to know about the call that failed. */
export interface ErrorContext {
  readonly host: string;
  readonly deployment: string;
  readonly apiMode: ApiMode;
  readonly apiVersion?: string;
  readonly authKind: 'apiKey' | 'token';
}

/** The parts of a service error body the classifier reads; Azure and OpenAI shapes both fit. */
interface ServiceErrorBody {
  code?: unknown;
  type?: unknown;
  message?: unknown;
  param?: unknown;
  inner_error?: unknown;
  innererror?: unknown;
}

const SAFETY_CODES = new Set(['contentfilter', 'content_filter', 'content_policy_violation', 'moderation_blocked']);

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `error` inside `{ error: {...} }`, or the body itself when it already looks like an error. */
export function serviceError(body: unknown): ServiceErrorBody | undefined {
  const record = asRecord(body);
  if (!record) return undefined;
  const inner = asRecord(record['error']);
  if (inner) return inner;
  if ('message' in record || 'code' in record) return record;
  return undefined;
}

/** Milliseconds the service asked us to wait: `retry-after-ms`, then `retry-after` (seconds or an HTTP date). */
export function retryAfterFromHeaders(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers.get('retry-after');
  if (after !== null) {
    const seconds = Number(after.trim());
    if (after.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

export function requestIdFromHeaders(headers: Headers | undefined): string | undefined {
  if (!headers) return undefined;
  return headers.get('apim-request-id') ?? headers.get('x-request-id') ?? undefined;
}

/** The deployment's pace from `x-ratelimit-limit-requests` / `x-ratelimit-remaining-requests`, when present. */
export function rateLimitFromHeaders(headers: Headers | undefined): RateLimitInfo | undefined {
  if (!headers) return undefined;
  const count = (name: string): number | undefined => {
    const value = Number(headers.get(name)?.trim() ?? '');
    return headers.has(name) && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const limitRequests = count('x-ratelimit-limit-requests');
  const remainingRequests = count('x-ratelimit-remaining-requests');
  if (limitRequests === undefined && remainingRequests === undefined) return undefined;
  return { ...(limitRequests !== undefined ? { limitRequests } : {}), ...(remainingRequests !== undefined ? { remainingRequests } : {}) };
}

function safetyCategories(error: ServiceErrorBody, message: string): string[] {
  const categories = new Set<string>();
  const inner = asRecord(error.inner_error) ?? asRecord(error.innererror);
  // Image errors spell it content_filter_results; Azure's text-model shape uses content_filter_result.
  const results = asRecord(inner?.['content_filter_results']) ?? asRecord(inner?.['content_filter_result']);
  if (results) {
    for (const [name, value] of Object.entries(results)) {
      const entry = asRecord(value);
      if (entry && (entry['filtered'] === true || entry['detected'] === true)) categories.add(name);
    }
  }
  const listed = /safety_violations=\[([^\]]*)\]/.exec(message);
  if (listed?.[1]) {
    for (const name of listed[1].split(',')) if (name.trim()) categories.add(name.trim());
  }
  return [...categories];
}

function withRequestId(message: string, requestId: string | undefined): string {
  return requestId ? `${message} (request id ${requestId})` : message;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.ceil(ms / 1000)} s` : `${Math.round(ms)} ms`;
}

/** Turns an HTTP error response into a FoundryError with an actionable message. */
export function classifyHttpError(status: number, body: unknown, headers: Headers | undefined, ctx: ErrorContext): FoundryError {
  const error = serviceError(body) ?? {};
  const code = str(error.code) ?? str(error.type);
  const type = str(error.type);
  const serviceMessage = str(error.message) ?? (typeof body === 'string' && body.length < 500 ? body : '');
  const param = str(error.param);
  const requestId = requestIdFromHeaders(headers);
  const retryAfterMs = retryAfterFromHeaders(headers);
  const rateLimit = rateLimitFromHeaders(headers);
  const inner = asRecord(error.inner_error) ?? asRecord(error.innererror);
  const innerCode = str(inner?.['code']);
  const base = { status, requestId, code, ...(param ? { param } : {}) };
  const lowerCode = code?.toLowerCase() ?? '';

  const isSafety =
    SAFETY_CODES.has(lowerCode) || innerCode === 'ResponsibleAIPolicyViolation' || type === 'image_generation_user_error';
  if ((status === 400 || status === 422) && isSafety) {
    const output = /generated image|output/i.test(serviceMessage);
    const categories = safetyCategories(error, serviceMessage);
    const what = output
      ? 'The generated image was filtered by the content safety system and was not returned.'
      : 'The prompt was blocked by the content safety system.';
    const named = categories.length ? ` Categories: ${categories.join(', ')}.` : '';
    const fix = output
      ? ' Rephrase the prompt to steer away from the filtered content and try again.'
      : ' Rephrase the prompt (or the input images) and try again; nothing was generated or billed for the image.';
    return new FoundryError('safety', withRequestId(what + named + fix, requestId), { ...base, safety: output ? 'output' : 'prompt', categories });
  }

  if (status === 401) {
    const why =
      ctx.authKind === 'apiKey'
        ? `The API key was not accepted by ${ctx.host}. Check that the key belongs to this resource (Azure portal, Keys and Endpoint) and that the endpoint is right, or sign in with Entra ID instead.`
        : `The access token was not accepted by ${ctx.host}. Sign in again (the token may have expired or be for another tenant) and check the token scope: https://cognitiveservices.azure.com/.default or https://ai.azure.com/.default.`;
    return new FoundryError('auth', withRequestId(why, requestId), base);
  }

  if (status === 403) {
    if (/blocked|suspended/i.test(serviceMessage)) {
      return new FoundryError(
        'blocked',
        withRequestId(`The resource at ${ctx.host} is blocked by the service${serviceMessage ? `: "${serviceMessage}"` : ''}. Contact your Azure administrator or Azure support; retrying will not help.`, requestId),
        base,
      );
    }
    return new FoundryError(
      'permission',
      withRequestId(`Your identity is not allowed to use deployment "${ctx.deployment}" on ${ctx.host}. Ask an owner of the resource to give you the "Cognitive Services OpenAI User" role on it (role assignments can take a few minutes to apply).`, requestId),
      base,
    );
  }

  if (status === 404) {
    const form =
      ctx.apiMode === 'dated'
        ? `the dated API form with api-version ${ctx.apiVersion ?? '?'}`
        : 'the v1 API form';
    const fix =
      ctx.apiMode === 'dated'
        ? 'Check the deployment name (Foundry portal, Deployments), try another api-version, or switch the API form to v1.'
        : 'Check the deployment name (Foundry portal, Deployments) or switch the API form to dated.';
    const what = lowerCode === 'deploymentnotfound' ? `Deployment "${ctx.deployment}" was not found` : `Nothing answered for deployment "${ctx.deployment}"`;
    return new FoundryError('notFound', withRequestId(`${what} on ${ctx.host} using ${form}. ${fix}`, requestId), base);
  }

  if (status === 429) {
    const wait = retryAfterMs !== undefined ? ` The service asked to wait ${seconds(retryAfterMs)}.` : '';
    const what = lowerCode === 'engineoverloaded' ? 'The service is overloaded (too many requests across customers).' : 'The deployment\'s rate limit was reached.';
    return new FoundryError(
      'rateLimited',
      withRequestId(`${what}${wait} Wait and try again, lower the number of images per request, or raise the deployment's quota.`, requestId),
      { ...base, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(rateLimit ? { rateLimit } : {}) },
    );
  }

  if (status === 408) {
    return new FoundryError('timeout', withRequestId('The service timed out while generating the image. Try again, or use a smaller size or lower quality.', requestId), base);
  }

  if (status === 409 || status >= 500) {
    const wait = retryAfterMs !== undefined ? { retryAfterMs } : {};
    return new FoundryError(
      'unavailable',
      withRequestId(`The service could not handle the request right now (HTTP ${status}${serviceMessage ? `: ${serviceMessage}` : ''}). Try again in a minute; if it persists, check the Azure status page.`, requestId),
      { ...base, ...wait },
    );
  }

  // 400 and the remaining 4xx: the service rejected the request itself.
  const field = param ? ` (field "${param}")` : '';
  return new FoundryError(
    'invalidRequest',
    withRequestId(`The service rejected the request${field}: ${serviceMessage || `HTTP ${status}`}. Change the ${param ? `"${param}" value` : 'request'} and try again.`, requestId),
    base,
  );
}
