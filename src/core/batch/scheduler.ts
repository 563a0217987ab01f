/**
 * Runs jobs with bounded concurrency within the deployment's rate limit.
 *
 * - Up to `limit` jobs in flight; `limit` starts at `concurrency`.
 * - What is retried is decided by the one rule shared with the client (../foundry/retry.ts).
 * - A `rateLimited` failure (HTTP 429) pauses EVERY worker, then the job goes back to the front of
 *   the queue. The wait: the service's retry-after when it named one; else the deployment's known
 *   pace (its x-ratelimit-limit-requests, or the pace of the successes seen in this run), a few
 *   request intervals; else exponential backoff (rateLimitWaitMs). The first 429 of a pause also
 *   halves `limit` (multiplicative decrease); each `limit` successes in a row raise it by one again
 *   (additive increase), up to `concurrency`. A job gives up after `maxRateLimitWaits` 429s or
 *   once its waits would exceed `maxWaitPerJobMs` in all; each outcome says how long it waited.
 * - Transient failures (connection reset, 5xx, 408, a broken answer) retry the job after a backoff
 *   with jitter, up to `maxAttempts` attempts; any other failure fails the job at once. Failures
 *   that will fail every job the same way (credentials, role, deployment not found, blocked
 *   resource) stop the run: jobs not yet sent are reported failed with that reason (`stoppedBy`).
 * - Waiting is always a timer of the injected clock, never a loop; an AbortSignal stops sending,
 *   aborts the jobs in flight and reports the rest as cancelled.
 * - The queue is a deque plus a short list of delayed retries: 100,000 queued jobs cost O(1) each.
 *
 * The Foundry client has its own retry layer. Batch runs create their client with `maxRetries: 0`
 * so that this scheduler is the ONE retry layer at work (docs/foundry-image-api.md §6): a client
 * retrying a 429 on its own would keep the other workers sending into the same exhausted quota.
 */
import { FoundryError, isFatalForRun, rateLimitWaitMs, backoffMs, retryClass } from '../foundry';
import { describeRetry } from '../generation/describe';

/** Time, injectable so that tests run the scheduler on a fake clock. */
export interface SchedulerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_CLOCK: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerOptions {
  /** Most jobs in flight (1 to 32). */
  readonly concurrency: number;
  /** Attempts per job for transient failures (not counting 429s). Default 4. */
  readonly maxAttempts?: number;
  /** 429 waits per job before it is reported failed. Default 30. */
  readonly maxRateLimitWaits?: number;
  /** The most a job waits in all (rate-limit pauses and retry backoffs) before it is reported failed. Default 10 minutes. */
  readonly maxWaitPerJobMs?: number;
  /** First backoff step when nothing better is known. Default 1000 ms. */
  readonly backoffBaseMs?: number;
  /** Longest single wait, including one the service asked for. Default 60 000 ms. */
  readonly backoffCapMs?: number;
  /** Milliseconds between requests the deployment accepts, when the caller knows it (from response headers). */
  readonly knownIntervalMs?: () => number | undefined;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: SchedulerEvent) => void;
  readonly clock?: SchedulerClock;
  /** 0..1; injected by tests for deterministic jitter. */
  readonly random?: () => number;
}

export type SchedulerEvent =
  | { readonly type: 'rateLimited'; readonly waitMs: number; readonly limit: number; readonly basis: 'service' | 'pace' | 'backoff' }
  | { readonly type: 'retry'; readonly attempt: number; readonly maxAttempts: number; readonly waitMs: number; readonly error: FoundryError }
  | { readonly type: 'stopped'; readonly error: FoundryError };

interface OutcomeCounts {
  /** Times `work` was called for the item (each 429 and each retry included). */
  readonly calls: number;
  /** Milliseconds the item waited for rate limits and retry backoffs. */
  readonly waitedMs: number;
}

export type Outcome<T, R> =
  | (OutcomeCounts & { readonly item: T; readonly ok: true; readonly value: R })
  | (OutcomeCounts & {
      readonly item: T;
      readonly ok: false;
      readonly error: FoundryError;
      /** Whether `work` was called for it at all. */
      readonly sent: boolean;
      /** For jobs never sent because the run stopped: the failure that stopped it (one cause for many jobs). */
      readonly stoppedBy?: FoundryError;
    });

const MAX_CONCURRENCY = 32;
const DEFAULT_MAX_WAIT_PER_JOB_MS = 10 * 60_000;
/** Successes whose spacing gives the observed pace. */
const PACE_SAMPLES = 8;

interface Entry<T> {
  readonly item: T;
  /** Transient attempts (429s not counted), for maxAttempts. */
  attempts: number;
  calls: number;
  rateLimitWaits: number;
  waitedMs: number;
  readyAt: number;
  /** The slow-down epoch the job was sent in: only jobs sent since the last slow-down count for speeding up. */
  epoch: number;
}

function asFoundryError(error: unknown): FoundryError {
  if (error instanceof FoundryError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new FoundryError('cancelled', 'The request was cancelled.');
  return new FoundryError('invalidRequest', error instanceof Error ? error.message : String(error), { cause: error });
}

/** FIFO of ready entries with a LIFO front for rate-limited ones (they go first after a pause). */
class ReadyQueue<E> {
  private items: E[] = [];
  private head = 0;
  private readonly front: E[] = [];

  get size(): number {
    return this.items.length - this.head + this.front.length;
  }
  push(entry: E): void {
    this.items.push(entry);
  }
  pushFront(entry: E): void {
    this.front.push(entry);
  }
  shift(): E | undefined {
    if (this.front.length) return this.front.pop();
    if (this.head >= this.items.length) return undefined;
    const entry = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return entry;
  }
  drain(): E[] {
    const out = [...this.front.reverse(), ...this.items.slice(this.head)];
    this.items = [];
    this.head = 0;
    this.front.length = 0;
    return out;
  }
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
  const clock = options.clock ?? SYSTEM_CLOCK;
  const random = options.random ?? Math.random;
  const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(options.concurrency) || 1));
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const maxRateLimitWaits = Math.max(0, options.maxRateLimitWaits ?? 30);
  const maxWaitPerJob = Math.max(0, options.maxWaitPerJobMs ?? DEFAULT_MAX_WAIT_PER_JOB_MS);
  const base = options.backoffBaseMs ?? 1000;
  const cap = options.backoffCapMs ?? 60_000;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();

  const outcomes = new Map<T, Outcome<T, R>>();
  const ready = new ReadyQueue<Entry<T>>();
  for (const item of items) ready.push({ item, attempts: 0, calls: 0, rateLimitWaits: 0, waitedMs: 0, readyAt: 0, epoch: 0 });
  /** Entries waiting out a retry backoff (few at a time). */
  let delayed: Array<Entry<T>> = [];
  let limit = concurrency;
  let successesSinceChange = 0;
  let epoch = 0;
  let pausedUntil = 0;
  let consecutiveRateLimits = 0;
  const successTimes: number[] = [];
  let stopError: FoundryError | undefined;
  let active = 0;
  let wake: (() => void) | undefined;
  let timer: unknown;

  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  controller.signal.addEventListener('abort', notify, { once: true });

  /** Milliseconds between the successes seen lately: the pace the deployment actually allows. */
  const observedInterval = (): number | undefined => {
    if (successTimes.length < 2) return undefined;
    return (successTimes[successTimes.length - 1] - successTimes[0]) / (successTimes.length - 1);
  };

  const finish = (outcome: Outcome<T, R>): void => {
    outcomes.set(outcome.item, outcome);
    onOutcome?.(outcome);
  };
  const fail = (entry: Entry<T>, error: FoundryError, extra: { stoppedBy?: FoundryError } = {}): void => {
    finish({ item: entry.item, ok: false, error, sent: entry.calls > 0, calls: entry.calls, waitedMs: Math.round(entry.waitedMs), ...extra });
  };

  const onFailure = (entry: Entry<T>, raw: unknown): void => {
    const error = asFoundryError(raw);
    const now = clock.now();
    if (controller.signal.aborted || error.kind === 'cancelled') {
      fail(entry, cancelledError(error));
      return;
    }
    const kind = retryClass(error.kind, error.status);
    if (kind === 'rateLimit') {
      consecutiveRateLimits++;
      const limitRequests = error.rateLimit?.limitRequests;
      const intervalMs = limitRequests ? 60_000 / limitRequests : (options.knownIntervalMs?.() ?? observedInterval());
      const wait = rateLimitWaitMs({ retryAfterMs: error.retryAfterMs, ...(intervalMs !== undefined ? { intervalMs } : {}), consecutive: consecutiveRateLimits, baseMs: base, capMs: cap, random });
      if (entry.rateLimitWaits >= maxRateLimitWaits || entry.waitedMs + wait > maxWaitPerJob) {
        const why = entry.rateLimitWaits >= maxRateLimitWaits ? `${entry.rateLimitWaits} rate-limit waits` : `waiting ${seconds(entry.waitedMs)} in all (at most ${seconds(maxWaitPerJob)} per job)`;
        fail(entry, error.copy({ message: `${error.message} Gave up after ${why}.` }));
        return;
      }
      entry.rateLimitWaits++;
      entry.attempts--; // a 429 is not a failed attempt (it is still a call, counted as such)
      entry.waitedMs += wait;
      if (now >= pausedUntil) {
        // First 429 of this pause: slow down once, not once per request that was in flight.
        limit = Math.max(1, Math.ceil(limit / 2));
        successesSinceChange = 0;
        epoch++;
      }
      pausedUntil = Math.max(pausedUntil, now + wait);
      options.onEvent?.({ type: 'rateLimited', waitMs: wait, limit, basis: error.retryAfterMs !== undefined ? 'service' : intervalMs !== undefined ? 'pace' : 'backoff' });
      entry.readyAt = 0;
      ready.pushFront(entry);
      return;
    }
    if (kind === 'transient' && entry.attempts < maxAttempts) {
      const wait = Math.min(cap, error.retryAfterMs ?? backoffMs(entry.attempts, { baseMs: base, capMs: cap, random }));
      if (entry.waitedMs + wait <= maxWaitPerJob) {
        entry.waitedMs += wait;
        options.onEvent?.({ type: 'retry', attempt: entry.attempts, maxAttempts, waitMs: wait, error });
        entry.readyAt = now + wait;
        delayed.push(entry);
        return;
      }
    }
    if (isFatalForRun(error.kind) && !stopError) {
      stopError = error;
      options.onEvent?.({ type: 'stopped', error });
    }
    fail(entry, error);
  };

  const start = (entry: Entry<T>): void => {
    active++;
    entry.attempts++;
    entry.calls++;
    entry.epoch = epoch;
    work(entry.item, controller.signal)
      .then(
        (value) => {
          consecutiveRateLimits = 0;
          successTimes.push(clock.now());
          if (successTimes.length > PACE_SAMPLES) successTimes.shift();
          if (limit < concurrency && entry.epoch === epoch && ++successesSinceChange >= limit) {
            limit++;
            successesSinceChange = 0;
          }
          finish({ item: entry.item, ok: true, value, calls: entry.calls, waitedMs: Math.round(entry.waitedMs) });
        },
        (raw: unknown) => onFailure(entry, raw),
      )
      .catch((error: unknown) => {
        // An onOutcome callback threw: the item still gets exactly one outcome.
        if (!outcomes.has(entry.item)) fail(entry, asFoundryError(error));
      })
      .finally(() => {
        active--;
        notify();
      });
  };

  try {
    for (;;) {
      if (controller.signal.aborted || stopError) {
        const stopped = stopError;
        for (const entry of [...delayed, ...ready.drain()]) {
          if (stopped) {
            const what = entry.calls > 0 ? 'Not sent again' : 'Not sent';
            fail(entry, new FoundryError(stopped.kind, `${what}: the run stopped after this failure of another job: ${stopped.message}`, { ...(stopped.status !== undefined ? { status: stopped.status } : {}) }), { stoppedBy: stopped });
          } else {
            fail(entry, new FoundryError('cancelled', entry.calls > 0 ? 'Cancelled while waiting to be sent again.' : 'Cancelled before it was sent.'));
          }
        }
        delayed = [];
        if (active === 0) break;
      }
      const now = clock.now();
      let nextWake = Infinity;
      if (!controller.signal.aborted && !stopError) {
        if (delayed.length) {
          const due = delayed.filter((e) => e.readyAt <= now);
          if (due.length) {
            delayed = delayed.filter((e) => e.readyAt > now);
            for (const entry of due) ready.push(entry);
          }
        }
        if (now < pausedUntil) {
          nextWake = pausedUntil;
        } else {
          while (active < limit) {
            const entry = ready.shift();
            if (!entry) break;
            start(entry);
          }
        }
        for (const entry of delayed) nextWake = Math.min(nextWake, entry.readyAt);
      }
      if (ready.size === 0 && delayed.length === 0 && active === 0) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (Number.isFinite(nextWake)) timer = clock.setTimeout(notify, Math.max(1, nextWake - clock.now()));
      });
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (timer !== undefined) clock.clearTimeout(timer);
  }
  return items.map((item) => outcomes.get(item) as Outcome<T, R>);
}

function cancelledError(error: FoundryError): FoundryError {
  return error.kind === 'cancelled' ? error : new FoundryError('cancelled', 'Cancelled.', { ...(error.requestId ? { requestId: error.requestId } : {}) });
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000).toLocaleString('en-US')} s`;
}

/**
 * A scheduler event as the progress of every surface shows it: "rate limited, pausing every request
 * for 30 s (2 at a time from now on)", "the service is unavailable, retrying in 4 s (attempt 2 of
 * 4)", with `remainingMs` of the wait left (a countdown).
 */
export function describeSchedulerEvent(event: SchedulerEvent, remainingMs: number = 'waitMs' in event ? event.waitMs : 0): string {
  const seconds = Math.max(0, Math.ceil(remainingMs / 1000));
  switch (event.type) {
    case 'rateLimited':
      return `rate limited, pausing every request for ${seconds} s${event.basis === 'pace' ? " (the deployment's pace)" : ''}, ${event.limit} at a time from now on`;
    case 'retry':
      return describeRetry({ kind: event.error.kind, waitMs: event.waitMs, attempt: event.attempt + 1, maxAttempts: event.maxAttempts, ...(event.error.requestId ? { requestId: event.error.requestId } : {}) }, remainingMs);
    case 'stopped':
      return `stopping: ${event.error.message}`;
  }
}
