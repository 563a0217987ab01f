/**
 * Runs jobs with bounded concurrency within the deployment's rate limit.
 *
 * - Up to `limit` jobs in flight; `limit` starts at `concurrency`.
 * - A `rateLimited` failure (HTTP 429) pauses EVERY worker until the wait the service asked for
 *   (`retryAfterMs`, from retry-after-ms / retry-after), or an exponential backoff when it named
 *   none, then the job goes back to the front of the queue. The first 429 of a pause also halves
 *   `limit` (multiplicative decrease); each `limit` successes in a row raise it by one again
 *   (additive increase), up to `concurrency`. 429s are not counted as failed attempts, but a job
 *   gives up after `maxRateLimitWaits` of them.
 * - Transient failures (connection reset, 5xx, 408) retry the job after a backoff with jitter, up
 *   to `maxAttempts` attempts; any other failure fails the job at once. Failures that will fail
 *   every job the same way (credentials, role, deployment not found, blocked resource) stop the
 *   run: jobs not yet sent are reported failed with that reason.
 * - Waiting is always a timer, never a loop; an AbortSignal stops sending, aborts the jobs in
 *   flight and reports the rest as cancelled.
 *
 * The Foundry client has its own retry layer. Batch runs create their client with `maxRetries: 0`
 * so that this scheduler is the ONE retry layer (foundry-image-api.md §9.6): a client retrying a
 * 429 on its own would keep the other workers sending into the same exhausted quota.
 */
import { FoundryError, type FoundryErrorKind } from '../foundry';

export interface SchedulerOptions {
  /** Most jobs in flight (1 to 32). */
  readonly concurrency: number;
  /** Attempts per job for transient failures (not counting 429s). Default 4. */
  readonly maxAttempts?: number;
  /** 429 waits per job before it is reported failed. Default 30. */
  readonly maxRateLimitWaits?: number;
  /** First backoff step when the service names no wait. Default 1000 ms. */
  readonly backoffBaseMs?: number;
  /** Longest single wait, including one the service asked for. Default 60 000 ms. */
  readonly backoffCapMs?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: SchedulerEvent) => void;
}

export type SchedulerEvent =
  | { readonly type: 'rateLimited'; readonly waitMs: number; readonly limit: number }
  | { readonly type: 'retry'; readonly attempt: number; readonly waitMs: number; readonly error: FoundryError }
  | { readonly type: 'stopped'; readonly error: FoundryError };

export type Outcome<T, R> =
  | { readonly item: T; readonly ok: true; readonly value: R; readonly attempts: number }
  | { readonly item: T; readonly ok: false; readonly error: FoundryError; readonly attempts: number; readonly sent: boolean };

/** Failures that say nothing about one job but about the whole connection. */
const FATAL: ReadonlySet<FoundryErrorKind> = new Set(['auth', 'permission', 'blocked', 'notFound']);
const MAX_CONCURRENCY = 32;

interface Entry<T> {
  readonly item: T;
  attempts: number;
  rateLimitWaits: number;
  readyAt: number;
  sent: boolean;
  /** The slow-down epoch the job was sent in: only jobs sent since the last slow-down count for speeding up. */
  epoch: number;
}

export function isTransient(error: FoundryError): boolean {
  return error.kind === 'network' || error.kind === 'unavailable' || (error.kind === 'timeout' && error.status === 408);
}

function asFoundryError(error: unknown): FoundryError {
  if (error instanceof FoundryError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new FoundryError('cancelled', 'The request was cancelled.');
  return new FoundryError('invalidRequest', error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * Runs `work` for every item and resolves with one outcome per item, in the items' order. It never
 * rejects: every failure, including cancellation, is an outcome.
 */
export async function runScheduled<T, R>(
  items: readonly T[],
  work: (item: T, signal: AbortSignal) => Promise<R>,
  options: SchedulerOptions,
  onOutcome?: (outcome: Outcome<T, R>) => void,
): Promise<Array<Outcome<T, R>>> {
  const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(options.concurrency) || 1));
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const maxRateLimitWaits = Math.max(0, options.maxRateLimitWaits ?? 30);
  const base = options.backoffBaseMs ?? 1000;
  const cap = options.backoffCapMs ?? 60_000;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();

  const outcomes = new Map<T, Outcome<T, R>>();
  const queue: Array<Entry<T>> = items.map((item) => ({ item, attempts: 0, rateLimitWaits: 0, readyAt: 0, sent: false, epoch: 0 }));
  let limit = concurrency;
  let successesSinceChange = 0;
  let epoch = 0;
  let pausedUntil = 0;
  let consecutiveRateLimits = 0;
  let stopError: FoundryError | undefined;
  let active = 0;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  controller.signal.addEventListener('abort', notify, { once: true });

  const backoff = (step: number): number => Math.min(cap, base * 2 ** Math.max(0, step - 1)) * (0.5 + Math.random() * 0.5);

  const finish = (entry: Entry<T>, outcome: Outcome<T, R>): void => {
    outcomes.set(entry.item, outcome);
    onOutcome?.(outcome);
  };

  const start = (entry: Entry<T>): void => {
    active++;
    entry.attempts++;
    entry.sent = true;
    entry.epoch = epoch;
    work(entry.item, controller.signal).then(
      (value) => {
        consecutiveRateLimits = 0;
        if (limit < concurrency && entry.epoch === epoch && ++successesSinceChange >= limit) {
          limit++;
          successesSinceChange = 0;
        }
        finish(entry, { item: entry.item, ok: true, value, attempts: entry.attempts });
      },
      (raw: unknown) => {
        const error = asFoundryError(raw);
        const now = Date.now();
        if (controller.signal.aborted || error.kind === 'cancelled') {
          finish(entry, { item: entry.item, ok: false, error: cancelledError(error), attempts: entry.attempts, sent: true });
        } else if (error.kind === 'rateLimited' && entry.rateLimitWaits < maxRateLimitWaits) {
          entry.rateLimitWaits++;
          entry.attempts--; // a 429 is not a failed attempt
          consecutiveRateLimits++;
          const wait = Math.min(cap, error.retryAfterMs ?? backoff(consecutiveRateLimits));
          if (now >= pausedUntil) {
            // First 429 of this pause: slow down once, not once per request that was in flight.
            limit = Math.max(1, Math.ceil(limit / 2));
            successesSinceChange = 0;
            epoch++;
          }
          pausedUntil = Math.max(pausedUntil, now + wait);
          options.onEvent?.({ type: 'rateLimited', waitMs: wait, limit });
          entry.readyAt = 0;
          queue.unshift(entry);
        } else if (isTransient(error) && entry.attempts < maxAttempts) {
          const wait = Math.min(cap, error.retryAfterMs ?? backoff(entry.attempts));
          options.onEvent?.({ type: 'retry', attempt: entry.attempts, waitMs: wait, error });
          entry.readyAt = now + wait;
          queue.push(entry);
        } else {
          if (FATAL.has(error.kind) && !stopError) {
            stopError = error;
            options.onEvent?.({ type: 'stopped', error });
          }
          finish(entry, { item: entry.item, ok: false, error, attempts: entry.attempts, sent: true });
        }
      },
    ).finally(() => {
      active--;
      notify();
    });
  };

  try {
    for (;;) {
      if (controller.signal.aborted || stopError) {
        for (const entry of queue.splice(0)) {
          const error = stopError
            ? new FoundryError(stopError.kind, `Not sent: the run stopped after this failure of another job: ${stopError.message}`, { ...(stopError.status !== undefined ? { status: stopError.status } : {}) })
            : new FoundryError('cancelled', 'Cancelled before it was sent.');
          finish(entry, { item: entry.item, ok: false, error, attempts: entry.attempts, sent: entry.sent });
        }
        if (active === 0) break;
      }
      const now = Date.now();
      let nextWake = Infinity;
      if (!controller.signal.aborted && !stopError) {
        if (now < pausedUntil) {
          nextWake = pausedUntil;
        } else {
          while (active < limit) {
            const index = queue.findIndex((e) => e.readyAt <= now);
            if (index < 0) break;
            const [entry] = queue.splice(index, 1);
            start(entry);
          }
          for (const entry of queue) if (entry.readyAt > now) nextWake = Math.min(nextWake, entry.readyAt);
        }
      }
      if (queue.length === 0 && active === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (Number.isFinite(nextWake)) timer = setTimeout(notify, Math.max(1, nextWake - Date.now()));
      });
      if (timer) clearTimeout(timer);
      timer = undefined;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
  }
  return items.map((item) => outcomes.get(item) as Outcome<T, R>);
}

function cancelledError(error: FoundryError): FoundryError {
  return error.kind === 'cancelled' ? error : new FoundryError('cancelled', 'Cancelled.', { ...(error.requestId ? { requestId: error.requestId } : {}) });
}
