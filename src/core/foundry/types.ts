/**
 * Public types of the Foundry image client. Field names are camelCase here and snake_case on the
 * wire; the mapping lives in client.ts. Sources: docs/foundry-image-api.md.
 */
import type { ModelFamily } from '../sizes/rules';
import type { RateLimitInfo } from './errors';

export type { ModelFamily } from '../sizes/rules';

/** `v1`: `{endpoint}/openai/v1/images/...`, deployment sent as `model`. `dated`: `{endpoint}/openai/deployments/{deployment}/images/...?api-version=`. */
export type ApiMode = 'v1' | 'dated';
export type OutputFormat = 'png' | 'jpeg' | 'webp';
export type { Background, InputFidelity, Moderation, Quality } from '../vocabulary';
import type { Background, InputFidelity, Moderation, Quality } from '../vocabulary';
export type ImageContentType = 'image/png' | 'image/jpeg' | 'image/webp';

/** An API key (`api-key` header) or an Entra ID token provider (`Authorization: Bearer`), never both. */
export type FoundryAuth =
  | { readonly kind: 'apiKey'; readonly apiKey: string }
  | { readonly kind: 'token'; getToken(signal?: AbortSignal): Promise<string> };

/** Structurally compatible with VS Code's LogOutputChannel and with `console`. Never receives secrets. */
export interface FoundryLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface FoundryClientOptions {
  /** Any `https://` host (`*.openai.azure.com`, `*.cognitiveservices.azure.com`, `*.services.ai.azure.com`); `http://` only for loopback. */
  readonly endpoint: string;
  readonly deployment: string;
  readonly model: ModelFamily;
  readonly apiMode: ApiMode;
  /** Dated form only; default `2025-04-01-preview`. On the v1 form, sent as `?api-version=` when given (`v1` or `preview`). */
  readonly apiVersion?: string;
  readonly auth: FoundryAuth;
  /** Per attempt, including reading a streamed body. Default 300 000 ms. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt for 408/409/429/5xx and network errors. Default 3. */
  readonly maxRetries?: number;
  /** Upper bound of any single wait between attempts, including a service-requested one. Default 60 000 ms. */
  readonly retryCapMs?: number;
  /** First backoff step when the service names no wait; doubles per retry, with jitter. Default 500 ms. */
  readonly retryBaseMs?: number;
  /** Allow `webp` output and inputs. Foundry's docs say webp is not supported; its v1 spec lists it. Default false. */
  readonly allowWebp?: boolean;
  readonly logger?: FoundryLogger;
}

export interface GenerateRequest {
  readonly prompt: string;
  /** `WIDTHxHEIGHT` or `auto`. */
  readonly size?: string;
  readonly n?: number;
  readonly quality?: Quality;
  readonly outputFormat?: OutputFormat;
  /** 0 to 100, only with jpeg (or webp when allowed). */
  readonly outputCompression?: number;
  readonly background?: Background;
  /** v1 form only. */
  readonly moderation?: Moderation;
  /** 1 to 3 streams the request; each partial image reaches `onPartialImage`. 0 or absent: no streaming. */
  readonly partialImages?: number;
  readonly user?: string;
  /**
   * Further body fields passed through unchanged (for service features the client does not model
   * yet, such as Foundry routing options). A key that is also a modelled field overrides it, with a warning.
   */
  readonly extraBody?: Readonly<Record<string, unknown>>;
}

export interface ImageInput {
  readonly bytes: Uint8Array;
  /** File name sent in the multipart part; default `image-N.png|jpg`. */
  readonly name?: string;
  /** Sniffed from the bytes when absent; must match the bytes when given. */
  readonly contentType?: ImageContentType;
}

export interface EditRequest extends Omit<GenerateRequest, 'moderation'> {
  /** 1 to 16 png/jpeg images, each under 50 MB. One is sent as `image`, several as repeated `image[]`. */
  readonly images: readonly ImageInput[];
  /** PNG with an alpha channel, under 4 MB, the size of the first image; transparent pixels mark the area to edit. */
  readonly mask?: ImageInput;
  /** gpt-image-1 and gpt-image-1.5 only. */
  readonly inputFidelity?: InputFidelity;
}

export interface PartialImage {
  /** 0-based partial index within the image being generated. */
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly format: OutputFormat;
  readonly size?: string;
}

export interface CallOptions {
  /** Aborts the request; the call then rejects with a `cancelled` FoundryError and returns nothing. */
  readonly signal?: AbortSignal;
  readonly onPartialImage?: (partial: PartialImage) => void;
  /** Each time a request actually goes out (the first and every retry): callers count what is sent. */
  readonly onRequest?: (info: { readonly attempt: number; readonly maxAttempts: number }) => void;
  /** Told before each wait between attempts, so that a surface can say why it is waiting and for how long. */
  readonly onRetry?: (notice: RetryNotice) => void;
}

/** The client is about to wait `waitMs` and then make attempt `attempt` of at most `maxAttempts`. */
export interface RetryNotice {
  /** The failure kind that is retried (`rateLimited`, `network`, `unavailable`, `invalidResponse`...). */
  readonly kind: string;
  readonly status?: number;
  readonly waitMs: number;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly requestId?: string;
}

export interface ImageUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
  readonly inputTokensDetails?: { readonly textTokens: number; readonly imageTokens: number };
  readonly outputTokensDetails?: { readonly imageTokens: number; readonly textTokens: number };
}

/** Foundry's content-filter annotations, as the service sent them (absent for gpt-image-1). */
export interface ContentFilterAnnotations {
  readonly contentFilterResults?: Readonly<Record<string, unknown>>;
  readonly promptFilterResults?: Readonly<Record<string, unknown>>;
}

export interface GeneratedImage {
  readonly bytes: Uint8Array;
  readonly format: OutputFormat;
  /** Pixel size read from the image bytes. */
  readonly width?: number;
  readonly height?: number;
  readonly revisedPrompt?: string;
  readonly contentFilter?: ContentFilterAnnotations;
}

export interface ImageResult {
  readonly images: GeneratedImage[];
  /** `WxH` as the service reported it, else as read from the first image. */
  readonly size?: string;
  readonly quality?: string;
  readonly background?: string;
  readonly usage?: ImageUsage;
  /** `apim-request-id`, else `x-request-id`. */
  readonly requestId?: string;
  /** The `x-ms-client-request-id` this client sent (the same on every attempt). */
  readonly clientRequestId: string;
  readonly durationMs: number;
  /** Requests sent for this result: 1 + retries. */
  readonly attempts: number;
  /** The deployment's pace as the answer's x-ratelimit-* headers stated it. */
  readonly rateLimit?: RateLimitInfo;
  readonly created?: number;
  /** Things worth telling the user that did not stop the request (prompt length, experimental size, ...). */
  readonly warnings: string[];
}

export interface FoundryClient {
  readonly options: Readonly<Omit<FoundryClientOptions, 'auth'>> & { readonly authKind: FoundryAuth['kind'] };
  generate(request: GenerateRequest, options?: CallOptions): Promise<ImageResult>;
  edit(request: EditRequest, options?: CallOptions): Promise<ImageResult>;
  /**
   * `value` (text, or plain data such as a report) with this client's key and tokens, and anything
   * shaped like a token, replaced by ***: for output built from what the service sent.
   */
  redact<T>(value: T): T;
}
