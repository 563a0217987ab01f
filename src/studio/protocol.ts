/**
 * The typed messages between the Studio webview app and the extension host. Both sides import this
 * file (the webview only its types). The messages the webview sends are declared once, as valibot
 * schemas, and their types are inferred from them; everything that arrives from the webview is
 * untrusted and goes through `parseWebviewMessage` before the host acts on it: types, enums,
 * ranges, string lengths, array sizes, unknown fields, a total size and depth cap, and every path
 * resolved inside the workspace by the host's `resolvePath` (injected, so this file stays free of
 * `vscode` and runs in plain Node).
 */

import * as v from 'valibot';
import type { HistoryEntry } from '../core/studio/history';

export { STUDIO_VIEW_TYPE } from './viewType';

import { type Background, BACKGROUNDS, FAILURE_ACTIONS, type FailureAction, type Fit, FITS, IMAGE_FORMATS, type ImageFormat, type Quality, QUALITIES } from '../core/vocabulary';

export type { Background, FailureAction, Fit, Quality };
export type Format = ImageFormat;
export type CodeLanguage = 'curl' | 'typescript' | 'python' | 'csharp';

export { BACKGROUNDS, FITS, QUALITIES };
export const FORMATS = IMAGE_FORMATS;
export const CODE_LANGUAGES: readonly CodeLanguage[] = ['curl', 'typescript', 'python', 'csharp'];

/** Largest message the host accepts, in characters of its JSON form (a 4 MB mask in base64 fits). */
export const MAX_MESSAGE_CHARS = 6 * 1024 * 1024;
/** Largest message other than an edit with a mask. */
export const MAX_SMALL_MESSAGE_CHARS = 256 * 1024;
export const MAX_PROMPT_CHARS = 32_000;
export const MAX_SIZES = 20;
export const MAX_LOCALES = 16;
export const MAX_VARIANTS = 4;
export const MAX_REFERENCES = 15;
export const MAX_PATH_CHARS = 1024;
export const MAX_MASK_BASE64_CHARS = Math.ceil((4 * 1024 * 1024) / 3) * 4;
/** A webview log line: one line, at most this many characters (longer text is cut, not refused). */
export const MAX_LOG_CHARS = 500;

/*
 * The messages the webview sends, declared once: each schema gives both the TypeScript type the
 * two sides share and the host's validator. Paths are resolved while checking (`path` below), so a
 * message whose path leads outside the workspace never reaches a handler. Messages read as
 * "<field> <problem>", e.g. "draft.n must be a whole number from 1 to 4".
 */

/** Resolves a path inside the workspace, throwing when it leads outside; returns the path to use. */
type Resolve = (path: string) => string;

const text = (max: number) => v.pipe(v.string('must be a string'), v.maxLength(max, (issue) => `may have at most ${max} characters (it has ${issue.input.length})`));
const int = (min: number, max: number) => v.pipe(v.number(`must be a whole number from ${min} to ${max}`), v.check((n) => Number.isInteger(n) && n >= min && n <= max, `must be a whole number from ${min} to ${max}`));
const oneOf = <T extends readonly [string, ...string[]] | readonly string[]>(values: T) => v.picklist(values as readonly string[] as T & string[], `must be one of ${values.join(', ')}`);
const list = <T extends v.GenericSchema>(item: T, maxItems: number) => v.pipe(v.array(item, 'must be an array'), v.maxLength(maxItems, `may have at most ${maxItems} entries`));
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const languageTag = v.pipe(text(16), v.regex(LANGUAGE_TAG, (issue) => `"${String(issue.input).slice(0, 20)}" is not a language tag`));
const object = <E extends v.ObjectEntries>(entries: E) =>
  v.strictObject(entries, (issue) => (issue.expected === 'never' ? `is not a field of this message (unexpected field ${String(issue.received).slice(0, 40)})` : issue.expected === 'Object' ? 'must be an object' : 'is missing'));

/** A non-empty path, resolved inside the workspace; the message names the field and why it was refused. */
const path = (resolve: Resolve, options: { emptyIs?: string } = {}) =>
  v.pipe(
    text(MAX_PATH_CHARS),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const raw = dataset.value;
      if (raw.trim() === '' && options.emptyIs === undefined) {
        addIssue({ message: 'must not be empty' });
        return NEVER;
      }
      try {
        return resolve(raw.trim() === '' ? (options.emptyIs as string) : raw);
      } catch (error) {
        addIssue({ message: `: ${error instanceof Error ? error.message : String(error)}` });
        return NEVER;
      }
    }),
  );

const draftSchema = (resolve: Resolve) =>
  object({
    prompt: text(MAX_PROMPT_CHARS),
    template: v.optional(
      object({
        id: v.pipe(text(64), v.regex(/^[a-z0-9-]+$/, 'is not a template id')),
        fields: v.pipe(
          v.record(v.pipe(v.string(), v.regex(/^[a-z][a-zA-Z0-9]{0,31}$/, (issue) => `"${String(issue.input).slice(0, 40)}" is not a field id`)), text(2000), 'must be an object'),
          v.check((fields) => Object.keys(fields).length <= 12, 'has too many fields'),
        ),
      }),
    ),
    /** BCP 47 tags; each becomes its own asset. Empty: no language instruction. */
    locales: list(languageTag, MAX_LOCALES),
    /** Strings to use word for word, per locale tag. */
    verbatim: v.pipe(
      v.record(v.pipe(v.string(), v.regex(LANGUAGE_TAG, (issue) => `"${String(issue.input).slice(0, 20)}" is not a language tag`)), list(text(500), 30), 'must be an object'),
      v.check((verbatim) => Object.keys(verbatim).length <= MAX_LOCALES, 'has too many locales'),
    ),
    /** Preset ids, `WxH`, `WxH@2x` or `auto`. */
    sizes: list(text(64), MAX_SIZES),
    quality: oneOf(QUALITIES),
    format: oneOf(IMAGE_FORMATS),
    background: oneOf(BACKGROUNDS),
    /** 0-100, jpeg only. */
    compression: v.optional(int(0, 100)),
    /** Variants per size and locale. */
    n: int(1, MAX_VARIANTS),
    fit: oneOf(FITS),
    /** Streamed previews per image (0-3); absent: the default that costs at most a tenth of the image. */
    partialImages: v.optional(int(0, 3)),
    /** Workspace-relative output folder (empty: the workspace folder); the host resolves it. */
    folder: path(resolve, { emptyIs: '.' }),
  });

const historyQuerySchema = object({ text: text(500), size: text(64), locale: text(32), model: text(64) });

/** A webview log line becomes one log line: line breaks and control characters are spaces, long text is cut. */
const logLine = v.pipe(
  v.string('must be a string'),
  v.transform((raw) => {
    // eslint-disable-next-line no-control-regex -- control characters are what this removes
    const line = raw.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
    return line.length > MAX_LOG_CHARS ? `${line.slice(0, MAX_LOG_CHARS - 1)}…` : line;
  }),
);

const fileMessage = <T extends string>(type: T, resolve: Resolve) => object({ type: v.literal(type), file: path(resolve) });
/** The id the host gives a failure it keeps (FailureInfo.id). */
export const FAILURE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Correlates a request with its answer (see `RESPONSES` and `RequestClient`). */
const requestId = int(0, Number.MAX_SAFE_INTEGER);

/** Every message the webview may send, by `type`. */
export const webviewMessageSchema = (resolve: Resolve) =>
  v.variant(
    'type',
    [
      object({ type: v.literal('ready') }),
      object({ type: v.literal('painted') }),
      object({ type: v.literal('log'), level: oneOf(['info', 'warn', 'error'] as const), message: logLine }),
      /**
       * `anchor`: the set's anchor (a workspace image the user chose), sent with every request of the
       * generation as its last input image; kept beside the draft, which history reuse replaces.
       */
      object({ type: v.literal('plan'), id: requestId, draft: draftSchema(resolve), anchor: v.optional(path(resolve)) }),
      object({ type: v.literal('generate'), draft: draftSchema(resolve), anchor: v.optional(path(resolve)) }),
      object({ type: v.literal('cancel'), jobId: int(0, Number.MAX_SAFE_INTEGER) }),
      v.pipe(
        object({
          type: v.literal('edit'),
          mode: oneOf(['refine', 'inpaint'] as const),
          /** Workspace-relative (or absolute inside the workspace), resolved by the host. */
          image: path(resolve),
          prompt: v.pipe(text(MAX_PROMPT_CHARS), v.check((prompt) => prompt.trim() !== '', 'must describe the change')),
          references: list(path(resolve), MAX_REFERENCES),
          /** base64 PNG, exactly the image's size; transparent pixels mark the region to repaint. */
          mask: v.optional(v.pipe(text(MAX_MASK_BASE64_CHARS), v.regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64 PNG data'))),
          quality: oneOf(QUALITIES),
          n: int(1, MAX_VARIANTS),
          /** Absent: the default (see Draft.partialImages). */
          partialImages: v.optional(int(0, 3)),
        }),
        v.check((edit) => edit.mode !== 'inpaint' || edit.mask !== undefined, 'an inpaint needs a mask'),
      ),
      object({ type: v.literal('listImages'), id: requestId }),
      /**
       * `reach: 'loadable'`: only the mockups the page may load already (the filmstrip asks so in
       * the background: widening the webview's resource roots reloads the page under the user).
       */
      object({ type: v.literal('history'), id: requestId, query: historyQuerySchema, reach: v.optional(v.picklist(['loadable', 'all'])) }),
      object({ type: v.literal('select'), id: requestId, file: path(resolve) }),
      fileMessage('openFile', resolve),
      fileMessage('reveal', resolve),
      fileMessage('copyPrompt', resolve),
      /** Makes a generated mockup again with its settings and the workspace design system as it is now. */
      fileMessage('regenerate', resolve),
      object({ type: v.literal('copyCode'), id: requestId, file: path(resolve), language: oneOf(CODE_LANGUAGES) }),
      object({ type: v.literal('partialShown'), key: text(100) }),
      object({ type: v.literal('openStyleGuideSetting') }),
      /** One of the actions a failure offered (FailureInfo.actions), for the failure the host kept as `failure`. */
      object({ type: v.literal('failureAction'), failure: v.pipe(text(64), v.regex(FAILURE_ID, 'is not a failure id')), action: oneOf(FAILURE_ACTIONS) }),
    ],
    (issue) => `unknown message type ${JSON.stringify(typeof issue.input === 'string' ? issue.input.slice(0, 40) : String(issue.input).slice(0, 40))}`,
  );

type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** Messages the webview app sends to the host. */
export type WebviewToHost = DeepReadonly<v.InferOutput<ReturnType<typeof webviewMessageSchema>>>;
/** What the user composed. Kept by the webview (setState) and sent whole with plan and generate. */
export type Draft = DeepReadonly<v.InferOutput<ReturnType<typeof draftSchema>>>;
export type HistoryQuery = DeepReadonly<v.InferOutput<typeof historyQuerySchema>>;
/** The message of one type. */
export type WebviewMessage<K extends WebviewToHost['type']> = Extract<WebviewToHost, { type: K }>;

export interface PresetInfo {
  readonly id: string;
  readonly name: string;
  readonly group: string;
  /** `390x844@3x` */
  readonly css: string;
  /** `1170x2532` */
  readonly pixels: string;
}
export interface TemplateInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly fields: ReadonlyArray<{ readonly id: string; readonly label: string; readonly example: string; readonly required: boolean }>;
}
export interface LocaleInfo {
  readonly tag: string;
  readonly englishName: string;
  readonly nativeName: string;
  readonly direction: 'ltr' | 'rtl';
}
export interface SizePlanInfo {
  readonly size: string;
  readonly ok: boolean;
  /** The target in pixels, or the problem when not ok. */
  readonly target: string;
  readonly generation: string;
  /** The plan in a few words ("exact", "crop 1%", "upscale x1.20"). */
  readonly badge: string;
  readonly explanation: string;
  readonly warnings: readonly string[];
}
export interface ComposedInfo {
  readonly locale?: string;
  readonly parts: ReadonlyArray<{ readonly kind: 'instruction' | 'template' | 'text' | 'context' | 'styleGuide' | 'locale'; readonly text: string }>;
  readonly sentChars: number;
}
/** The design system as the Studio shows it: colours with their roles, type styles, radii, spacing. */
export interface DesignSummaryView {
  readonly name?: string;
  /** `DESIGN.md`, `design tokens (DTCG)`, ... */
  readonly kindLabel: string;
  readonly swatches: ReadonlyArray<{ readonly name: string; readonly hex: string; readonly role?: string }>;
  readonly typeSamples: ReadonlyArray<{ readonly role: string; readonly family?: string; readonly size?: string; readonly weight?: number; readonly lineHeight?: string }>;
  readonly radius: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly spacing: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}
export interface ChainStep {
  readonly file: string;
  readonly operation: 'generate' | 'edit';
  readonly prompt: string;
}
/** One image of the workspace with what its sidecar says about it. */
export interface MockupItem extends Omit<HistoryEntry, 'sidecarFile' | 'parentFile' | 'reuse'> {
  /** webview URI of the image (asWebviewUri). */
  readonly uri: string;
  /** From the first generation to this image (this image last). */
  readonly chain: readonly ChainStep[];
  /** The settings to compose the same request again. */
  readonly reuse?: Partial<Draft>;
  /** Whether a sidecar describes the image. */
  readonly described: boolean;
  /** Made with the workspace design system as it is now, or with an older version of it (`regenerate` makes it again with the current one). */
  readonly designStatus?: 'current' | 'older';
}
export interface FailureInfo {
  /** What the host kept of the failure goes by this id (a `failureAction` names it). */
  readonly id: string;
  readonly message: string;
  readonly kind: string;
  readonly requestId?: string;
  /** The actions the notifications offer for the same failure, with their localised labels. */
  readonly actions: ReadonlyArray<{ readonly action: FailureAction; readonly label: string }>;
}

/** The webview's strings for VS Code's display language (see src/webview/l10n.ts); no bundle in English. */
export interface WebviewL10n {
  /** VS Code's display language (`vscode.env.language`): the page's `lang`, and number formatting. */
  readonly language: string;
  /** English text -> translation, for the strings the app passes to `t()`. */
  readonly bundle?: Readonly<Record<string, string>>;
}

/** Messages the host sends to the webview app. */
export type HostToWebview =
  | {
      type: 'init';
      version: string;
      model: string;
      deployment: string;
      connected: boolean;
      connectionProblem?: string;
      presets: readonly PresetInfo[];
      templates: readonly TemplateInfo[];
      locales: readonly LocaleInfo[];
      limits: { promptMax: number; promptWarn: number; maxSizes: number; maxLocales: number; maxVariants: number };
      /**
       * The workspace design system sent with every prompt: its file, the block as sent, what did
       * not fit the block's budget, its version, and swatches and type samples to show.
       */
      styleGuide?: { file: string; text?: string; error?: string; warnings: readonly string[]; sha256?: string; omitted?: string; summary?: DesignSummaryView };
      outputFolder: string;
      l10n: WebviewL10n;
    }
  | {
      type: 'planned';
      id: number;
      sizes: readonly SizePlanInfo[];
      composed: readonly ComposedInfo[];
      requests: number;
      images: number;
      /** Absent when the request cannot be sent: `missing` says why (never a misleading $0.00). */
      estimateUsd?: number;
      missing?: string;
      /** The streamed previews' share of the estimate, and how many each image gets. */
      previewsUsd: number;
      previewsPerImage: number;
      /** The estimate in one sentence, as confirmations say it. */
      summary: string;
      warnings: readonly string[];
      error?: string;
    }
  | { type: 'jobStarted'; jobId: number; mode: 'generate' | 'refine' | 'inpaint'; requests: readonly string[]; variants: number }
  | { type: 'progress'; jobId: number; request: number; variant: number; message: string }
  | { type: 'partial'; jobId: number; key: string; request: number; variant: number; index: number; dataUrl: string }
  | { type: 'result'; jobId: number; request: number; items: readonly MockupItem[] }
  | { type: 'jobFailed'; jobId: number; error: FailureInfo }
  /** `costUsd` is this job's; `spentUsd` what the jobs since the Studio opened cost together (shown beside the estimate). */
  | { type: 'jobDone'; jobId: number; cancelled: boolean; written: number; costUsd?: number; spentUsd: number }
  | { type: 'images'; id: number; items: ReadonlyArray<{ file: string; uri: string }> }
  | { type: 'history'; id: number; entries: readonly MockupItem[]; total: number; facets: { sizes: readonly string[]; locales: readonly string[]; models: readonly string[] } }
  /** The answer to `select`, or (without id) an image the host opened in the Studio (the explorer's Open in Studio). */
  | { type: 'selected'; id?: number; item: MockupItem; focus: 'refine' | 'inpaint' }
  | { type: 'code'; id: number; language: CodeLanguage; text: string }
  /** A request that could not be answered (the reason is also shown as a notice). */
  | { type: 'requestFailed'; id: number; error: string }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  | { type: 'rejected'; error: string };

/** The state the app composes with (see src/studio/handlers/init.ts). */
export type InitMessage = Extract<HostToWebview, { type: 'init' }>;

/**
 * The messages the webview sends that get exactly one answer, and the answer's type. The host's
 * dispatcher posts a request handler's answer with the request's id; the app awaits it through
 * `RequestClient`: no pair is matched by hand.
 */
export const RESPONSES = { plan: 'planned', listImages: 'images', history: 'history', select: 'selected', copyCode: 'code' } as const satisfies Partial<Record<WebviewToHost['type'], HostToWebview['type']>>;
export type RequestType = keyof typeof RESPONSES;
/** The answer to a request of kind `K`. */
export type ResponseTo<K extends RequestType> = Extract<HostToWebview, { type: (typeof RESPONSES)[K] }>;
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** What a request handler returns: the answer without its id (the dispatcher adds it). */
export type ResponseBody<K extends RequestType> = WithoutId<ResponseTo<K>>;

export function isRequest(message: WebviewToHost): message is WebviewMessage<RequestType> {
  return Object.hasOwn(RESPONSES, message.type);
}

/**
 * The webview's side of request and answer: `request` sends with a fresh id and resolves with the
 * answer of the kind asked for carrying its id (rejects on `requestFailed`); `settle` is given every
 * host message and says whether it answered a request. `isLatest` tells a stale answer (an older plan) from the current one.
 */
export class RequestClient {
  private nextId: number;
  private readonly pending = new Map<number, { answer: HostToWebview['type']; resolve: (message: HostToWebview) => void; reject: (error: Error) => void }>();
  private readonly latest = new Map<string, number>();

  /**
   * `firstId`: where this page's ids start. A page loaded again (hidden and shown, or reloaded for a
   * new resource root) is a new client: starting from its load time keeps its ids apart from the
   * last page's, whose answers may still be on their way.
   */
  constructor(
    private readonly send: (message: WebviewToHost) => void,
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  request<M extends WithoutId<WebviewMessage<RequestType>>>(message: M): Promise<ResponseTo<M['type']>> {
    const id = this.nextId++;
    this.latest.set(message.type, id);
    return new Promise<ResponseTo<M['type']>>((resolve, reject) => {
      this.pending.set(id, { answer: RESPONSES[message.type], resolve: resolve as (message: HostToWebview) => void, reject });
      this.send({ ...message, id });
    });
  }

  /** Whether `id` is the last request of its kind sent. */
  isLatest(type: RequestType, id: number): boolean {
    return this.latest.get(type) === id;
  }

  settle(message: HostToWebview): boolean {
    const id = 'id' in message ? message.id : undefined;
    if (id === undefined) return false;
    const waiting = this.pending.get(id);
    // Only the answer of the kind asked for settles a request: an id is not enough on its own (an
    // answer meant for an earlier page, or to a message that did not come from this one, may carry it).
    if (!waiting || (message.type !== waiting.answer && message.type !== 'requestFailed')) return false;
    this.pending.delete(id);
    if (message.type === 'requestFailed') waiting.reject(new Error(message.error));
    else waiting.resolve(message);
    return true;
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ParseContext {
  /** Resolves a path inside the workspace, throwing when it leads outside; returns the path to use. */
  resolvePath(path: string): string;
}

class Invalid extends Error {}

const schemas = new WeakMap<ParseContext, ReturnType<typeof webviewMessageSchema>>();

/**
 * Checks a message from the webview against its schema, after two caps that run before any
 * parsing (total JSON size, nesting depth). Paths in the result are those `resolvePath` returned
 * (absolute, inside the workspace). Never throws.
 */
export function parseWebviewMessage(raw: unknown, context: ParseContext): ParseResult<WebviewToHost> {
  try {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Invalid('a message must be an object');
    const size = jsonSizeWithin(raw, MAX_MESSAGE_CHARS);
    if (size === undefined) throw new Invalid(`a message may be at most ${MAX_MESSAGE_CHARS} characters of JSON`);
    const type = (raw as { type?: unknown }).type;
    if (size > MAX_SMALL_MESSAGE_CHARS && type !== 'edit') throw new Invalid(`a ${typeof type === 'string' ? type.slice(0, 40) : ''} message may be at most ${MAX_SMALL_MESSAGE_CHARS} characters of JSON, this one has ${size}`);
    let schema = schemas.get(context);
    if (!schema) {
      schema = webviewMessageSchema((p) => context.resolvePath(p));
      schemas.set(context, schema);
    }
    const result = v.safeParse(schema, raw, { abortEarly: true });
    if (result.success) return { ok: true, value: result.output as WebviewToHost };
    throw new Invalid(describeIssue(result.issues[0]));
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.message };
    return { ok: false, error: `malformed message (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** "draft.n must be a whole number from 1 to 4"; a message-level problem is said of the message. */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  const at = (issue.path ?? []).map((item) => (typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key).slice(0, 40)}`)).join('').replace(/^\./, '');
  if (!at || issue.type === 'variant') return issue.type === 'variant' ? issue.message : `message ${issue.message}`;
  return issue.message.startsWith(':') ? `${at}${issue.message}` : `${at} ${issue.message}`;
}

/** The JSON size of `value`, or undefined as soon as it exceeds `cap` (without building the JSON). */
export function jsonSizeWithin(value: unknown, cap: number): number | undefined {
  let total = 0;
  const seen = new Set<object>();
  const visit = (v: unknown, depth: number): boolean => {
    if (depth > 12) throw new Invalid('a message may nest at most 12 levels');
    if (v === null || v === undefined || typeof v === 'boolean') total += 5;
    else if (typeof v === 'number') total += 24;
    else if (typeof v === 'string') total += v.length + 2;
    else if (typeof v === 'object') {
      if (seen.has(v)) throw new Invalid('a message must be plain JSON');
      seen.add(v);
      if (Array.isArray(v)) {
        total += 2;
        for (const item of v) if (!visit(item, depth + 1)) return false;
      } else {
        total += 2;
        for (const [key, item] of Object.entries(v as Record<string, unknown>)) {
          total += key.length + 4;
          if (total > cap || !visit(item, depth + 1)) return false;
        }
      }
    } else throw new Invalid('a message must be plain JSON');
    return total <= cap;
  };
  return visit(value, 0) ? total : undefined;
}
