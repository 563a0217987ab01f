/**
 * The sentences every surface shows or logs for what the use case does: a retry and its wait, a
 * request that succeeded, a failure with its request id (once).
 */
import { isFoundryError, type RetryNotice } from '../foundry';
import { formatUsd } from '../pricing';
import type { MockupOutcome } from './execute';
import type { MockupRequest } from './request';

const RETRY_REASONS: Readonly<Record<string, string>> = {
  rateLimited: 'rate limited',
  network: 'network error',
  unavailable: 'service unavailable',
  invalidResponse: 'the answer was broken',
  timeout: 'timed out',
};

/** "rate limited, retrying in 30 s (attempt 2 of 4)", with `remainingMs` of the wait left. */
export function describeRetry(notice: RetryNotice, remainingMs: number): string {
  const reason = RETRY_REASONS[notice.kind] ?? notice.kind;
  const seconds = Math.max(0, Math.ceil(remainingMs / 1000));
  return `${reason}, retrying in ${seconds} s (attempt ${notice.attempt} of ${notice.maxAttempts})`;
}

/** The log line of a request that succeeded: its id, plan, images, time, tokens and cost. */
export function describeOutcome(request: MockupRequest, outcome: MockupOutcome): string {
  const usage = outcome.mockups[0]?.sidecar.usage;
  return (
    `Request ${outcome.requestId ?? '(no id)'}: ${request.plan.explanation} x${outcome.mockups.length} in ${Math.round(outcome.durationMs)} ms, ` +
    `${usage?.totalTokens ?? '?'} tokens, ${outcome.costUsd !== undefined ? formatUsd(outcome.costUsd) : 'cost unknown'}.`
  );
}

/** A failure as one sentence: its message, and its request id once (some messages name it already). */
export function failureText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const requestId = isFoundryError(error) ? error.requestId : undefined;
  return requestId && !message.includes(requestId) ? `${message} (request id ${requestId})` : message;
}
