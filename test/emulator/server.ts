/**
 * The Foundry emulator: a real HTTP server on 127.0.0.1 that speaks the Azure OpenAI / Foundry image
 * contract (docs/foundry-image-api.md) for tests, benchmarks and the offline demo.
 * Both API forms, generations and edits, JSON and multipart, SSE streaming, the service's error
 * shapes, per-model rules (sizes from src/core/sizes/rules.ts), faults on demand and a quota mode.
 *
 * Faults come from three places, each consumed by the request it applies to (README.md lists them):
 * `inject()` (tests), `--fault SPEC` on the command line (main.ts), and a magic token
 * `[fault:SPEC]` in a prompt (demos and manual testing: every request with that prompt gets it,
 * or only the first N with `[fault:SPEC xN]`). SPEC is `name[:argument]`, parsed by parseFaultSpec.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import sharp from 'sharp';
import { FIXED_SIZES, formatSize, isModelFamily, parseSize, sizeProblem, type ModelFamily, type Size } from '../../src/core/sizes/rules';
import { renderWireframe } from './render';

export type SafetyShape =
  /** Azure images: `contentFilter`, "Your task failed as a result of our safety system." */
  | 'promptBlocked'
  /** Azure images: `contentFilter`, "Generated image was filtered as a result of our safety system." */
  | 'outputFiltered'
  /** Observed on Azure images: `content_policy_violation` with inner_error ResponsibleAIPolicyViolation. */
  | 'contentPolicyViolation'
  /** Observed on gpt-image-2: `moderation_blocked`, type image_generation_user_error, safety_violations=[...]. */
  | 'moderationBlocked'
  /** Azure's generic content filter: `content_filter` with innererror ResponsibleAIPolicyViolation. */
  | 'contentFilter';

export const SAFETY_SHAPES: readonly SafetyShape[] = ['promptBlocked', 'outputFiltered', 'contentPolicyViolation', 'moderationBlocked', 'contentFilter'];

type FaultTarget = { readonly operation?: 'generations' | 'edits' };

export type EmulatorFault = FaultTarget &
  (
    | { readonly type: 'rateLimit'; readonly retryAfterMs?: number; readonly retryAfterSeconds?: number | string }
    | { readonly type: 'status'; readonly status: number; readonly code?: string; readonly message?: string; readonly headers?: Readonly<Record<string, string>> }
    | { readonly type: 'delay'; readonly ms: number }
    | { readonly type: 'reset' }
    | { readonly type: 'malformedJson' }
    | { readonly type: 'safety'; readonly shape: SafetyShape }
    | { readonly type: 'forbidden'; readonly reason: 'role' | 'blocked' }
    | { readonly type: 'unauthorized' }
    | { readonly type: 'streamError'; readonly afterPartials?: number; readonly code?: string; readonly message?: string }
    /** A 200 whose image data is not base64 (characters outside the alphabet, cut mid-group). */
    | { readonly type: 'badBase64' }
    /** A 200 whose image data is valid base64 of bytes that are not an image (an HTML error page). */
    | { readonly type: 'notImage' }
    /** A 200 whose image is cut short: valid base64 of the first `fraction` (default 0.5) of the image's bytes. */
    | { readonly type: 'truncatedImage'; readonly fraction?: number }
    /** The answer (200, or `status`) echoes the api-key the client sent in its request-id and other headers. */
    | { readonly type: 'echoKey'; readonly status?: number }
    /** A 200 whose image is a complete JPEG that image processing cannot decode (12-bit precision). */
    | { readonly type: 'undecodableImage' }
  );

/** Every fault type, for help texts and the spec parser. */
export const FAULT_TYPES = ['rateLimit', 'status', 'delay', 'reset', 'malformedJson', 'safety', 'forbidden', 'unauthorized', 'streamError', 'badBase64', 'notImage', 'truncatedImage', 'echoKey', 'undecodableImage'] as const;

/**
 * Parses a fault spec `name[:argument]`: `rateLimit` (no retry header) or `rateLimit:2000` (retry-after-ms),
 * `status:503`, `delay:1500`, `reset`, `malformedJson`, `safety:moderationBlocked`, `forbidden:role|blocked`,
 * `unauthorized`, `streamError[:afterPartials]`, `badBase64`, `notImage`, `truncatedImage[:fraction]`,
 * `echoKey[:status]`, `undecodableImage`. Throws an Error naming what is wrong.
 */
export function parseFaultSpec(spec: string): EmulatorFault {
  const match = /^\s*([A-Za-z][A-Za-z0-9]*)(?::([^\s]*))?\s*$/.exec(spec);
  const name = match?.[1];
  const argument = match?.[2];
  const number = (what: string): number => {
    const value = Number(argument);
    if (argument === undefined || argument === '' || !Number.isFinite(value) || value < 0) throw new Error(`fault "${spec}": ${what} must be a number >= 0`);
    return value;
  };
  switch (name) {
    case 'rateLimit':
      return argument ? { type: 'rateLimit', retryAfterMs: number('the wait (ms)') } : { type: 'rateLimit' };
    case 'status':
      return { type: 'status', status: number('the HTTP status') };
    case 'delay':
      return { type: 'delay', ms: number('the delay (ms)') };
    case 'safety': {
      const shape = (argument || 'promptBlocked') as SafetyShape;
      if (!SAFETY_SHAPES.includes(shape)) throw new Error(`fault "${spec}": use one of ${SAFETY_SHAPES.join(', ')}`);
      return { type: 'safety', shape };
    }
    case 'forbidden':
      if (argument && argument !== 'role' && argument !== 'blocked') throw new Error(`fault "${spec}": use forbidden:role or forbidden:blocked`);
      return { type: 'forbidden', reason: argument === 'blocked' ? 'blocked' : 'role' };
    case 'streamError':
      return argument ? { type: 'streamError', afterPartials: number('afterPartials') } : { type: 'streamError' };
    case 'truncatedImage':
      return argument ? { type: 'truncatedImage', fraction: Math.min(0.99, number('the fraction kept')) } : { type: 'truncatedImage' };
    case 'echoKey':
      return argument ? { type: 'echoKey', status: number('the HTTP status') } : { type: 'echoKey' };
    case 'reset':
    case 'malformedJson':
    case 'unauthorized':
    case 'badBase64':
    case 'notImage':
    case 'undecodableImage':
      if (argument) throw new Error(`fault "${spec}": ${name} takes no argument`);
      return { type: name };
    default:
      throw new Error(`unknown fault "${spec}": use one of ${FAULT_TYPES.join(', ')} (see docs/emulator.md)`);
  }
}

/** `[fault:SPEC]` or `[fault:SPEC xN]` in a prompt. */
const MAGIC_FAULT = /\[fault:([^\]\s]+)(?:\s+x(\d+))?\]/;

export interface EmulatorOptions {
  /** 0 (default): a random free port. */
  readonly port?: number;
  readonly apiKey?: string;
  readonly token?: string;
  /** Deployment name to model family. Default `{ 'gpt-image-2': 'gpt-image-2' }`. */
  readonly deployments?: Readonly<Record<string, ModelFamily>>;
  /** Images per window; 429 with a correct retry-after when exceeded. */
  readonly quota?: { readonly images: number; readonly windowMs: number };
  /** The clock the quota window runs on (ms); default Date.now. Tests pass one they move themselves. */
  readonly now?: () => number;
  /** Added to every request (for demos). Default 0. */
  readonly latencyMs?: number;
  /** Pause between streamed events (for demos). Default 0. */
  readonly streamIntervalMs?: number;
  /** Faults queued from the start (the command line's --fault). */
  readonly faults?: readonly EmulatorFault[];
}

export interface RecordedFile {
  readonly field: string;
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  /** Request headers; `api-key` and `authorization` values are replaced by `<redacted>`. */
  readonly headers: Record<string, string>;
  readonly auth: 'apiKey' | 'bearer' | 'none';
  readonly authValid: boolean;
  readonly api?: 'v1' | 'dated';
  readonly operation?: 'generations' | 'edits';
  readonly deployment?: string;
  readonly contentType?: string;
  /** JSON body, or the multipart form fields (repeated fields as arrays). */
  body?: Record<string, unknown>;
  files: RecordedFile[];
  status?: number;
  fault?: EmulatorFault['type'];
  readonly receivedAt: number;
}

export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly port: number;
  readonly apiKey: string;
  readonly token: string;
  /** The first configured deployment. */
  readonly deployment: string;
  /** Its model family. */
  readonly model: ModelFamily;
  readonly deployments: Readonly<Record<string, ModelFamily>>;
  readonly requests: RecordedRequest[];
  /** Queues faults; each is consumed by the next request it matches. */
  inject(fault: EmulatorFault | readonly EmulatorFault[]): void;
  /** Pending faults, in order. */
  readonly pendingFaults: readonly EmulatorFault[];
  /** Clears recorded requests, pending faults and the quota window. */
  reset(): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

function invalid(message: string, param: string | null, code = 'invalid_value'): HttpError {
  return new HttpError(400, { error: { code, message, param, type: 'invalid_request_error' } });
}

const SUPPORTED_DATED_VERSIONS = /^(2025-0[4-9]|2025-1\d|202[6-9]-\d\d)-\d\d(-preview)?$/;
const MAX_BODY_BYTES = 16 * 50 * 1024 * 1024 + 1024 * 1024;
const TOKENS_PER_MEGAPIXEL: Record<'1' | '2', Record<'low' | 'medium' | 'high', number>> = {
  // gpt-image-1 family: 272 / 1056 / 4160 tokens for 1024x1024 (foundry-image-api.md §8).
  '1': { low: 272, medium: 1056, high: 4160 },
  // gpt-image-2: about 200 / 1767 / 7033 for 1024x1024, implied by reported prices (§8).
  '2': { low: 200, medium: 1767, high: 7033 },
};

interface ParsedRequest {
  readonly fields: Record<string, unknown>;
  readonly files: RecordedFile[];
}

interface ResolvedRequest {
  readonly operation: 'generations' | 'edits';
  readonly model: ModelFamily;
  readonly prompt: string;
  readonly n: number;
  readonly size: Size;
  readonly quality: 'low' | 'medium' | 'high';
  readonly format: 'png' | 'jpeg';
  readonly background: 'transparent' | 'opaque';
  readonly compression?: number;
  readonly stream: boolean;
  readonly partialImages: number;
  readonly inputImages: ReadonlyArray<{ width: number; height: number }>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const apiKey = options.apiKey ?? `emu-key-${randomUUID()}`;
  const token = options.token ?? `emu-token-${randomUUID()}`;
  const deployments: Record<string, ModelFamily> = { ...(options.deployments ?? { 'gpt-image-2': 'gpt-image-2' }) };
  const names = Object.keys(deployments);
  if (names.length === 0 || !names.every((name) => isModelFamily(deployments[name]))) {
    throw new Error('emulator: deployments must map names to gpt-image model families');
  }
  const requests: RecordedRequest[] = [];
  let faults: EmulatorFault[] = [...(options.faults ?? [])];
  /** Requests served per magic-prompt fault, for `[fault:SPEC xN]`. */
  const magicCounts = new Map<string, number>();
  let quotaWindow = { start: 0, used: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const imageCache = new Map<string, Buffer>();
  let closed = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closed) {
        resolve();
        return;
      }
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  const render = async (width: number, height: number, format: 'png' | 'jpeg', transparent: boolean, prompt: string, compression?: number, progress = 1): Promise<Buffer> => {
    const key = JSON.stringify([width, height, format, transparent, prompt, compression, progress]);
    const cached = imageCache.get(key);
    if (cached) return cached;
    const bytes = await renderWireframe({ width, height, format, transparent, prompt, ...(compression !== undefined ? { compression } : {}), progress });
    imageCache.set(key, bytes);
    if (imageCache.size > 32) imageCache.delete(imageCache.keys().next().value as string);
    return bytes;
  };

  function takeFault(operation: 'generations' | 'edits' | undefined): EmulatorFault | undefined {
    const index = faults.findIndex((f) => f.operation === undefined || f.operation === operation);
    if (index < 0) return undefined;
    const [fault] = faults.splice(index, 1);
    return fault;
  }

  /** The fault a magic `[fault:SPEC]` token in the prompt asks for, if any (an invalid spec is a 400). */
  function magicFault(prompt: unknown): EmulatorFault | undefined {
    const match = typeof prompt === 'string' ? MAGIC_FAULT.exec(prompt) : null;
    if (!match) return undefined;
    let fault: EmulatorFault;
    try {
      fault = parseFaultSpec(match[1]);
    } catch (error) {
      throw invalid(`emulator: ${error instanceof Error ? error.message : String(error)}`, 'prompt');
    }
    if (match[2] !== undefined) {
      const key = `${match[1]}\u0000${prompt as string}`;
      const served = magicCounts.get(key) ?? 0;
      if (served >= Number(match[2])) return undefined;
      magicCounts.set(key, served + 1);
    }
    return fault;
  }

  /** What the quota looks like in Azure's x-ratelimit-* headers (the limit per minute). */
  function rateLimitHeaders(): Record<string, string> {
    const quota = options.quota;
    if (!quota) return {};
    const perMinute = Math.max(1, Math.round((quota.images * 60_000) / quota.windowMs));
    return { 'x-ratelimit-limit-requests': String(perMinute), 'x-ratelimit-remaining-requests': String(Math.max(0, quota.images - quotaWindow.used)) };
  }

  function checkQuota(images: number): HttpError | undefined {
    const quota = options.quota;
    if (!quota) return undefined;
    const now = (options.now ?? Date.now)();
    if (now >= quotaWindow.start + quota.windowMs) quotaWindow = { start: now, used: 0 };
    if (quotaWindow.used + images <= quota.images) {
      quotaWindow.used += images;
      return undefined;
    }
    const remainingMs = Math.max(1, quotaWindow.start + quota.windowMs - now);
    return new HttpError(
      429,
      { error: { code: '429', message: `Requests to the Images operation have exceeded the rate limit of ${quota.images} images per ${quota.windowMs} ms. Please retry after ${Math.ceil(remainingMs / 1000)} seconds.` } },
      {
        'retry-after': String(Math.ceil(remainingMs / 1000)),
        'retry-after-ms': String(remainingMs),
        'x-ratelimit-limit-requests': String(Math.max(1, Math.round((quota.images * 60_000) / quota.windowMs))),
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': `${Math.ceil(remainingMs / 1000)}s`,
      },
    );
  }

  function faultError(fault: EmulatorFault, record: RecordedRequest): HttpError | undefined {
    switch (fault.type) {
      case 'rateLimit': {
        const headers: Record<string, string> = {};
        if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
        if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
        if (Object.keys(headers).length === 0) {
          return new HttpError(429, { error: { code: 'EngineOverloaded', message: 'We are currently servicing too many requests at the moment. Please wait and try again later.' } });
        }
        return new HttpError(429, { error: { code: '429', message: 'Requests to the Images operation have exceeded call rate limit of your current pricing tier. Please retry after the time in the retry-after header.' } }, headers);
      }
      case 'status':
        return new HttpError(
          fault.status,
          { error: { code: fault.code ?? String(fault.status), message: fault.message ?? (fault.status === 503 ? 'The service is temporarily unable to process your request. Please try again later.' : 'The server had an error while processing your request.') } },
          { ...fault.headers },
        );
      case 'safety':
        return new HttpError(400, safetyBody(fault.shape));
      case 'forbidden':
        return fault.reason === 'role'
          ? new HttpError(403, { error: { code: 'PermissionDenied', message: `The principal \`00000000-0000-0000-0000-000000000000\` lacks the required data action \`Microsoft.CognitiveServices/accounts/OpenAI/deployments/images/action\` to perform \`POST ${record.path}\` operation.` } })
          : new HttpError(403, { error: { code: 'Forbidden', message: 'Your resource has been temporarily blocked because we detected behavior that may violate our content policy.' } });
      case 'unauthorized':
        return unauthorized();
      default:
        return undefined;
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      headers[name] = name === 'api-key' || name === 'authorization' ? '<redacted>' : Array.isArray(value) ? value.join(', ') : value;
    }
    const presentedKey = req.headers['api-key'];
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const authKind = presentedKey !== undefined ? 'apiKey' : bearer !== undefined ? 'bearer' : 'none';
    const authValid = (presentedKey !== undefined && presentedKey === apiKey) || (presentedKey === undefined && bearer !== undefined && bearer === token);

    const v1 = /^\/openai\/v1\/images\/(generations|edits)$/.exec(url.pathname);
    const dated = /^\/openai\/deployments\/([^/]+)\/images\/(generations|edits)$/.exec(url.pathname);
    const operation = (v1?.[1] ?? dated?.[2]) as 'generations' | 'edits' | undefined;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      auth: authKind,
      authValid,
      ...(v1 ? { api: 'v1' as const } : dated ? { api: 'dated' as const } : {}),
      ...(operation ? { operation } : {}),
      ...(dated ? { deployment: decodeURIComponent(dated[1]) } : {}),
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      files: [],
      receivedAt: Date.now(),
    };
    requests.push(record);

    const raw = await readBody(req);
    if (options.latencyMs) await wait(options.latencyMs);
    const requestId = randomUUID();
    const common: Record<string, string> = { 'apim-request-id': requestId, 'x-request-id': requestId, 'x-ms-region': 'emulator' };
    const send = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      record.status = status;
      if (res.destroyed) return;
      const text = JSON.stringify(body);
      res.writeHead(status, { ...common, ...extra, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };

    try {
      if (!operation || req.method !== 'POST') throw new HttpError(404, { error: { code: '404', message: 'Resource not found' } });
      let fault = takeFault(operation);
      if (fault) record.fault = fault.type;
      if (fault?.type === 'delay') {
        await wait(fault.ms);
        fault = undefined;
      }
      if (!authValid) throw authKind === 'bearer' ? unauthorized('token') : unauthorized();
      /** A broken proxy or service echoing the credential it was sent, where a client reads ids from. */
      const echoKey = (echo: EmulatorFault | undefined): void => {
        if (echo?.type !== 'echoKey') return;
        const echoed = typeof presentedKey === 'string' ? presentedKey : (bearer ?? '');
        common['apim-request-id'] = `${requestId} ${echoed}`;
        common['x-request-id'] = echoed;
        common['x-echo-api-key'] = echoed;
        if (echo.status !== undefined && echo.status !== 200) {
          throw new HttpError(echo.status, { error: { code: String(echo.status), message: `The server had an error while processing your request (key ${echoed}).` } });
        }
      };
      echoKey(fault);
      const early = fault ? faultError(fault, record) : undefined;
      if (early) throw early;

      // Route and api-version.
      if (dated) {
        const version = url.searchParams.get('api-version');
        if (!version) throw new HttpError(404, { error: { code: '404', message: 'Resource not found: the api-version query parameter is required on /openai/deployments/... paths.' } });
        if (!SUPPORTED_DATED_VERSIONS.test(version)) {
          throw new HttpError(404, { error: { code: '404', message: `Resource not found: api-version ${version} does not support image generation with gpt-image models (use 2025-04-01-preview or later).` } });
        }
      } else {
        const version = url.searchParams.get('api-version');
        if (version !== null && version !== 'v1' && version !== 'preview') {
          throw invalid(`api-version ${version} is not supported on /openai/v1 (use v1 or preview, or leave it out).`, 'api-version', 'invalid_api_version');
        }
      }

      const parsed = await parseRequest(operation, req.headers['content-type'] ?? '', raw);
      record.body = parsed.fields;
      record.files = parsed.files;
      if (!fault) {
        fault = magicFault(parsed.fields['prompt']);
        if (fault) record.fault = fault.type;
        if (fault?.type === 'delay') {
          await wait(fault.ms);
          fault = undefined;
        }
        echoKey(fault);
        const magic = fault ? faultError(fault, record) : undefined;
        if (magic) throw magic;
      }
      const deployment = dated ? decodeURIComponent(dated[1]) : parsed.fields['model'];
      if (v1 && (typeof deployment !== 'string' || deployment === '')) throw invalid("Missing required parameter: 'model' (the deployment name).", 'model', 'missing_required_parameter');
      const model = typeof deployment === 'string' ? deployments[deployment] : undefined;
      if (!model) {
        throw new HttpError(404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } });
      }
      const resolved = await resolveRequest(operation, model, v1 ? 'v1' : 'dated', parsed);
      const quotaError = checkQuota(resolved.n);
      if (quotaError) throw quotaError;
      Object.assign(common, rateLimitHeaders());
      if (resolved.stream) {
        await respondStream(res, record, resolved, common, fault);
        return;
      }
      const body = await responseBody(resolved);
      const [first] = body['data'] as Array<{ b64_json: string }>;
      if (first) first.b64_json = await damagedImage(first.b64_json, fault);
      if (fault?.type === 'malformedJson') {
        record.status = 200;
        const text = JSON.stringify(body).slice(0, 200) + '{"truncated';
        res.writeHead(200, { ...common, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      if (fault?.type === 'reset') {
        record.status = 200;
        const text = JSON.stringify(body);
        res.writeHead(200, { ...common, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        setImmediate(() => req.socket.destroy());
        return;
      }
      send(200, body);
    } catch (error) {
      if (error instanceof HttpError) send(error.status, error.body, error.headers);
      else send(500, { error: { code: 'InternalServerError', message: `emulator: ${error instanceof Error ? error.message : String(error)}` } });
    }
  }

  async function resolveRequest(operation: 'generations' | 'edits', model: ModelFamily, api: 'v1' | 'dated', parsed: ParsedRequest): Promise<ResolvedRequest> {
    const f = parsed.fields;
    const form = operation === 'edits';
    const prompt = f['prompt'];
    if (typeof prompt !== 'string' || prompt.length === 0) throw invalid("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter');
    if ([...prompt].length > 32_000) throw invalid(`Invalid 'prompt': string too long. Expected a string with maximum length 32000, but got a string with length ${[...prompt].length} instead.`, 'prompt', 'string_above_max_length');

    const integer = (name: string, min: number, max: number, fallback: number): number => {
      const value = f[name];
      if (value === undefined) return fallback;
      const number = form && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
        throw invalid(`Invalid '${name}': expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}.`, name);
      }
      return number;
    };
    const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
      const value = f[name];
      if (value === undefined) return fallback;
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        throw invalid(`Invalid value: ${JSON.stringify(value)}. Supported values for '${name}' are: ${allowed.map((a) => `'${a}'`).join(', ')}.`, name);
      }
      return value as T;
    };

    const n = integer('n', 1, 10, 1);
    const quality = choice('quality', ['low', 'medium', 'high', 'auto'] as const, 'auto');
    const format = choice('output_format', ['png', 'jpeg'] as const, 'png');
    const background = choice('background', ['transparent', 'opaque', 'auto'] as const, 'auto');
    if (f['output_compression'] !== undefined && format !== 'jpeg') {
      throw invalid("'output_compression' is only supported with output_format 'jpeg'.", 'output_compression');
    }
    const compression = f['output_compression'] === undefined ? undefined : integer('output_compression', 0, 100, 100);
    if (background === 'transparent' && format !== 'png') throw invalid("A transparent background requires output_format 'png'.", 'background');
    if (f['moderation'] !== undefined) {
      if (api === 'dated' || form) throw invalid("Unrecognized request argument supplied: moderation", 'moderation', 'unknown_parameter');
      choice('moderation', ['auto', 'low'] as const, 'auto');
    }
    const streamValue = f['stream'];
    const stream = streamValue === true || streamValue === 'true';
    if (streamValue !== undefined && !(typeof streamValue === 'boolean' || streamValue === 'true' || streamValue === 'false')) {
      throw invalid(`Invalid 'stream': expected a boolean, got ${JSON.stringify(streamValue)}.`, 'stream');
    }
    const partialImages = f['partial_images'] === null ? 0 : integer('partial_images', 0, 3, 0);
    if (f['response_format'] !== undefined) throw invalid("Unrecognized request argument supplied: response_format (GPT image models always return b64_json).", 'response_format', 'unknown_parameter');
    if (f['input_fidelity'] !== undefined) {
      if (!form) throw invalid('Unrecognized request argument supplied: input_fidelity', 'input_fidelity', 'unknown_parameter');
      if (model === 'gpt-image-2' || model === 'gpt-image-1-mini') throw invalid(`input_fidelity is not supported for ${model}.`, 'input_fidelity', 'unsupported_parameter');
      choice('input_fidelity', ['low', 'high'] as const, 'low');
    }

    // Edit inputs.
    const inputImages: Array<{ width: number; height: number }> = [];
    if (form) {
      const images = parsed.files.filter((file) => file.field === 'image' || file.field === 'image[]');
      if (images.length === 0) throw invalid("Missing required parameter: 'image'.", 'image', 'missing_required_parameter');
      if (images.length > 16) throw invalid(`Invalid 'image': expected at most 16 images, got ${images.length}.`, 'image', 'array_above_max_length');
      for (const image of images) {
        if (image.contentType !== 'image/png' && image.contentType !== 'image/jpeg') {
          throw invalid(`Invalid file '${image.field}': unsupported mimetype ('${image.contentType}'). Supported file formats are 'image/jpeg' and 'image/png'.`, image.field, 'unsupported_file');
        }
        if (image.bytes.length >= 50 * 1024 * 1024) throw invalid(`Invalid file '${image.field}': must be less than 50MB.`, image.field, 'file_too_large');
        inputImages.push(await dimensions(image, image.field));
      }
      const mask = parsed.files.find((file) => file.field === 'mask');
      if (mask) {
        if (mask.contentType !== 'image/png') throw invalid(`Invalid file 'mask': must be a PNG file (got '${mask.contentType}').`, 'mask', 'unsupported_file');
        if (mask.bytes.length >= 4 * 1024 * 1024) throw invalid("Invalid file 'mask': must be less than 4MB.", 'mask', 'file_too_large');
        const meta = await sharp(mask.bytes).metadata().catch(() => undefined);
        if (!meta?.width || !meta.height) throw invalid("Invalid file 'mask': not a decodable image.", 'mask', 'invalid_image');
        if (!meta.hasAlpha) throw invalid("Invalid file 'mask': the mask must have an alpha channel.", 'mask', 'invalid_image');
        const first = inputImages[0];
        if (meta.width !== first.width || meta.height !== first.height) {
          throw invalid(`Invalid file 'mask': the mask (${meta.width}x${meta.height}) must have the same dimensions as the image (${first.width}x${first.height}).`, 'mask', 'invalid_image');
        }
      }
    }

    const sizeText = f['size'] === undefined ? 'auto' : f['size'];
    const parsedSize = typeof sizeText === 'string' ? parseSize(sizeText) : undefined;
    if (parsedSize === undefined || (typeof sizeText === 'string' && sizeText !== sizeText.trim().toLowerCase())) {
      throw invalid(`Invalid 'size': ${JSON.stringify(sizeText)} is not WIDTHxHEIGHT or 'auto'.`, 'size');
    }
    let size: Size;
    if (parsedSize === 'auto') {
      size = autoSize(model, prompt, inputImages[0]);
    } else {
      const problem = sizeProblem(model, parsedSize);
      if (problem) throw invalid(`Invalid 'size': ${problem}`, 'size');
      size = parsedSize;
    }
    const resolvedQuality = quality === 'auto' ? (model === 'gpt-image-1-mini' ? 'medium' : 'high') : quality;
    return {
      operation,
      model,
      prompt,
      n,
      size,
      quality: resolvedQuality,
      format,
      background: background === 'transparent' ? 'transparent' : 'opaque',
      ...(compression !== undefined ? { compression } : {}),
      stream,
      partialImages: stream ? partialImages : 0,
      inputImages,
    };
  }

  function usageOf(r: ResolvedRequest, partials: number): Record<string, unknown> {
    const table = TOKENS_PER_MEGAPIXEL[r.model === 'gpt-image-2' ? '2' : '1'];
    const perImage = Math.round((table[r.quality] * r.size.width * r.size.height) / (1024 * 1024));
    const imageTokens = r.n * perImage + partials * 100;
    const textTokens = Math.ceil(r.prompt.length / 4);
    const inputImageTokens = r.inputImages.reduce((sum, img) => sum + 85 + 170 * Math.ceil(img.width / 512) * Math.ceil(img.height / 512), 0);
    return {
      input_tokens: textTokens + inputImageTokens,
      output_tokens: imageTokens,
      total_tokens: textTokens + inputImageTokens + imageTokens,
      input_tokens_details: { text_tokens: textTokens, image_tokens: inputImageTokens },
      output_tokens_details: { image_tokens: imageTokens, text_tokens: 0 },
    };
  }

  const imagePrompt = (r: ResolvedRequest, index: number): string => (index === 0 ? r.prompt : `${r.prompt}\u0000${index}`);

  async function responseBody(r: ResolvedRequest): Promise<Record<string, unknown>> {
    const data = [];
    for (let i = 0; i < r.n; i++) {
      const bytes = await render(r.size.width, r.size.height, r.format, r.background === 'transparent', imagePrompt(r, i), r.compression);
      // gpt-image-1 returns no content-filter annotations (foundry-image-api.md §5); the others do.
      const annotations =
        r.model === 'gpt-image-1'
          ? {}
          : {
              content_filter_results: Object.fromEntries(['hate', 'self_harm', 'sexual', 'violence'].map((c) => [c, { filtered: false, severity: 'safe' }])),
              prompt_filter_results: { jailbreak: { detected: false, filtered: false } },
            };
      data.push({ b64_json: bytes.toString('base64'), ...annotations });
    }
    return {
      created: Math.floor(Date.now() / 1000),
      data,
      background: r.background,
      output_format: r.format,
      size: formatSize(r.size),
      quality: r.quality,
      usage: usageOf(r, 0),
    };
  }

  async function respondStream(
    res: http.ServerResponse,
    record: RecordedRequest,
    r: ResolvedRequest,
    common: Record<string, string>,
    fault: EmulatorFault | undefined,
  ): Promise<void> {
    record.status = 200;
    res.writeHead(200, { ...common, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const prefix = r.operation === 'edits' ? 'image_edit' : 'image_generation';
    const created = Math.floor(Date.now() / 1000);
    const shared = { created_at: created, size: formatSize(r.size), quality: r.quality, background: r.background, output_format: r.format };
    const write = (event: string, data: unknown): void => {
      if (!res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    let sent = 0;
    for (let i = 0; i < r.n; i++) {
      for (let p = 0; p < r.partialImages; p++) {
        if (fault?.type === 'streamError' && sent >= (fault.afterPartials ?? 1)) {
          write('error', { type: 'error', error: { type: 'image_generation_server_error', code: fault.code ?? 'server_error', message: fault.message ?? 'The image generation failed.', param: null } });
          res.end();
          return;
        }
        const bytes = await render(r.size.width, r.size.height, r.format, r.background === 'transparent', imagePrompt(r, i), r.compression, (p + 1) / (r.partialImages + 1));
        write(`${prefix}.partial_image`, { type: `${prefix}.partial_image`, b64_json: bytes.toString('base64'), ...shared, partial_image_index: p });
        sent++;
        if (fault?.type === 'reset') {
          setImmediate(() => res.socket?.destroy());
          return;
        }
        if (options.streamIntervalMs) await wait(options.streamIntervalMs);
      }
      if (fault?.type === 'streamError') {
        write('error', { type: 'error', error: { type: 'image_generation_server_error', code: fault.code ?? 'server_error', message: fault.message ?? 'The image generation failed.', param: null } });
        res.end();
        return;
      }
      const bytes = await render(r.size.width, r.size.height, r.format, r.background === 'transparent', imagePrompt(r, i), r.compression);
      const usage = usageOf({ ...r, n: 1 }, r.partialImages);
      const b64 = i === 0 ? await damagedImage(bytes.toString('base64'), fault) : bytes.toString('base64');
      write(`${prefix}.completed`, { type: `${prefix}.completed`, b64_json: b64, ...shared, usage });
    }
    res.end();
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500);
        res.end();
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    token,
    deployment: names[0],
    model: deployments[names[0]],
    deployments,
    requests,
    get pendingFaults(): readonly EmulatorFault[] {
      return [...faults];
    },
    inject(fault: EmulatorFault | readonly EmulatorFault[]): void {
      faults.push(...(Array.isArray(fault) ? (fault as readonly EmulatorFault[]) : [fault as EmulatorFault]));
    },
    reset(): void {
      requests.length = 0;
      faults = [];
      quotaWindow = { start: 0, used: 0 };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}

let undecodable: Promise<string> | undefined;

/** A complete, well-formed JPEG whose frame header says 12-bit samples, which libvips' 8-bit libjpeg refuses. */
function undecodableJpeg(): Promise<string> {
  undecodable ??= sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer()
    .then((jpeg) => {
      const frame = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
      jpeg[frame + 4] = 12;
      return jpeg.toString('base64');
    });
  return undecodable;
}

/** The image data of an answer as an image fault damages it (unchanged for other faults). */
async function damagedImage(b64: string, fault: EmulatorFault | undefined): Promise<string> {
  switch (fault?.type) {
    case 'undecodableImage':
      return undecodableJpeg();
    case 'badBase64':
      // Characters outside the alphabet, and a length that is not whole groups of four.
      return `${b64.slice(0, Math.floor(b64.length / 2))}!*%${b64.slice(Math.floor(b64.length / 2), -3)}`;
    case 'notImage':
      return Buffer.from('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>\n').toString('base64');
    case 'truncatedImage': {
      const bytes = Buffer.from(b64, 'base64');
      return bytes.subarray(0, Math.max(1, Math.floor(bytes.length * (fault.fraction ?? 0.5)))).toString('base64');
    }
    default:
      return b64;
  }
}

function unauthorized(kind: 'key' | 'token' = 'key'): HttpError {
  return kind === 'key'
    ? new HttpError(401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } })
    : new HttpError(401, { error: { code: '401', message: 'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.' } });
}

/** The content-safety error bodies listed in foundry-image-api.md §6, verbatim in shape. */
export function safetyBody(shape: SafetyShape): unknown {
  switch (shape) {
    case 'promptBlocked':
      return { created: Math.floor(Date.now() / 1000), error: { code: 'contentFilter', message: 'Your task failed as a result of our safety system.' } };
    case 'outputFiltered':
      return { created: Math.floor(Date.now() / 1000), error: { code: 'contentFilter', message: 'Generated image was filtered as a result of our safety system.' } };
    case 'contentPolicyViolation':
      return {
        error: {
          code: 'content_policy_violation',
          inner_error: { code: 'ResponsibleAIPolicyViolation', content_filter_results: { jailbreak: { detected: false, filtered: false }, violence: { filtered: true, severity: 'high' } } },
          message: 'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
          type: 'invalid_request_error',
        },
      };
    case 'moderationBlocked':
      return {
        error: {
          message: `Your request was rejected by the safety system. If you believe this is an error, contact us at Azure support ticket and include the request ID ${randomUUID()}. safety_violations=[violence].`,
          type: 'image_generation_user_error',
          param: '',
          code: 'moderation_blocked',
        },
      };
    case 'contentFilter':
      return {
        error: {
          code: 'content_filter',
          message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
          param: 'prompt',
          status: 400,
          innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'high' }, violence: { filtered: false, severity: 'safe' } } },
        },
      };
  }
}

/** gpt-image-2 with `auto` picks from the prompt; the fixed families pick one of their sizes; edits keep the input's shape. */
function autoSize(model: ModelFamily, prompt: string, input: { width: number; height: number } | undefined): Size {
  const [square, landscape, portrait] = FIXED_SIZES as [Size, Size, Size];
  if (input) return input.width > input.height * 1.2 ? landscape : input.height > input.width * 1.2 ? portrait : square;
  if (/\b(mobile|phone|iphone|android|portrait)\b/i.test(prompt)) return portrait;
  if (/\b(desktop|dashboard|web|landscape|banner)\b/i.test(prompt)) return model === 'gpt-image-2' ? { width: 1536, height: 864 } : landscape;
  return square;
}

async function dimensions(file: RecordedFile, field: string): Promise<{ width: number; height: number }> {
  const meta = await sharp(file.bytes).metadata().catch(() => undefined);
  if (!meta?.width || !meta.height) throw invalid(`Invalid file '${field}': not a decodable ${file.contentType} image.`, field, 'invalid_image');
  return { width: meta.width, height: meta.height };
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > MAX_BODY_BYTES) throw new HttpError(413, { error: { code: 'RequestEntityTooLarge', message: 'The request body is too large.' } });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function parseRequest(operation: 'generations' | 'edits', contentType: string, raw: Buffer): Promise<ParsedRequest> {
  if (operation === 'generations') {
    if (!/^application\/json\b/i.test(contentType)) throw invalid(`Unsupported content type '${contentType}': send application/json.`, null, 'unsupported_content_type');
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw invalid('We could not parse the JSON body of your request. The body must be valid JSON.', null, 'invalid_json');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('The body must be a JSON object.', null, 'invalid_json');
    return { fields: body as Record<string, unknown>, files: [] };
  }
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw invalid(`Unsupported content type '${contentType}': the edit API takes multipart/form-data.`, null, 'unsupported_content_type');
  }
  let form: FormData;
  try {
    form = await new Request('http://emulator.local/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
  } catch {
    throw invalid('The multipart body could not be parsed.', null, 'invalid_multipart');
  }
  const fields: Record<string, unknown> = {};
  const files: RecordedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      const existing = fields[field];
      fields[field] = existing === undefined ? value : Array.isArray(existing) ? [...(existing as string[]), value] : [existing, value];
    } else {
      files.push({ field, name: value.name, contentType: value.type || 'application/octet-stream', bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { fields, files };
}
