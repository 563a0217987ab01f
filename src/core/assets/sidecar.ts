/**
 * The sidecar `<image file name>.mockup.json` written beside every image: what was asked, what was
 * sent, what came back and what was done to it. Schema: schemas/sidecar.schema.json (version 1).
 * It never holds a key, a token or any other secret: only the endpoint's host name.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { PlanStep } from '../sizes/planner';

export const SIDECAR_SCHEMA_VERSION = 1;
export const SIDECAR_SUFFIX = '.mockup.json';

export function sidecarFileName(imageFileName: string): string {
  return `${imageFileName}${SIDECAR_SUFFIX}`;
}

/** After an inpaint: the input's pixels kept outside the painted region, blended over `seam` pixels at its edge. */
export interface KeepOutsideMaskStep {
  readonly kind: 'keepOutsideMask';
  readonly seam: number;
  readonly paintedPixels: number;
  readonly seamPixels: number;
}

/** A post-processing step as a sidecar records it. */
export type SidecarStep = PlanStep | KeepOutsideMaskStep;

export interface FileRecord {
  /** File name relative to the sidecar's folder (or a workspace-relative path for references). */
  readonly file: string;
  readonly width?: number;
  readonly height?: number;
  readonly format?: 'png' | 'jpeg' | 'webp';
  readonly bytes?: number;
  readonly sha256: string;
}

export interface Sidecar {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'foundry-mockups'; readonly version: string };
  /** ISO 8601 time the image was received. */
  readonly createdAt: string;
  readonly prompt: {
    /** What the user typed (or the template's fields rendered). */
    readonly typed: string;
    /** The full prompt sent to the service (style guide, locale instructions included). */
    readonly sent: string;
    readonly revised?: string;
    readonly template?: { readonly id: string; readonly fields: Readonly<Record<string, string>> };
    readonly locale?: string;
    readonly styleGuide?: string;
    /** The design system sent with the prompt: its files with their SHA-256, its hash and the block sent. */
    readonly designSystem?: { readonly kind: string; readonly files: ReadonlyArray<{ readonly file: string; readonly sha256: string }>; readonly sha256: string; readonly block: string };
  };
  readonly service: {
    readonly model: string;
    readonly deployment: string;
    /** Host name only, e.g. `my-resource.openai.azure.com`. */
    readonly endpointHost: string;
    readonly apiMode: 'v1' | 'dated';
    readonly apiVersion?: string;
    readonly requestId?: string;
    readonly durationMs?: number;
  };
  readonly request: {
    readonly operation: 'generate' | 'edit';
    readonly size: string;
    readonly quality?: string;
    readonly n?: number;
    readonly outputFormat?: string;
    readonly outputCompression?: number;
    readonly background?: string;
    readonly moderation?: string;
    readonly inputFidelity?: string;
    readonly partialImages?: number;
    /** 1-based index of this image among the request's images. */
    readonly variant?: number;
    /** Further fields passed through unchanged (`extraBody`). */
    readonly extra?: Readonly<Record<string, unknown>>;
  };
  readonly target: {
    readonly width?: number;
    readonly height?: number;
    readonly cssWidth?: number;
    readonly cssHeight?: number;
    readonly density?: number;
    readonly presetId?: string;
    readonly fit?: 'cover' | 'contain' | 'generated';
    readonly auto?: boolean;
  };
  readonly output: FileRecord;
  /** The service's own bytes, kept untouched when the image was post-processed. */
  readonly original?: FileRecord & { readonly steps: readonly SidecarStep[]; readonly explanation: string };
  readonly lineage?: {
    /** What the edit did: refine (a new prompt), inpaint (a painted region) or redesign (a screenshot restyled). */
    readonly mode?: 'refine' | 'inpaint' | 'redesign';
    readonly parent?: FileRecord;
    readonly references?: readonly FileRecord[];
    readonly mask?: FileRecord;
    /** The set's anchor, sent as the last input image so that one look carries through the set. */
    readonly anchor?: FileRecord;
  };
  readonly usage?: {
    readonly inputTokens?: number;
    readonly outputTokens?: number;
    readonly totalTokens?: number;
    readonly inputTextTokens?: number;
    readonly inputImageTokens?: number;
    readonly outputImageTokens?: number;
    readonly outputTextTokens?: number;
    /** `request`: the tokens of the whole request, which made `images` images. */
    readonly share?: 'request';
    readonly images?: number;
  };
  readonly cost?: {
    /** This image's share of the request's cost (`share: 'image'`), or the request's own cost. */
    readonly usd: number;
    readonly currency: 'USD';
    readonly basis: 'usage' | 'estimate';
    readonly share?: 'image' | 'request';
    /** The whole request's cost when `usd` is an image's share. */
    readonly requestUsd?: number;
    readonly images?: number;
  };
  readonly safety?: {
    readonly contentFilterResults?: unknown;
    readonly promptFilterResults?: unknown;
  };
  /** Fingerprint of the job (prompt as sent, parameters, deployment) for idempotent batch runs. */
  readonly fingerprint?: string;
  readonly batch?: { readonly file: string; readonly assetId: string };
}

/**
 * Where a file the sidecar records beside its image is (the original: `x.original.png`, or
 * `originals/x.original.png` with a companion folder), as an absolute path in the sidecar's folder;
 * undefined for a record that would lead anywhere else (a hand-edited or hostile sidecar).
 */
export function companionPath(sidecarFolder: string, recorded: string): string | undefined {
  const parts = recorded.split(/[\\/]/);
  if (parts.length > 2 || parts.some((part) => part === '' || part === '.' || part === '..')) return undefined;
  return path.join(sidecarFolder, ...parts);
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Secrets must never reach a sidecar: refuse to serialize anything that looks like one. */
const SECRET_KEYS = /^(api[-_]?key|authorization|access[-_]?token|token|secret|password|bearer)$/i;

export function serializeSidecar(sidecar: Sidecar): Uint8Array {
  const json = JSON.stringify(
    sidecar,
    (key, value: unknown) => {
      if (SECRET_KEYS.test(key)) throw new Error(`refusing to write a sidecar field named "${key}": sidecars never hold secrets`);
      return value;
    },
    2,
  );
  return new TextEncoder().encode(`${json}\n`);
}

/**
 * A stable fingerprint of a job: the same prompt as sent, parameters and deployment give the
 * same value, whatever the order of the object's keys.
 */
export function jobFingerprint(parts: { promptSent: string; deployment: string; model: string; parameters: Readonly<Record<string, unknown>> }): string {
  return sha256(new TextEncoder().encode(stableStringify(parts)));
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Every sidecar in `dir` that parses as JSON, with its file name and path: hidden files and
 * unreadable or damaged sidecars are passed over (they prove nothing). A missing folder has none.
 */
export async function* sidecarsIn(dir: string): AsyncGenerator<{ readonly entry: string; readonly file: string; readonly data: unknown }> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.endsWith(SIDECAR_SUFFIX) || entry.startsWith('.')) continue;
    const file = path.join(dir, entry);
    let data: unknown;
    try {
      data = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    } catch {
      continue;
    }
    yield { entry, file, data };
  }
}
