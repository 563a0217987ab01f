/**
 * THE retry rule: which failures are worth sending the same request again, and how long to wait.
 * The client's retry layer (single requests) and the batch scheduler (batch runs, whose client has
 * `maxRetries: 0`) both decide with these functions, so a failure is retried the same way on every
 * surface. Pure functions over an error's kind and HTTP status, with no Node or VS Code import, so
 * that they can move into a browser-safe vocabulary module as they are.
 *
 * - `rateLimit` (HTTP 429): wait (the service's retry-after, else the deployment's known pace) and
 *   send again; the batch scheduler pauses every worker for it.
 * - `transient`: the connection failed, the service answered 408/409/5xx, or it answered but the
 *   answer was broken (a malformed 200, a body or stream cut mid-way, an image that is not a
 *   complete image): send again after a backoff.
 * - `never`: the request itself, the credentials, the safety system or the user said no; sending
 *   it again would fail the same way (or spend money against the user's wish).
 */

/** Every kind of failure (FoundryError.kind). */
export type FoundryErrorKind =
  | 'safety'
  | 'auth'
  | 'permission'
  | 'blocked'
  | 'notFound'
  | 'rateLimited'
  | 'invalidRequest'
  /** The service answered, but the answer was broken: malformed JSON, cut mid-body, not a complete image. */
  | 'invalidResponse'
  | 'unavailable'
  | 'timeout'
  | 'network'
  /** The returned image could not be processed to the target size (libvips failed on it). */
  | 'processing'
  | 'cancelled'
  | 'validation';

export type RetryClass = 'rateLimit' | 'transient' | 'never';

/** How a failure of this kind (and HTTP status) is retried. */
export function retryClass(kind: FoundryErrorKind, status?: number): RetryClass {
  switch (kind) {
    case 'rateLimited':
      return 'rateLimit';
    case 'network':
    case 'invalidResponse':
    case 'unavailable':
      return 'transient';
    case 'timeout':
      // The service's own 408 is worth another try; our timer running out after minutes is not.
      return status === 408 ? 'transient' : 'never';
    default:
      return 'never';
  }
}

/** Whether a failure of this kind (and HTTP status) may be retried at all. */
export function isRetryable(kind: FoundryErrorKind, status?: number): boolean {
  return retryClass(kind, status) !== 'never';
}

/** Failures that say nothing about one request but about the whole connection: a batch stops on them. */
export function isFatalForRun(kind: FoundryErrorKind): boolean {
  return kind === 'auth' || kind === 'permission' || kind === 'blocked' || kind === 'notFound';
}

export interface BackoffOptions {
  /** First step. */
  readonly baseMs: number;
  /** Longest single wait. */
  readonly capMs: number;
  /** 0..1 (default Math.random); injected by tests. */
  readonly random?: () => number;
}

/** Exponential backoff for the n-th retry (1-based): base x 2^(n-1), capped, with 50-100% jitter. */
export function backoffMs(retry: number, options: BackoffOptions): number {
  const exponential = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  return exponential * (0.5 + (options.random ?? Math.random)() * 0.5);
}

export interface RateLimitWaitInput {
  /** What the service asked for (retry-after-ms / retry-after), when it did. */
  readonly retryAfterMs?: number;
  /**
   * The deployment's known pace: milliseconds between requests it accepts (from its
   * x-ratelimit-* headers, or the pace observed in this run), when known.
   */
  readonly intervalMs?: number;
  /** 429s in a row without a success in between (1 for the first). */
  readonly consecutive: number;
  readonly baseMs: number;
  readonly capMs: number;
  readonly random?: () => number;
}

/**
 * How long to wait after a 429. The service's own wait when it named one (capped). Without one
 * (Azure's `EngineOverloaded` carries none), the deployment's known pace: a few request intervals,
 * growing with the 429s in a row, but never the exponential climb to a minute that sent 9 requests
 * in 150 s. With nothing known, exponential backoff from `baseMs`.
 */
export function rateLimitWaitMs(input: RateLimitWaitInput): number {
  if (input.retryAfterMs !== undefined) return Math.min(Math.max(0, input.retryAfterMs), input.capMs);
  if (input.intervalMs !== undefined && input.intervalMs > 0) {
    const slots = Math.min(4, Math.max(1, input.consecutive));
    const jitter = 1 + (input.random ?? Math.random)() * 0.25;
    return Math.min(input.capMs, Math.max(input.baseMs / 2, input.intervalMs * slots * jitter));
  }
  return backoffMs(input.consecutive, { baseMs: input.baseMs, capMs: input.capMs, ...(input.random ? { random: input.random } : {}) });
}
