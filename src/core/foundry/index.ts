/** The Foundry image client: the public API other modules import. */
export {
  createFoundryClient,
  normalizeEndpoint,
  DEFAULT_DATED_API_VERSION,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_BASE_MS,
  DEFAULT_RETRY_CAP_MS,
  DEFAULT_TIMEOUT_MS,
} from './client';
export {
  FoundryError,
  isFoundryError,
  classifyHttpError,
  retryAfterFromHeaders,
  requestIdFromHeaders,
  rateLimitFromHeaders,
  type RateLimitInfo,
  type FoundryErrorKind,
  type FoundryErrorInit,
  type ValidationProblem,
  type ErrorContext,
} from './errors';
export {
  checkGenerateRequest,
  checkEditRequest,
  readImageInfo,
  sniffContentType,
  supportsInputFidelity,
  PROMPT_MAX_CHARS,
  PROMPT_WARN_CHARS,
  MAX_INPUT_IMAGES,
  MAX_INPUT_IMAGE_BYTES,
  MAX_MASK_BYTES,
  MAX_N,
  MAX_PARTIAL_IMAGES,
  type ImageInfo,
  type ValidationContext,
  type ValidationReport,
} from './validation';
export { Redactor, REDACTED } from './redact';
export { retryClass, isRetryable, isFatalForRun, backoffMs, rateLimitWaitMs, type RetryClass, type BackoffOptions, type RateLimitWaitInput } from './retry';
export type * from './types';
