/**
 * The workspace's mockups as the Studio's history shows them: each image described by its sidecar
 * (`<image>.mockup.json`), searchable by prompt and filterable by size, locale and model, with
 * the settings to compose the same request again and the chain of edits that led to it.
 */
import { renderTemplate } from '../prompts';

export interface ReuseSettings {
  prompt?: string;
  template?: { id: string; fields: Record<string, string> };
  locales?: string[];
  sizes?: string[];
  quality?: 'low' | 'medium' | 'high' | 'auto';
  format?: 'png' | 'jpeg';
  background?: 'auto' | 'opaque' | 'transparent';
  compression?: number;
  n?: number;
  fit?: 'cover' | 'contain' | 'generated';
}

export interface HistoryEntry {
  /** Workspace-relative path of the image, with forward slashes. */
  readonly file: string;
  readonly sidecarFile: string;
  readonly name: string;
  readonly width?: number;
  readonly height?: number;
  readonly sizeLabel: string;
  readonly locale?: string;
  readonly model?: string;
  readonly tokens?: number;
  readonly costUsd?: number;
  readonly durationMs?: number;
  readonly requestId?: string;
  readonly promptTyped?: string;
  readonly promptSent?: string;
  readonly createdAt?: string;
  readonly operation?: 'generate' | 'edit';
  /** Workspace-relative path of the image this one was edited from. */
  readonly parentFile?: string;
  /** Workspace-relative path of the set's anchor sent with its request (such a generation is sent as an edit). */
  readonly anchorFile?: string;
  /** The design system sent with its prompt: its file (or folder) and version (SHA-256). */
  readonly designSystem?: { readonly file: string; readonly sha256: string };
  readonly reuse: ReuseSettings;
}

/**
 * Whether a mockup was made with the workspace's design system as it is now (`current`), with an
 * earlier version of it (`older`: the files changed since), or neither is known (undefined).
 */
export function designStatus(entry: Pick<HistoryEntry, 'designSystem'>, currentSha256: string | undefined): 'current' | 'older' | undefined {
  if (!entry.designSystem || currentSha256 === undefined) return undefined;
  return entry.designSystem.sha256 === currentSha256 ? 'current' : 'older';
}

export interface HistoryFilter {
  readonly text?: string;
  readonly size?: string;
  readonly locale?: string;
  readonly model?: string;
}

/** Largest sidecar read (a real one is a few kilobytes). */
export const MAX_SIDECAR_BYTES = 512 * 1024;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Parses one sidecar; undefined when it is not a Foundry Mockups sidecar of a known version. */
export function parseHistoryEntry(content: string, sidecarFile: string): HistoryEntry | undefined {
  if (content.length > MAX_SIDECAR_BYTES) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return undefined;
  }
  return historyEntryOf(raw, sidecarFile);
}

/** The history entry of a sidecar already in memory (one just written needs no second read). */
export function historyEntryOf(raw: unknown, sidecarFile: string): HistoryEntry | undefined {
  if (!isObject(raw) || raw.schemaVersion !== 1 || !isObject(raw.output) || !isObject(raw.prompt) || !isObject(raw.request)) return undefined;
  const outputName = text(raw.output.file);
  if (!outputName || outputName.includes('/') || outputName.includes('\\') || outputName.startsWith('.')) return undefined;
  const folder = sidecarFile.includes('/') ? sidecarFile.slice(0, sidecarFile.lastIndexOf('/')) : '';
  const file = folder ? `${folder}/${outputName}` : outputName;
  const prompt = raw.prompt;
  const request = raw.request;
  const target = isObject(raw.target) ? raw.target : {};
  const service = isObject(raw.service) ? raw.service : {};
  const usage = isObject(raw.usage) ? raw.usage : undefined;
  const cost = isObject(raw.cost) ? raw.cost : undefined;
  const lineage = isObject(raw.lineage) ? raw.lineage : undefined;
  const width = num(raw.output.width) ?? num(target.width);
  const height = num(raw.output.height) ?? num(target.height);
  const presetId = text(target.presetId);
  const pixels = width && height ? `${width}x${height}` : 'auto';
  const locale = text(prompt.locale);
  const operation = request.operation === 'edit' ? 'edit' : request.operation === 'generate' ? 'generate' : undefined;
  const parentFile = lineage && isObject(lineage.parent) ? text(lineage.parent.file) : undefined;
  const anchorFile = lineage && isObject(lineage.anchor) ? text(lineage.anchor.file) : undefined;
  const design = isObject(prompt.designSystem) ? prompt.designSystem : undefined;
  const designFiles = design && Array.isArray(design.files) ? design.files.filter(isObject).map((f) => text(f.file)).filter((f): f is string => !!f) : [];
  const designSha = design ? text(design.sha256) : undefined;
  return {
    file,
    sidecarFile,
    name: outputName,
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    sizeLabel: presetId ? `${pixels} (${presetId})` : pixels,
    ...(locale ? { locale } : {}),
    ...(text(service.model) ? { model: text(service.model) } : {}),
    ...(usage && num(usage.totalTokens) !== undefined ? { tokens: num(usage.totalTokens) } : {}),
    ...(cost && num(cost.usd) !== undefined ? { costUsd: num(cost.usd) } : {}),
    ...(num(service.durationMs) !== undefined ? { durationMs: num(service.durationMs) } : {}),
    ...(text(service.requestId) ? { requestId: text(service.requestId) } : {}),
    ...(text(prompt.typed) !== undefined ? { promptTyped: text(prompt.typed) } : {}),
    ...(text(prompt.sent) !== undefined ? { promptSent: text(prompt.sent) } : {}),
    ...(text(raw.createdAt) ? { createdAt: text(raw.createdAt) } : {}),
    ...(operation ? { operation } : {}),
    ...(parentFile ? { parentFile } : {}),
    ...(anchorFile ? { anchorFile } : {}),
    ...(designSha && /^[0-9a-f]{64}$/.test(designSha) ? { designSystem: { file: designFiles.length === 1 ? designFiles[0] : `${designFiles.length} files`, sha256: designSha } } : {}),
    reuse: reuseSettings(prompt, request, target),
  };
}

function reuseSettings(prompt: Json, request: Json, target: Json): ReuseSettings {
  const reuse: ReuseSettings = {};
  const typed = text(prompt.typed) ?? '';
  if (isObject(prompt.template) && typeof prompt.template.id === 'string' && isObject(prompt.template.fields)) {
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(prompt.template.fields)) if (typeof v === 'string') fields[k] = v;
    reuse.template = { id: prompt.template.id, fields };
    let rendered = '';
    try {
      rendered = renderTemplate(prompt.template.id, fields);
    } catch {
      // an unknown template: keep the whole typed prompt as text
    }
    reuse.prompt = rendered && typed.startsWith(rendered) ? typed.slice(rendered.length).trim() : typed;
  } else {
    reuse.prompt = typed;
  }
  const locale = text(prompt.locale);
  if (locale) reuse.locales = [locale];
  const presetId = text(target.presetId);
  const [w, h, cw, ch, d] = [num(target.width), num(target.height), num(target.cssWidth), num(target.cssHeight), num(target.density)];
  if (presetId) reuse.sizes = [presetId];
  else if (cw && ch && d && d !== 1) reuse.sizes = [`${cw}x${ch}@${d}x`];
  else if (w && h) reuse.sizes = [`${w}x${h}`];
  else if (target.auto === true) reuse.sizes = ['auto'];
  const quality = request.quality;
  if (quality === 'low' || quality === 'medium' || quality === 'high' || quality === 'auto') reuse.quality = quality;
  if (request.outputFormat === 'png' || request.outputFormat === 'jpeg') reuse.format = request.outputFormat;
  const background = request.background;
  if (background === 'auto' || background === 'opaque' || background === 'transparent') reuse.background = background;
  const compression = num(request.outputCompression);
  if (compression !== undefined) reuse.compression = compression;
  const n = num(request.n);
  if (n !== undefined && n >= 1) reuse.n = Math.min(4, Math.round(n));
  const fit = target.fit;
  if (fit === 'cover' || fit === 'contain' || fit === 'generated') reuse.fit = fit;
  return reuse;
}

/** The size a filter matches: the pixel size, without the preset id. */
export function sizeKey(entry: Pick<HistoryEntry, 'sizeLabel'>): string {
  return entry.sizeLabel.split(' ')[0];
}

/** Entries that match every given filter, newest first. Text matches words of the prompt or file name. */
export function filterHistory(entries: readonly HistoryEntry[], filter: HistoryFilter): HistoryEntry[] {
  const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return entries
    .filter((e) => {
      if (filter.size && sizeKey(e) !== filter.size) return false;
      if (filter.locale && (e.locale ?? '') !== filter.locale) return false;
      if (filter.model && (e.model ?? '') !== filter.model) return false;
      if (words.length) {
        // An edit's sent prompt repeats its parent's as context: searching it would find every descendant.
        const haystack = `${e.promptTyped ?? ''} ${e.operation === 'edit' ? '' : (e.promptSent ?? '')} ${e.file}`.toLowerCase();
        if (!words.every((w) => haystack.includes(w))) return false;
      }
      return true;
    })
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.file.localeCompare(b.file));
}

/** The values the filters offer, each sorted. */
export function historyFacets(entries: readonly HistoryEntry[]): { sizes: string[]; locales: string[]; models: string[] } {
  const sorted = (values: Iterable<string | undefined>): string[] => [...new Set([...values].filter((v): v is string => !!v))].sort();
  return { sizes: sorted(entries.map(sizeKey)), locales: sorted(entries.map((e) => e.locale)), models: sorted(entries.map((e) => e.model)) };
}

/** The chain of steps that led to `file`: first generation first, `file` last. Stops at loops and after 20 steps. */
export function lineageChain(file: string, byFile: ReadonlyMap<string, HistoryEntry>): Array<{ file: string; operation: 'generate' | 'edit'; prompt: string }> {
  const chain: Array<{ file: string; operation: 'generate' | 'edit'; prompt: string }> = [];
  const seen = new Set<string>();
  let current: string | undefined = file;
  while (current && !seen.has(current) && chain.length < 20) {
    seen.add(current);
    const entry = byFile.get(current);
    if (!entry) {
      chain.push({ file: current, operation: 'generate', prompt: '' });
      break;
    }
    chain.push({ file: current, operation: entry.operation ?? 'generate', prompt: entry.promptTyped ?? '' });
    current = entry.parentFile;
  }
  return chain.reverse();
}
