/**
 * One request of the use case, as prepared for sending: what is sent (prompt, size plan, options,
 * edit inputs) and where its files go. prepareGeneration (prepare.ts) and the batch expansion make
 * them; executeRequest (execute.ts) sends one and writes its files.
 */
import { jobFingerprint, sha256 } from '../assets/sidecar';
import type { ApiMode } from '../foundry';
import type { SizePlan } from '../sizes/planner';
import { formatSize } from '../sizes/rules';
import type { Background, EditMode, ImageFormat, InputFidelity, Moderation, Quality } from '../vocabulary';

/** An input image of an edit, as read from the workspace. */
export interface InputFile {
  readonly bytes: Uint8Array;
  /** Workspace-relative path (forward slashes), recorded in the sidecar's lineage. */
  readonly file: string;
}

/**
 * A mask painted in the Studio: not a workspace file yet. It is written beside the result, as part
 * of the result's group, only once the service has answered, so that a declined or failed inpaint
 * leaves no mask behind.
 */
export interface PaintedMask {
  readonly painted: true;
  readonly bytes: Uint8Array;
}

export interface MockupRequest {
  /** The prompt as the user typed it (or the template's fields rendered). */
  readonly promptTyped: string;
  /** The full prompt sent (design system, locale instructions and an edit's context added). */
  readonly promptSent: string;
  readonly template?: { readonly id: string; readonly fields: Readonly<Record<string, string>> };
  readonly locale?: string;
  /** Workspace-relative path (or label) of the style guide or design system added to the prompt. */
  readonly styleGuide?: string;
  /** The design system sent with the prompt: its kind, files and hash, and the block sent. */
  readonly designSystem?: { readonly kind: string; readonly files: ReadonlyArray<{ readonly path: string; readonly sha256: string }>; readonly sha256: string; readonly block: string };
  readonly plan: SizePlan;
  readonly quality?: Quality;
  readonly n?: number;
  readonly outputFormat?: ImageFormat;
  readonly outputCompression?: number;
  readonly background?: Background;
  readonly moderation?: Moderation;
  readonly partialImages?: number;
  readonly inputFidelity?: InputFidelity;
  readonly extraBody?: Readonly<Record<string, unknown>>;
  /** Absolute folder, already checked to be inside the workspace. */
  readonly folder: string;
  /** The same folder relative to the workspace (forward slashes; '' for the root), for lineage paths. */
  readonly folderRelative?: string;
  /** A file name (no extension) instead of one made from the prompt. */
  readonly name?: string;
  /** Whether the size or preset id is added to the name; default: unless `name` is given. */
  readonly sizeInName?: boolean;
  /** Whether the locale is added to the name; default true (an edit's name already has its parent's). */
  readonly localeInName?: boolean;
  /** Present for an edit: the image to edit, reference images and an optional mask. */
  readonly edit?: {
    readonly mode?: EditMode;
    readonly image: InputFile;
    readonly references?: readonly InputFile[];
    /** A mask file of the workspace, or one painted in the Studio (written with the result). */
    readonly mask?: InputFile | PaintedMask;
  };
  /**
   * The set's anchor (the first approved image of a set, or any workspace image): sent as the last
   * input image, so that one look carries through every size and locale. A generation with an
   * anchor goes to the edits endpoint with the anchor as its only input; the sidecar's lineage
   * records it.
   */
  readonly anchor?: InputFile;
  /**
   * For an edit with a mask, at the input's own size: keep the input's pixels outside the painted region,
   * with a feathered seam this many pixels wide (0: a hard edge). Absent: the service's answer as it is.
   */
  readonly inpaintSeam?: number;
  /**
   * A sub-folder (one plain name) of the image's folder that holds the service's original and a
   * painted mask, so that the folder holds only the images and their sidecars. Absent: beside the image.
   */
  readonly companionFolder?: string;
  readonly batch?: { readonly file: string; readonly assetId: string };
  /**
   * An exact file name (no extension) used as is, instead of one made from the prompt, size,
   * locale and variant (batch output patterns). Still never overwrites: a taken name gets `-2`.
   */
  readonly baseName?: string;
  /**
   * For a request that makes one variant of several (batch runs send one request per variant):
   * its 1-based number. Part of the fingerprint, so the variants of one prompt are distinct jobs;
   * recorded as the sidecar's `request.variant`.
   */
  readonly variant?: number;
}

/** What sidecars and logs record of a connection: never a key or token, only the endpoint's host. */
export interface ConnectionInfo {
  readonly deployment: string;
  readonly model: string;
  readonly endpointHost: string;
  readonly apiMode: ApiMode;
  readonly apiVersion?: string;
}

export function isPaintedMask(mask: InputFile | PaintedMask | undefined): mask is PaintedMask {
  return mask !== undefined && 'painted' in mask && mask.painted;
}

/** The input images in the order they are sent: the edit's image and references, the anchor, the edit's mask. */
export function editInputs(request: MockupRequest): Array<{ bytes: Uint8Array }> {
  const edit = request.edit;
  const anchor = request.anchor ? [request.anchor] : [];
  if (!edit) return anchor;
  return [edit.image, ...(edit.references ?? []), ...anchor, ...(edit.mask ? [edit.mask] : [])];
}

/** The endpoint a request goes to: an edit, or a generation with an anchor, is sent as an edit. */
export function operationOf(request: MockupRequest): 'edit' | 'generate' {
  return request.edit || request.anchor ? 'edit' : 'generate';
}

/** The fingerprint of what a request would send: equal fingerprints mean an identical job. */
export function requestFingerprint(request: MockupRequest, connection: ConnectionInfo): string {
  return jobFingerprint({
    // Typed in NFC or NFD, the same prompt is the same job.
    promptSent: request.promptSent.normalize('NFC'),
    deployment: connection.deployment,
    model: connection.model,
    parameters: {
      operation: operationOf(request),
      generation: request.plan.generation === 'auto' ? 'auto' : formatSize(request.plan.generation),
      target: request.plan.target === 'auto' ? 'auto' : formatSize(request.plan.target),
      fit: request.plan.fit,
      quality: request.quality,
      n: request.n ?? 1,
      outputFormat: request.outputFormat ?? 'png',
      outputCompression: request.outputCompression,
      background: request.background,
      moderation: request.moderation,
      inputFidelity: request.inputFidelity,
      extraBody: request.extraBody,
      variant: request.variant,
      inputs: operationOf(request) === 'edit' ? editInputs(request).map((f) => digestOf(f.bytes)) : undefined,
    },
  });
}

/**
 * The text a file name is made from: a template's own fields (a template's prompt starts with the
 * same boilerplate for every asset, "A high-fidelity mobile app UI mockup of..."), else the prompt.
 */
export function namingText(request: Pick<MockupRequest, 'promptTyped' | 'template'>): string {
  const fields = request.template ? Object.values(request.template.fields).filter((v) => v.trim()) : [];
  return fields.length > 0 ? fields.join(' ') : request.promptTyped;
}

/**
 * SHA-256 of image bytes, computed once per array: the same inputs and outputs are hashed for the
 * fingerprint, for every variant's lineage and for every name tried when one is taken (4K images
 * and edit inputs of up to 16 x 50 MB). The arrays are never changed after they are made.
 */
const digests = new WeakMap<Uint8Array, string>();
export function digestOf(bytes: Uint8Array): string {
  let digest = digests.get(bytes);
  if (digest === undefined) {
    digest = sha256(bytes);
    digests.set(bytes, digest);
  }
  return digest;
}
