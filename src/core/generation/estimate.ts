/**
 * The cost estimate of prepared requests, the one every surface shows (the palette's variant
 * picker, the Studio, confirmations, batch estimates, agent tools): the documented token model of
 * pricing.ts, including the streamed previews' tokens, and the previews' default, picked so that
 * they cost at most about a tenth of the image. See docs/cost.md.
 */
import { readImageInfo } from '../foundry';
import { estimateCost, estimateOutputImageTokens, formatUsd, type Pricing, TOKENS_PER_PARTIAL_IMAGE } from '../pricing';
import type { ModelFamily, Size } from '../sizes/rules';
import { MAX_PARTIAL_IMAGES, type Quality } from '../vocabulary';
import { editInputs, type MockupRequest } from './request';

/** Previews may cost at most this fraction of the image they preview. */
export const PREVIEW_BUDGET = 0.1;
/** Input images whose size cannot be read from their header are counted as one megapixel. */
const UNKNOWN_INPUT_PIXELS = 1024 * 1024;

export interface RequestEstimate {
  /** The whole request: prompt, input images, output images and previews. */
  readonly usd: number;
  /** The share of the streamed previews' tokens in `usd`. */
  readonly previewsUsd: number;
  readonly images: number;
}

/**
 * How many streamed previews an image gets by default: as many as cost at most PREVIEW_BUDGET of
 * the image's own output tokens (each preview adds TOKENS_PER_PARTIAL_IMAGE), up to the service's
 * limit; none at low quality (about 200 tokens for 1024x1024 on gpt-image-2: one preview would add half).
 */
export function defaultPartialImages(model: ModelFamily, size: Size | 'auto', quality: Quality | undefined): number {
  if (quality === 'low') return 0;
  const imageTokens = estimateOutputImageTokens(model, size, quality ?? 'auto');
  return Math.max(0, Math.min(MAX_PARTIAL_IMAGES, Math.floor((PREVIEW_BUDGET * imageTokens) / TOKENS_PER_PARTIAL_IMAGE)));
}

export function estimateRequest(request: MockupRequest, model: ModelFamily, pricing: Pricing): RequestEstimate {
  const n = request.n ?? 1;
  const base = {
    model,
    size: request.plan.generation,
    quality: request.quality ?? 'auto',
    n,
    promptChars: request.promptSent.length,
    inputImagePixels: editInputs(request).map((input) => {
      const info = readImageInfo(input.bytes);
      return info ? info.width * info.height : UNKNOWN_INPUT_PIXELS;
    }),
  } as const;
  const usd = estimateCost({ ...base, partialImages: request.partialImages ?? 0 }, pricing).usd;
  const withoutPreviews = request.partialImages ? estimateCost(base, pricing).usd : usd;
  return { usd, previewsUsd: roundUsd(usd - withoutPreviews), images: n };
}

/** An estimate of several requests, and what stops them from being sent. */
export interface GenerationEstimate {
  /** Undefined when the requests cannot be sent: `missing` says why (never a misleading $0.00). */
  readonly usd?: number;
  readonly missing?: string;
  readonly previewsUsd: number;
  readonly requests: number;
  readonly images: number;
  /** Previews per image of the first request (they are the same for one quality and model unless sizes differ). */
  readonly previewsPerImage: number;
  /** One sentence for a confirmation or a status line: "4 images (2 sizes x 2 locales x 1 variant) at medium quality: about $0.123, previews $0.004." */
  readonly summary: string;
}

export interface EstimateShape {
  readonly sizes: number;
  readonly locales: number;
  readonly variants: number;
  readonly quality?: Quality;
}

export function estimateRequests(requests: readonly MockupRequest[], model: ModelFamily, pricing: Pricing, shape: EstimateShape, missing?: string): GenerationEstimate {
  const each = requests.map((r) => estimateRequest(r, model, pricing));
  const usd = roundUsd(each.reduce((sum, e) => sum + e.usd, 0));
  const previewsUsd = roundUsd(each.reduce((sum, e) => sum + e.previewsUsd, 0));
  const images = each.reduce((sum, e) => sum + e.images, 0);
  const previewsPerImage = requests[0]?.partialImages ?? 0;
  const blocked = missing ?? (requests.length === 0 ? 'nothing to generate: add a size' : undefined);
  const what = describeShape(images, shape);
  const summary = blocked
    ? `Cannot estimate: ${blocked}.`.replace(/\.\.$/, '.')
    : `${what}: about ${formatUsd(usd)}${previewsUsd > 0 ? `, of which ${formatUsd(previewsUsd)} for ${previewsPerImage} preview(s) per image` : ''}.`;
  return {
    ...(blocked ? { missing: blocked } : { usd }),
    previewsUsd,
    requests: requests.length,
    images,
    previewsPerImage,
    summary,
  };
}

function describeShape(images: number, shape: EstimateShape): string {
  const parts = [`${shape.sizes} size(s)`];
  if (shape.locales > 1) parts.push(`${shape.locales} locales`);
  parts.push(`${shape.variants} variant(s)`);
  return `${images} image(s) (${parts.join(' x ')}) at ${shape.quality ?? 'auto'} quality`;
}

function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
