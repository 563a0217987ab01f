/**
 * The main path of the product, shared by the commands, the Studio, batch runs and the CLI:
 * one request to Foundry -> each returned image post-processed to exactly the target -> image,
 * untouched original and sidecar written atomically into the chosen folder.
 * Nothing is written when the request fails or is cancelled.
 */
import * as path from 'node:path';
import { writeGroupAtomic } from './assets/atomicWrite';
import { assetBaseName, fileNameProblem } from './assets/naming';
import { type FileRecord, jobFingerprint, serializeSidecar, sha256, type Sidecar, sidecarFileName } from './assets/sidecar';
import type { EditRequest, FoundryClient, GenerateRequest, ImageResult, PartialImage, Quality, Background, Moderation, InputFidelity, ApiMode, ImageInput } from './foundry';
import { FoundryError } from './foundry';
import { applyPlan, originalFileName, type ImageFormat } from './image';
import { costFromUsage, type Pricing } from './pricing';
import type { SizePlan } from './sizes/planner';
import { formatSize } from './sizes/rules';

/** An input image of an edit, as read from the workspace. */
export interface InputFile {
  readonly bytes: Uint8Array;
  /** Workspace-relative path, recorded in the sidecar's lineage. */
  readonly file: string;
}

export interface MockupRequest {
  /** The prompt as the user typed it (or the template's fields rendered). */
  readonly promptTyped: string;
  /** The full prompt sent (style guide and locale instructions added). */
  readonly promptSent: string;
  readonly template?: { readonly id: string; readonly fields: Readonly<Record<string, string>> };
  readonly locale?: string;
  readonly styleGuide?: string;
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
  /** A file name (no extension) instead of one made from the prompt. */
  readonly name?: string;
  /** Whether the size or preset id is added to the name; default: unless `name` is given. */
  readonly sizeInName?: boolean;
  /** Present for an edit: the image to edit, reference images and an optional mask. */
  readonly edit?: { readonly image: InputFile; readonly references?: readonly InputFile[]; readonly mask?: InputFile };
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

export interface ConnectionInfo {
  readonly deployment: string;
  readonly model: string;
  readonly endpointHost: string;
  readonly apiMode: ApiMode;
  readonly apiVersion?: string;
}

export interface MockupContext {
  readonly client: FoundryClient;
  readonly connection: ConnectionInfo;
  readonly pricing: Pricing;
  readonly toolVersion: string;
  readonly signal?: AbortSignal;
  readonly onPartialImage?: (partial: PartialImage) => void;
  readonly now?: () => Date;
}

export interface WrittenMockup {
  /** Absolute path of the exact-size image. */
  readonly file: string;
  /** Absolute path of the service's untouched original, when the image was post-processed. */
  readonly original?: string;
  readonly sidecarFile: string;
  readonly sidecar: Sidecar;
}

export interface MockupOutcome {
  readonly mockups: WrittenMockup[];
  readonly requestId?: string;
  readonly durationMs: number;
  readonly costUsd?: number;
  readonly warnings: string[];
}

/** The fingerprint of what a request would send: equal fingerprints mean an identical job. */
export function requestFingerprint(request: MockupRequest, connection: ConnectionInfo): string {
  return jobFingerprint({
    promptSent: request.promptSent,
    deployment: connection.deployment,
    model: connection.model,
    parameters: {
      operation: request.edit ? 'edit' : 'generate',
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
      inputs: request.edit ? [request.edit.image, ...(request.edit.references ?? []), ...(request.edit.mask ? [request.edit.mask] : [])].map((f) => digestOf(f.bytes)) : undefined,
    },
  });
}

export async function createMockups(request: MockupRequest, context: MockupContext): Promise<MockupOutcome> {
  if (request.name !== undefined) {
    const problem = fileNameProblem(request.name);
    if (problem) throw new FoundryError('validation', `name: ${problem}`, { param: 'name' });
  }
  if (request.baseName !== undefined) {
    const problem = fileNameProblem(request.baseName);
    if (problem) throw new FoundryError('validation', `baseName: ${problem}`, { param: 'baseName' });
  }
  const format = request.outputFormat ?? 'png';
  const size = request.plan.generation === 'auto' ? 'auto' : formatSize(request.plan.generation);
  const common: GenerateRequest = {
    prompt: request.promptSent,
    size,
    n: request.n ?? 1,
    outputFormat: format,
    ...(request.quality ? { quality: request.quality } : {}),
    ...(request.outputCompression !== undefined ? { outputCompression: request.outputCompression } : {}),
    ...(request.background ? { background: request.background } : {}),
    ...(request.partialImages ? { partialImages: request.partialImages } : {}),
    ...(request.extraBody ? { extraBody: request.extraBody } : {}),
  };
  const call = { ...(context.signal ? { signal: context.signal } : {}), ...(context.onPartialImage ? { onPartialImage: context.onPartialImage } : {}) };

  let result: ImageResult;
  if (request.edit) {
    const images: ImageInput[] = [request.edit.image, ...(request.edit.references ?? [])].map((f) => ({ bytes: f.bytes, name: path.basename(f.file) }));
    const edit: EditRequest = {
      ...common,
      images,
      ...(request.edit.mask ? { mask: { bytes: request.edit.mask.bytes, name: path.basename(request.edit.mask.file) } } : {}),
      ...(request.inputFidelity ? { inputFidelity: request.inputFidelity } : {}),
    };
    result = await context.client.edit(edit, call);
  } else {
    result = await context.client.generate({ ...common, ...(request.moderation ? { moderation: request.moderation } : {}) }, call);
  }

  // Post-process every image before writing any, so that a failure or a cancel writes nothing.
  const processed = [];
  for (const image of result.images) {
    context.signal?.throwIfAborted();
    const needsProcessing = request.plan.target !== 'auto' && request.plan.fit !== 'generated';
    const serviceFormat: ImageFormat = image.format === 'jpeg' ? 'jpeg' : 'png';
    if (needsProcessing) {
      const applied = await applyPlan(image.bytes, request.plan, { format, ...(request.outputCompression !== undefined ? { compression: request.outputCompression } : {}) });
      processed.push({ image, serviceFormat, applied: applied.steps.length > 0 ? applied : undefined, output: applied });
    } else {
      processed.push({ image, serviceFormat, applied: undefined, output: undefined });
    }
  }
  context.signal?.throwIfAborted();

  const costUsd = result.usage ? costFromUsage(result.usage, context.pricing).usd : undefined;
  const fingerprint = requestFingerprint(request, context.connection);
  const createdAt = (context.now?.() ?? new Date()).toISOString();
  const variants = result.images.length;
  const mockups: WrittenMockup[] = [];

  for (const [index, entry] of processed.entries()) {
    const outputBytes = entry.applied ? entry.applied.bytes : entry.image.bytes;
    const outputFormat: ImageFormat = entry.applied ? entry.applied.format : entry.serviceFormat;
    const width = entry.applied?.width ?? entry.output?.width ?? entry.image.width;
    const height = entry.applied?.height ?? entry.output?.height ?? entry.image.height;
    const target = request.plan.target;
    const base = request.baseName !== undefined ? (variants > 1 ? `${request.baseName}-v${index + 1}` : request.baseName) : assetBaseName({
      prompt: namingText(request),
      ...(request.name !== undefined ? { name: request.name } : {}),
      width: target === 'auto' ? (width ?? 0) : target.width,
      height: target === 'auto' ? (height ?? 0) : target.height,
      ...(target !== 'auto' && target.presetId ? { presetId: target.presetId } : {}),
      ...(request.locale ? { locale: request.locale } : {}),
      variant: index + 1,
      variants,
      includeSize: request.sizeInName ?? request.name === undefined,
    });
    const ext = outputFormat === 'jpeg' ? '.jpg' : '.png';
    let sidecar: Sidecar | undefined;
    const written = await writeGroupAtomic(request.folder, base, (candidate) => {
      const fileName = `${candidate}${ext}`;
      const originalName = entry.applied ? originalFileName(fileName, entry.serviceFormat) : undefined;
      sidecar = buildSidecar({
        request,
        context,
        result,
        createdAt,
        fingerprint,
        variant: request.variant !== undefined ? request.variant + index : index + 1,
        output: { file: fileName, bytes: outputBytes, format: outputFormat, width, height },
        original: entry.applied && originalName ? { file: originalName, bytes: entry.image.bytes, format: entry.serviceFormat, width: entry.applied.sourceSize.width, height: entry.applied.sourceSize.height, steps: entry.applied.steps, explanation: request.plan.explanation } : undefined,
        costUsd: costUsd !== undefined ? costUsd / variants : undefined,
        revisedPrompt: entry.image.revisedPrompt,
        contentFilter: entry.image.contentFilter,
      });
      // The sidecar first: it is the manifest of the group (see writeGroupAtomic).
      return [
        { name: sidecarFileName(fileName), bytes: serializeSidecar(sidecar) },
        ...(originalName ? [{ name: originalName, bytes: entry.image.bytes }] : []),
        { name: fileName, bytes: outputBytes },
      ];
    });
    const files = written.files;
    mockups.push({
      file: files[files.length - 1],
      ...(entry.applied ? { original: files[1] } : {}),
      sidecarFile: files[0],
      sidecar: sidecar as Sidecar,
    });
  }

  return {
    mockups,
    ...(result.requestId ? { requestId: result.requestId } : {}),
    durationMs: result.durationMs,
    ...(costUsd !== undefined ? { costUsd } : {}),
    warnings: [...request.plan.warnings, ...result.warnings],
  };
}

/**
 * The text a file name is made from: a template's own fields (a template's prompt starts with the
 * same boilerplate for every asset, "A high-fidelity mobile app UI mockup of..."), else the prompt.
 */
export function namingText(request: Pick<MockupRequest, 'promptTyped' | 'template'>): string {
  const fields = request.template ? Object.values(request.template.fields).filter((v) => v.trim()) : [];
  return fields.length > 0 ? fields.join(' ') : request.promptTyped;
}

interface SidecarParts {
  readonly request: MockupRequest;
  readonly context: MockupContext;
  readonly result: ImageResult;
  readonly createdAt: string;
  readonly fingerprint: string;
  readonly variant: number;
  readonly output: { file: string; bytes: Uint8Array; format: ImageFormat; width?: number; height?: number };
  readonly original?: { file: string; bytes: Uint8Array; format: ImageFormat; width: number; height: number; steps: SizePlan['steps']; explanation: string };
  readonly costUsd?: number;
  readonly revisedPrompt?: string;
  readonly contentFilter?: { readonly contentFilterResults?: unknown; readonly promptFilterResults?: unknown };
}

/**
 * SHA-256 of image bytes, computed once per array: the same inputs and outputs are hashed for the
 * fingerprint, for every variant's lineage and for every name tried when one is taken (4K images
 * and edit inputs of up to 16 x 50 MB). The arrays are never changed after they are made.
 */
const digests = new WeakMap<Uint8Array, string>();
function digestOf(bytes: Uint8Array): string {
  let digest = digests.get(bytes);
  if (digest === undefined) {
    digest = sha256(bytes);
    digests.set(bytes, digest);
  }
  return digest;
}

function fileRecord(file: string, bytes: Uint8Array, extra: Partial<FileRecord> = {}): FileRecord {
  return { file, bytes: bytes.length, sha256: digestOf(bytes), ...extra };
}

function buildSidecar(parts: SidecarParts): Sidecar {
  const { request, context, result } = parts;
  const { connection } = context;
  const plan = request.plan;
  const target = plan.target;
  const usage = result.usage;
  return {
    schemaVersion: 1,
    tool: { name: 'foundry-mockups', version: context.toolVersion },
    createdAt: parts.createdAt,
    prompt: {
      typed: request.promptTyped,
      sent: request.promptSent,
      ...(parts.revisedPrompt ? { revised: parts.revisedPrompt } : {}),
      ...(request.template ? { template: request.template } : {}),
      ...(request.locale ? { locale: request.locale } : {}),
      ...(request.styleGuide ? { styleGuide: request.styleGuide } : {}),
    },
    service: {
      model: connection.model,
      deployment: connection.deployment,
      endpointHost: connection.endpointHost,
      apiMode: connection.apiMode,
      ...(connection.apiVersion ? { apiVersion: connection.apiVersion } : {}),
      ...(result.requestId ? { requestId: result.requestId } : {}),
      durationMs: Math.round(result.durationMs),
    },
    request: {
      operation: request.edit ? 'edit' : 'generate',
      size: plan.generation === 'auto' ? 'auto' : formatSize(plan.generation),
      ...(request.quality ? { quality: request.quality } : {}),
      n: request.n ?? 1,
      outputFormat: request.outputFormat ?? 'png',
      ...(request.outputCompression !== undefined ? { outputCompression: request.outputCompression } : {}),
      ...(request.background ? { background: request.background } : {}),
      ...(request.moderation ? { moderation: request.moderation } : {}),
      ...(request.inputFidelity ? { inputFidelity: request.inputFidelity } : {}),
      ...(request.partialImages ? { partialImages: request.partialImages } : {}),
      variant: parts.variant,
      ...(request.extraBody ? { extra: request.extraBody } : {}),
    },
    target:
      target === 'auto'
        ? { auto: true, fit: plan.fit }
        : {
            width: target.width,
            height: target.height,
            ...(target.cssWidth !== undefined ? { cssWidth: target.cssWidth } : {}),
            ...(target.cssHeight !== undefined ? { cssHeight: target.cssHeight } : {}),
            ...(target.density !== undefined ? { density: target.density } : {}),
            ...(target.presetId ? { presetId: target.presetId } : {}),
            fit: plan.fit,
          },
    output: fileRecord(parts.output.file, parts.output.bytes, {
      format: parts.output.format,
      ...(parts.output.width ? { width: parts.output.width } : {}),
      ...(parts.output.height ? { height: parts.output.height } : {}),
    }),
    ...(parts.original
      ? {
          original: {
            ...fileRecord(parts.original.file, parts.original.bytes, { format: parts.original.format, width: parts.original.width, height: parts.original.height }),
            steps: parts.original.steps,
            explanation: parts.original.explanation,
          },
        }
      : {}),
    ...(request.edit
      ? {
          lineage: {
            parent: fileRecord(request.edit.image.file, request.edit.image.bytes),
            ...(request.edit.references?.length ? { references: request.edit.references.map((r) => fileRecord(r.file, r.bytes)) } : {}),
            ...(request.edit.mask ? { mask: fileRecord(request.edit.mask.file, request.edit.mask.bytes) } : {}),
          },
        }
      : {}),
    ...(usage
      ? {
          usage: {
            inputTokens: usage.inputTokens,
            outputTokens: usage.outputTokens,
            totalTokens: usage.totalTokens,
            ...(usage.inputTokensDetails ? { inputTextTokens: usage.inputTokensDetails.textTokens, inputImageTokens: usage.inputTokensDetails.imageTokens } : {}),
            ...(usage.outputTokensDetails ? { outputImageTokens: usage.outputTokensDetails.imageTokens, outputTextTokens: usage.outputTokensDetails.textTokens } : {}),
          },
        }
      : {}),
    ...(parts.costUsd !== undefined ? { cost: { usd: Math.round(parts.costUsd * 1e6) / 1e6, currency: 'USD' as const, basis: 'usage' as const } } : {}),
    ...(parts.contentFilter && (parts.contentFilter.contentFilterResults || parts.contentFilter.promptFilterResults)
      ? {
          safety: {
            ...(parts.contentFilter.contentFilterResults ? { contentFilterResults: parts.contentFilter.contentFilterResults } : {}),
            ...(parts.contentFilter.promptFilterResults ? { promptFilterResults: parts.contentFilter.promptFilterResults } : {}),
          },
        }
      : {}),
    fingerprint: parts.fingerprint,
    ...(request.batch ? { batch: request.batch } : {}),
  };
}
