/**
 * The typed messages between the Studio webview app and the extension host. Both sides import this
 * file (the webview only its types). Everything that arrives from the webview is untrusted input
 * and goes through `parseWebviewMessage` before the host acts on it: types, enums, ranges, string
 * lengths, array sizes, a total size cap, and every path resolved inside the workspace by the
 * host's `resolvePath` (injected, so this file stays free of `vscode` and runs in plain Node).
 */

import type { HistoryEntry } from '../core/studio/history';

export { STUDIO_VIEW_TYPE } from './viewType';

import { type Background, BACKGROUNDS, type Fit, FITS, IMAGE_FORMATS, type ImageFormat, type Quality, QUALITIES } from '../core/vocabulary';

export type { Background, Fit, Quality };
export type Format = ImageFormat;
export type CodeLanguage = 'curl' | 'typescript' | 'python' | 'csharp';

export { BACKGROUNDS, FITS, QUALITIES };
export const FORMATS = IMAGE_FORMATS;
export const CODE_LANGUAGES: readonly CodeLanguage[] = ['curl', 'typescript', 'python', 'csharp'];

/** What the user composed. Kept by the webview (setState) and sent whole with plan and generate. */
export interface Draft {
  readonly prompt: string;
  readonly template?: { readonly id: string; readonly fields: Readonly<Record<string, string>> };
  /** BCP 47 tags; each becomes its own asset. Empty: no language instruction. */
  readonly locales: readonly string[];
  /** Strings to use word for word, per locale tag. */
  readonly verbatim: Readonly<Record<string, readonly string[]>>;
  /** Preset ids, `WxH`, `WxH@2x` or `auto`. */
  readonly sizes: readonly string[];
  readonly quality: Quality;
  readonly format: Format;
  readonly background: Background;
  /** 0-100, jpeg only. */
  readonly compression?: number;
  /** Variants per size and locale. */
  readonly n: number;
  readonly fit: Fit;
  /** Streamed previews per image (0-3); absent: the default that costs at most a tenth of the image. */
  readonly partialImages?: number;
  /** Workspace-relative output folder. */
  readonly folder: string;
}

export interface HistoryQuery {
  readonly text: string;
  readonly size: string;
  readonly locale: string;
  readonly model: string;
}

/** Messages the webview app sends to the host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'painted' }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'plan'; seq: number; draft: Draft }
  | { type: 'generate'; draft: Draft }
  | { type: 'cancel'; jobId: number }
  | {
      type: 'edit';
      mode: 'refine' | 'inpaint';
      /** Workspace-relative (or absolute inside the workspace), resolved by the host. */
      image: string;
      prompt: string;
      references: readonly string[];
      /** base64 PNG, exactly the image's size; transparent pixels mark the region to repaint. */
      mask?: string;
      quality: Quality;
      n: number;
      /** Absent: the default (see Draft.partialImages). */
      partialImages?: number;
    }
  | { type: 'listImages' }
  | { type: 'history'; query: HistoryQuery }
  | { type: 'select'; file: string }
  | { type: 'openFile'; file: string }
  | { type: 'reveal'; file: string }
  | { type: 'copyPrompt'; file: string }
  | { type: 'copyCode'; file: string; language: CodeLanguage }
  | { type: 'partialShown'; key: string }
  | { type: 'openStyleGuideSetting' };

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
}
export interface FailureInfo {
  readonly message: string;
  readonly kind: string;
  readonly requestId?: string;
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
      styleGuide?: { file: string; text?: string; error?: string; warnings: readonly string[] };
      outputFolder: string;
    }
  | {
      type: 'planned';
      seq: number;
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
  | { type: 'jobDone'; jobId: number; cancelled: boolean; written: number; costUsd?: number }
  | { type: 'images'; items: ReadonlyArray<{ file: string; uri: string }> }
  | { type: 'history'; entries: readonly MockupItem[]; total: number; facets: { sizes: readonly string[]; locales: readonly string[]; models: readonly string[] } }
  | { type: 'selected'; item: MockupItem; focus: 'refine' | 'inpaint' }
  | { type: 'code'; language: CodeLanguage; text: string }
  | { type: 'notice'; level: 'info' | 'error'; message: string }
  | { type: 'rejected'; error: string };

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

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ParseContext {
  /** Resolves a path inside the workspace, throwing when it leads outside; returns the path to use. */
  resolvePath(path: string): string;
}

class Invalid extends Error {}

/**
 * Checks a message from the webview. Paths in the result are those `resolvePath` returned
 * (absolute, inside the workspace). Never throws.
 */
export function parseWebviewMessage(raw: unknown, context: ParseContext): ParseResult<WebviewToHost> {
  try {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Invalid('a message must be an object');
    const size = jsonSizeWithin(raw, MAX_MESSAGE_CHARS);
    if (size === undefined) throw new Invalid(`a message may be at most ${MAX_MESSAGE_CHARS} characters of JSON`);
    const m = raw as Record<string, unknown>;
    const type = m.type;
    if (size > MAX_SMALL_MESSAGE_CHARS && type !== 'edit') throw new Invalid(`a ${typeof type === 'string' ? type.slice(0, 40) : ''} message may be at most ${MAX_SMALL_MESSAGE_CHARS} characters of JSON, this one has ${size}`);
    const path = (key: string): string => {
      const value = str(m, key, MAX_PATH_CHARS);
      if (value.trim() === '') throw new Invalid(`${key} must not be empty`);
      try {
        return context.resolvePath(value);
      } catch (error) {
        throw new Invalid(`${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    switch (type) {
      case 'ready':
      case 'painted':
      case 'listImages':
      case 'openStyleGuideSetting':
        only(m, ['type']);
        return { ok: true, value: { type } };
      case 'log': {
        only(m, ['type', 'level', 'message']);
        return { ok: true, value: { type, level: oneOf(m, 'level', ['info', 'warn', 'error'] as const), message: str(m, 'message', 4000) } };
      }
      case 'plan':
        only(m, ['type', 'seq', 'draft']);
        return { ok: true, value: { type, seq: int(m, 'seq', 0, Number.MAX_SAFE_INTEGER), draft: parseDraft(m.draft, context) } };
      case 'generate':
        only(m, ['type', 'draft']);
        return { ok: true, value: { type, draft: parseDraft(m.draft, context) } };
      case 'cancel':
        only(m, ['type', 'jobId']);
        return { ok: true, value: { type, jobId: int(m, 'jobId', 0, Number.MAX_SAFE_INTEGER) } };
      case 'edit': {
        only(m, ['type', 'mode', 'image', 'prompt', 'references', 'mask', 'quality', 'n', 'partialImages']);
        const mode = oneOf(m, 'mode', ['refine', 'inpaint'] as const);
        const prompt = str(m, 'prompt', MAX_PROMPT_CHARS);
        if (prompt.trim() === '') throw new Invalid('prompt must describe the change');
        const references = strArray(m, 'references', MAX_REFERENCES, MAX_PATH_CHARS).map((r, i) => {
          try {
            return context.resolvePath(r);
          } catch (error) {
            throw new Invalid(`references[${i}]: ${error instanceof Error ? error.message : String(error)}`);
          }
        });
        let mask: string | undefined;
        if (m.mask !== undefined) {
          mask = str(m, 'mask', MAX_MASK_BASE64_CHARS);
          if (!/^[A-Za-z0-9+/]+={0,2}$/.test(mask)) throw new Invalid('mask must be base64 PNG data');
        }
        if (mode === 'inpaint' && mask === undefined) throw new Invalid('an inpaint needs a mask');
        return {
          ok: true,
          value: {
            type,
            mode,
            image: path('image'),
            prompt,
            references,
            ...(mask !== undefined ? { mask } : {}),
            quality: oneOf(m, 'quality', QUALITIES),
            n: int(m, 'n', 1, MAX_VARIANTS),
            ...(m.partialImages !== undefined ? { partialImages: int(m, 'partialImages', 0, 3) } : {}),
          },
        };
      }
      case 'history': {
        only(m, ['type', 'query']);
        const q = obj(m.query, 'query');
        only(q, ['text', 'size', 'locale', 'model'], 'query');
        return { ok: true, value: { type, query: { text: str(q, 'text', 500), size: str(q, 'size', 64), locale: str(q, 'locale', 32), model: str(q, 'model', 64) } } };
      }
      case 'select':
      case 'openFile':
      case 'reveal':
      case 'copyPrompt':
        only(m, ['type', 'file']);
        return { ok: true, value: { type, file: path('file') } };
      case 'copyCode':
        only(m, ['type', 'file', 'language']);
        return { ok: true, value: { type, file: path('file'), language: oneOf(m, 'language', CODE_LANGUAGES) } };
      case 'partialShown':
        only(m, ['type', 'key']);
        return { ok: true, value: { type, key: str(m, 'key', 100) } };
      default:
        throw new Invalid(`unknown message type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : String(type).slice(0, 40))}`);
    }
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.message };
    return { ok: false, error: `malformed message (${error instanceof Error ? error.message : String(error)})` };
  }
}

function parseDraft(raw: unknown, context: ParseContext): Draft {
  const d = obj(raw, 'draft');
  only(d, ['prompt', 'template', 'locales', 'verbatim', 'sizes', 'quality', 'format', 'background', 'compression', 'n', 'fit', 'partialImages', 'folder'], 'draft');
  let template: Draft['template'];
  if (d.template !== undefined) {
    const t = obj(d.template, 'draft.template');
    only(t, ['id', 'fields'], 'draft.template');
    const fields = obj(t.fields, 'draft.template.fields');
    const keys = Object.keys(fields);
    if (keys.length > 12) throw new Invalid('draft.template.fields has too many fields');
    const clean: Record<string, string> = {};
    for (const key of keys) {
      if (!/^[a-z][a-zA-Z0-9]{0,31}$/.test(key)) throw new Invalid(`draft.template.fields: "${key.slice(0, 40)}" is not a field id`);
      clean[key] = str(fields, key, 2000, `draft.template.fields.${key}`);
    }
    const id = str(t, 'id', 64, 'draft.template.id');
    if (!/^[a-z0-9-]+$/.test(id)) throw new Invalid('draft.template.id is not a template id');
    template = { id, fields: clean };
  }
  const locales = strArray(d, 'locales', MAX_LOCALES, 16, 'draft.locales');
  for (const tag of locales) if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag)) throw new Invalid(`draft.locales: "${tag}" is not a language tag`);
  const verbatimRaw = obj(d.verbatim, 'draft.verbatim');
  const verbatim: Record<string, string[]> = {};
  const verbatimKeys = Object.keys(verbatimRaw);
  if (verbatimKeys.length > MAX_LOCALES) throw new Invalid('draft.verbatim has too many locales');
  for (const tag of verbatimKeys) {
    if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag)) throw new Invalid(`draft.verbatim: "${tag.slice(0, 20)}" is not a language tag`);
    verbatim[tag] = strArray(verbatimRaw, tag, 30, 500, `draft.verbatim.${tag}`);
  }
  const sizes = strArray(d, 'sizes', MAX_SIZES, 64, 'draft.sizes');
  const format = oneOf(d, 'format', FORMATS, 'draft.format');
  const compression = d.compression === undefined ? undefined : int(d, 'compression', 0, 100, 'draft.compression');
  const folderText = str(d, 'folder', MAX_PATH_CHARS, 'draft.folder');
  let folder: string;
  try {
    folder = context.resolvePath(folderText.trim() === '' ? '.' : folderText);
  } catch (error) {
    throw new Invalid(`draft.folder: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    prompt: str(d, 'prompt', MAX_PROMPT_CHARS, 'draft.prompt'),
    ...(template ? { template } : {}),
    locales,
    verbatim,
    sizes,
    quality: oneOf(d, 'quality', QUALITIES, 'draft.quality'),
    format,
    background: oneOf(d, 'background', BACKGROUNDS, 'draft.background'),
    ...(compression !== undefined ? { compression } : {}),
    n: int(d, 'n', 1, MAX_VARIANTS, 'draft.n'),
    fit: oneOf(d, 'fit', FITS, 'draft.fit'),
    ...(d.partialImages !== undefined ? { partialImages: int(d, 'partialImages', 0, 3, 'draft.partialImages') } : {}),
    folder,
  };
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

function obj(raw: unknown, what: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Invalid(`${what} must be an object`);
  return raw as Record<string, unknown>;
}

function only(m: Record<string, unknown>, allowed: readonly string[], what = 'message'): void {
  const extra = Object.keys(m).filter((k) => !allowed.includes(k));
  if (extra.length) throw new Invalid(`${what} has unexpected field(s): ${extra.slice(0, 5).map((k) => k.slice(0, 40)).join(', ')}`);
}

function str(m: Record<string, unknown>, key: string, max: number, what = key): string {
  const value = m[key];
  if (typeof value !== 'string') throw new Invalid(`${what} must be a string`);
  if (value.length > max) throw new Invalid(`${what} may have at most ${max} characters (it has ${value.length})`);
  return value;
}

function strArray(m: Record<string, unknown>, key: string, maxItems: number, maxChars: number, what = key): string[] {
  const value = m[key];
  if (!Array.isArray(value)) throw new Invalid(`${what} must be an array`);
  if (value.length > maxItems) throw new Invalid(`${what} may have at most ${maxItems} entries`);
  return value.map((item, i) => {
    if (typeof item !== 'string') throw new Invalid(`${what}[${i}] must be a string`);
    if (item.length > maxChars) throw new Invalid(`${what}[${i}] may have at most ${maxChars} characters`);
    return item;
  });
}

function int(m: Record<string, unknown>, key: string, min: number, max: number, what = key): number {
  const value = m[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw new Invalid(`${what} must be a whole number from ${min} to ${max}`);
  return value;
}

function oneOf<T extends string>(m: Record<string, unknown>, key: string, values: readonly T[], what = key): T {
  const value = m[key];
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) throw new Invalid(`${what} must be one of ${values.join(', ')}`);
  return value as T;
}
