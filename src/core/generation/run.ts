/**
 * Step 3 of the use case: sends prepared requests one after another (executeRequest: check, post-
 * process, write each group atomically) and reports what happens as events, so that every surface
 * shows the same progress, previews, retries and results. The texts surfaces log and show for an
 * outcome or a retry are made here too.
 */
import { FoundryError, type PartialImage, type RetryNotice } from '../foundry';
import { describeOutcome, describeRetry } from './describe';
import { executeRequest, type MockupContext, type MockupOutcome, type WrittenMockup } from './execute';
import type { PreparedGeneration } from './prepare';
import type { MockupRequest } from './request';

export type GenerationContext = Omit<MockupContext, 'onPartialImage' | 'onRetry'>;

export type GenerationEvent =
  | { readonly type: 'requestStarted'; readonly index: number; readonly total: number; readonly label: string; readonly request: MockupRequest }
  | {
      readonly type: 'partial';
      readonly index: number;
      /** 1-based variant of the request the preview belongs to. */
      readonly variant: number;
      /** 0-based preview number of that variant. */
      readonly partialIndex: number;
      readonly bytes: Uint8Array;
      readonly format: PartialImage['format'];
    }
  | {
      readonly type: 'retrying';
      readonly index: number;
      readonly notice: RetryNotice;
      /** When the next attempt starts, on the clock of `GenerationContext.now` (or Date.now). */
      readonly retryAt: number;
      /** "rate limited, retrying in 30 s (attempt 2 of 4)": see describeRetry for a countdown. */
      readonly message: string;
    }
  | { readonly type: 'requestDone'; readonly index: number; readonly total: number; readonly outcome: MockupOutcome; readonly log: string };

export interface GenerationResult {
  readonly mockups: readonly WrittenMockup[];
  readonly requestIds: readonly string[];
  /** The sum of the requests' costs from their usage; undefined when a request reported none. */
  readonly costUsd?: number;
  readonly warnings: readonly string[];
}

export async function runGeneration(prepared: PreparedGeneration, context: GenerationContext, onEvent: (event: GenerationEvent) => void = () => undefined): Promise<GenerationResult> {
  if (prepared.problems.length > 0) {
    throw new FoundryError('validation', prepared.problems.join(' '));
  }
  const mockups: WrittenMockup[] = [];
  const requestIds: string[] = [];
  const warnings: string[] = [];
  let cost = 0;
  let costKnown = true;
  const total = prepared.requests.length;
  const now = (): number => (context.now ? context.now().getTime() : Date.now());
  for (const [index, { request, label }] of prepared.requests.entries()) {
    context.signal?.throwIfAborted();
    onEvent({ type: 'requestStarted', index, total, label, request });
    let variant = 0;
    const outcome = await executeRequest(request, {
      ...context,
      onPartialImage: (partial) => {
        // Previews of several variants arrive one variant after the other, each from index 0.
        if (partial.index === 0 || variant === 0) variant++;
        onEvent({ type: 'partial', index, variant, partialIndex: partial.index, bytes: partial.bytes, format: partial.format });
      },
      onRetry: (notice) => onEvent({ type: 'retrying', index, notice, retryAt: now() + notice.waitMs, message: describeRetry(notice, notice.waitMs) }),
    });
    mockups.push(...outcome.mockups);
    if (outcome.requestId) requestIds.push(outcome.requestId);
    for (const warning of outcome.warnings) if (!warnings.includes(warning)) warnings.push(warning);
    if (outcome.costUsd === undefined) costKnown = false;
    else cost += outcome.costUsd;
    onEvent({ type: 'requestDone', index, total, outcome, log: describeOutcome(request, outcome) });
  }
  return { mockups, requestIds, ...(costKnown ? { costUsd: Math.round(cost * 1e6) / 1e6 } : {}), warnings };
}

