/**
 * Token-based cost: the exact cost of a request from the usage the service returned, and an
 * estimate before sending from a documented token model (docs/cost.md).
 */
import type { ModelFamily, Quality } from './vocabulary';
import type { Size } from './sizes/rules';

/** US dollars per one million tokens. */
export interface Pricing {
  readonly textInput: number;
  readonly cachedTextInput: number;
  readonly imageInput: number;
  readonly cachedImageInput: number;
  readonly imageOutput: number;
  readonly textOutput: number;
}

/**
 * List prices per 1M tokens. gpt-image-2: Foundry's list prices. The gpt-image-1 family: OpenAI's
 * list prices (no Azure Global Standard page lists them); users override them in settings.
 */
export const DEFAULT_PRICING: Readonly<Record<ModelFamily, Pricing>> = {
  'gpt-image-2': { textInput: 5, cachedTextInput: 1.25, imageInput: 8, cachedImageInput: 2, imageOutput: 30, textOutput: 10 },
  'gpt-image-1.5': { textInput: 5, cachedTextInput: 1.25, imageInput: 8, cachedImageInput: 2, imageOutput: 32, textOutput: 10 },
  'gpt-image-1': { textInput: 5, cachedTextInput: 1.25, imageInput: 10, cachedImageInput: 2.5, imageOutput: 40, textOutput: 10 },
  'gpt-image-1-mini': { textInput: 2, cachedTextInput: 0.2, imageInput: 2.5, cachedImageInput: 0.25, imageOutput: 8, textOutput: 10 },
};

/** The usage of an image response, as the Foundry client returns it (camelCase of the wire fields). */
export interface UsageTokens {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
  readonly inputTokensDetails?: { readonly textTokens?: number; readonly imageTokens?: number; readonly cachedTokens?: number };
  readonly outputTokensDetails?: { readonly textTokens?: number; readonly imageTokens?: number };
}

export interface CostBreakdown {
  readonly usd: number;
  readonly tokens: {
    readonly textInput: number;
    readonly imageInput: number;
    readonly cachedInput: number;
    readonly imageOutput: number;
    readonly textOutput: number;
  };
}

const PER_TOKEN = 1 / 1_000_000;

/**
 * The cost of a request from the usage the service returned. Input tokens without a breakdown
 * count as text; output tokens without a breakdown count as image tokens (what an image model
 * produces). Cached tokens, when reported, are billed at the cached rates.
 */
export function costFromUsage(usage: UsageTokens, pricing: Pricing): CostBreakdown {
  const input = nonNegative(usage.inputTokens);
  const inDetails = usage.inputTokensDetails;
  const imageInput = nonNegative(inDetails?.imageTokens);
  const cachedInput = Math.min(nonNegative(inDetails?.cachedTokens), input);
  const textInput = inDetails?.textTokens !== undefined ? nonNegative(inDetails.textTokens) : Math.max(0, input - imageInput);
  const output = nonNegative(usage.outputTokens);
  const outDetails = usage.outputTokensDetails;
  const textOutput = nonNegative(outDetails?.textTokens);
  const imageOutput = outDetails?.imageTokens !== undefined ? nonNegative(outDetails.imageTokens) : Math.max(0, output - textOutput);

  // Cached tokens are part of the input counts: bill them once, at the cached rates, image first.
  const cachedImage = Math.min(cachedInput, imageInput);
  const cachedText = Math.min(cachedInput - cachedImage, textInput);
  const usd =
    ((textInput - cachedText) * pricing.textInput +
      cachedText * pricing.cachedTextInput +
      (imageInput - cachedImage) * pricing.imageInput +
      cachedImage * pricing.cachedImageInput +
      imageOutput * pricing.imageOutput +
      textOutput * pricing.textOutput) *
    PER_TOKEN;
  return { usd: roundUsd(usd), tokens: { textInput, imageInput, cachedInput, imageOutput, textOutput } };
}

export type { Quality } from './vocabulary';

/**
 * Output image tokens for one image, from the documented token model:
 * - gpt-image-1, 1.5 and 1-mini: Microsoft's table for their three sizes (AZ-DOC-OVERVIEW).
 * - gpt-image-2: no table is published; tokens scale with the pixel area from the 1024x1024
 *   figures implied by the reported per-image prices at $30 per 1M (about 200, 1,767 and 7,033).
 * `auto` quality is estimated as `high` (the service default), `medium` for gpt-image-1-mini.
 */
export function estimateOutputImageTokens(model: ModelFamily, size: Size | 'auto', quality: Quality): number {
  const q: Exclude<Quality, 'auto'> = quality === 'auto' ? (model === 'gpt-image-1-mini' ? 'medium' : 'high') : quality;
  const area = size === 'auto' ? 1024 * 1024 : size.width * size.height;
  if (model === 'gpt-image-2') {
    const square = { low: 200, medium: 1767, high: 7033 }[q];
    return Math.round((square * area) / (1024 * 1024));
  }
  const table = { low: [272, 408, 400], medium: [1056, 1584, 1568], high: [4160, 6240, 6208] }[q];
  if (size !== 'auto' && size.width === 1024 && size.height === 1536) return table[1];
  if (size !== 'auto' && size.width === 1536 && size.height === 1024) return table[2];
  if (size === 'auto' || (size.width === 1024 && size.height === 1024)) return table[0];
  return Math.round((table[0] * area) / (1024 * 1024));
}

/** Extra output tokens each streamed partial image adds (a third-party measurement). */
export const TOKENS_PER_PARTIAL_IMAGE = 100;

export interface EstimateInput {
  readonly model: ModelFamily;
  readonly size: Size | 'auto';
  readonly quality: Quality;
  readonly n: number;
  readonly promptChars: number;
  readonly partialImages?: number;
  /** Pixel areas of input images of an edit (the image, references and mask). */
  readonly inputImagePixels?: readonly number[];
}

/**
 * Estimated cost of one request before it is sent: prompt text at about four characters a token,
 * input images at one token per 1,024 pixels (an upper bound for high-fidelity input), and output
 * image tokens from `estimateOutputImageTokens`, for each of `n` images.
 */
export function estimateCost(input: EstimateInput, pricing: Pricing): CostBreakdown {
  const textInput = Math.ceil(input.promptChars / 4);
  const imageInput = (input.inputImagePixels ?? []).reduce((sum, px) => sum + Math.ceil(px / 1024), 0);
  const perImage = estimateOutputImageTokens(input.model, input.size, input.quality) + (input.partialImages ?? 0) * TOKENS_PER_PARTIAL_IMAGE;
  const imageOutput = perImage * Math.max(1, input.n);
  return costFromUsage(
    {
      inputTokens: textInput + imageInput,
      outputTokens: imageOutput,
      inputTokensDetails: { textTokens: textInput, imageTokens: imageInput },
      outputTokensDetails: { imageTokens: imageOutput, textTokens: 0 },
    },
    pricing,
  );
}

/** Merges user overrides (from settings) over the defaults, ignoring values that are not prices. */
export function resolvePricing(model: ModelFamily, overrides?: unknown): Pricing {
  const base = DEFAULT_PRICING[model];
  if (typeof overrides !== 'object' || overrides === null) return base;
  const perModel = (overrides as Record<string, unknown>)[model];
  if (typeof perModel !== 'object' || perModel === null) return base;
  const result: Record<string, number> = { ...base };
  for (const key of Object.keys(base)) {
    const value = (perModel as Record<string, unknown>)[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) result[key] = value;
  }
  return result as unknown as Pricing;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(usd < 1 ? 3 : 2)}`;
}

function nonNegative(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
