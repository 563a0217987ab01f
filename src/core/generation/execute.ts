/**
 * Sends ONE prepared request and writes its files: each returned image post-processed to exactly
 * the target, then image, untouched original (and a painted mask) and sidecar written atomically
 * as one group into the request's folder. Nothing is written when the request fails or is
 * cancelled, or when any image of the answer cannot be processed. runGeneration (run.ts) and the
 * batch engine call this; nothing else sends.
 */
import * as path from 'node:path';
import { type NamedBytes, writeGroupAtomic } from '../assets/atomicWrite';
import { assetBaseName, fileNameProblem } from '../assets/naming';
import { type FileRecord, serializeSidecar, type Sidecar, sidecarFileName, type SidecarStep } from '../assets/sidecar';
import type { CallOptions, EditRequest, FoundryClient, GenerateRequest, GeneratedImage, ImageInput, ImageResult, PartialImage, RetryNotice } from '../foundry';
import { FoundryError, readImageInfo } from '../foundry';
import { applyPlan, asProcessingFailure, maskFileName, originalFileName } from '../image';
import { keepOutsideMask } from '../image/inpaint';
import { costFromUsage, type Pricing } from '../pricing';
import { formatSize } from '../sizes/rules';
import type { ImageFormat } from '../vocabulary';
import { type ConnectionInfo, digestOf, isPaintedMask, type MockupRequest, namingText, operationOf, requestFingerprint } from './request';

export interface MockupContext {
  readonly client: FoundryClient;
  readonly connection: ConnectionInfo;
  readonly pricing: Pricing;
  readonly toolVersion: string;
  readonly signal?: AbortSignal;
  readonly onPartialImage?: (partial: PartialImage) => void;
  /** Told before the client waits to try again (rate limited, a broken answer, a network error). */
  readonly onRetry?: (notice: RetryNotice) => void;
  readonly now?: () => Date;
}

export interface WrittenMockup {
  /** Absolute path of the exact-size image. */
  readonly file: string;
  /** Absolute path of the service's untouched original, when the image was post-processed. */
  readonly original?: string;
  /** Absolute path of the painted mask written with an inpaint's result. */
  readonly mask?: string;
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

export async function executeRequest(request: MockupRequest, context: MockupContext): Promise<MockupOutcome> {
  for (const [field, value] of [['name', request.name], ['baseName', request.baseName]] as const) {
    const problem = value === undefined ? undefined : fileNameProblem(value);
    if (problem) throw new FoundryError('validation', `${field}: ${problem}`, { param: field });
  }
  const result = await send(request, context);

  // Post-process every image before writing any, so that a failure or a cancel writes nothing.
  const format = request.outputFormat ?? 'png';
  const needsProcessing = request.plan.target !== 'auto' && request.plan.fit !== 'generated';
  const keep = keepOutsideMaskOf(request);
  const processed: Array<{ image: GeneratedImage; serviceFormat: ImageFormat; applied?: Processed }> = [];
  for (const image of result.images) {
    context.signal?.throwIfAborted();
    const serviceFormat: ImageFormat = image.format === 'jpeg' ? 'jpeg' : 'png';
    let applied: Processed | undefined;
    if (needsProcessing) {
      const plan = await applyPlan(image.bytes, request.plan, { format, ...(request.outputCompression !== undefined ? { compression: request.outputCompression } : {}) }).catch((error: unknown) => {
        throw asProcessingFailure(error, result.requestId);
      });
      if (plan.steps.length > 0) applied = plan;
    }
    if (keep) {
      // The inpaint's exact-size result keeps every pixel outside the painted region.
      const source = applied ?? { ...sizeOfImage(image), sourceSize: sizeOfImage(image) };
      const kept = await keepOutsideMask(keep.input, applied?.bytes ?? image.bytes, keep.mask, { seam: keep.seam }).catch((error: unknown) => {
        throw asProcessingFailure(error, result.requestId);
      });
      applied = {
        bytes: kept.bytes,
        format: kept.format,
        width: kept.width,
        height: kept.height,
        sourceSize: source.sourceSize,
        steps: [...(applied?.steps ?? []), { kind: 'keepOutsideMask', seam: keep.seam, paintedPixels: kept.paintedPixels, seamPixels: kept.seamPixels }],
      };
    }
    processed.push({ image, serviceFormat, ...(applied ? { applied } : {}) });
  }
  context.signal?.throwIfAborted();

  const requestUsd = result.usage ? costFromUsage(result.usage, context.pricing).usd : undefined;
  const fingerprint = requestFingerprint(request, context.connection);
  const createdAt = (context.now?.() ?? new Date()).toISOString();
  const variants = result.images.length;
  const painted = isPaintedMask(request.edit?.mask) ? request.edit.mask : undefined;
  const mockups: WrittenMockup[] = [];

  for (const [index, entry] of processed.entries()) {
    const outputBytes = entry.applied ? entry.applied.bytes : entry.image.bytes;
    const outputFormat: ImageFormat = entry.applied ? entry.applied.format : entry.serviceFormat;
    const size = entry.applied ?? sizeOfImage(entry.image);
    const target = request.plan.target;
    const base =
      request.baseName !== undefined
        ? variants > 1
          ? `${request.baseName}-v${index + 1}`
          : request.baseName
        : assetBaseName({
            prompt: namingText(request),
            ...(request.name !== undefined ? { name: request.name } : {}),
            // `auto`: named after the size the service actually returned.
            width: target === 'auto' ? size.width : target.width,
            height: target === 'auto' ? size.height : target.height,
            ...(target !== 'auto' && target.presetId ? { presetId: target.presetId } : {}),
            ...(request.locale && request.localeInName !== false ? { locale: request.locale } : {}),
            variant: index + 1,
            variants,
            includeSize: request.sizeInName ?? request.name === undefined,
          });
    const ext = outputFormat === 'jpeg' ? '.jpg' : '.png';
    let sidecar: Sidecar | undefined;
    let maskName: string | undefined;
    const written = await writeGroupAtomic(request.folder, base, (candidate) => {
      const fileName = `${candidate}${ext}`;
      const originalName = entry.applied ? companion(request, originalFileName(fileName, entry.serviceFormat)) : undefined;
      maskName = painted ? companion(request, maskFileName(candidate)) : undefined;
      sidecar = buildSidecar({
        request,
        context,
        result,
        createdAt,
        fingerprint,
        variant: request.variant !== undefined ? request.variant + index : index + 1,
        output: { file: fileName, bytes: outputBytes, format: outputFormat, width: size.width, height: size.height },
        ...(entry.applied && originalName
          ? { original: { file: originalName, bytes: entry.image.bytes, format: entry.serviceFormat, width: entry.applied.sourceSize.width, height: entry.applied.sourceSize.height, steps: entry.applied.steps, explanation: explanationOf(request, entry.applied.steps) } }
          : {}),
        ...(painted && maskName ? { paintedMask: { file: lineagePath(request, maskName), bytes: painted.bytes } } : {}),
        ...(requestUsd !== undefined ? { cost: { imageUsd: requestUsd / variants, requestUsd, images: variants } } : {}),
        ...(entry.image.revisedPrompt ? { revisedPrompt: entry.image.revisedPrompt } : {}),
        ...(entry.image.contentFilter ? { contentFilter: entry.image.contentFilter } : {}),
      });
      // The sidecar first: it is the manifest of the group (see writeGroupAtomic).
      const files: NamedBytes[] = [{ name: sidecarFileName(fileName), bytes: serializeSidecar(sidecar) }];
      if (originalName) files.push({ name: originalName, bytes: entry.image.bytes });
      if (painted && maskName) files.push({ name: maskName, bytes: painted.bytes });
      files.push({ name: fileName, bytes: outputBytes });
      return files;
    }, context.signal);
    const files = written.files;
    mockups.push({
      file: files[files.length - 1],
      ...(entry.applied ? { original: files[1] } : {}),
      ...(painted ? { mask: files[files.length - 2] } : {}),
      sidecarFile: files[0],
      sidecar: sidecar as Sidecar,
    });
  }

  return {
    mockups,
    ...(result.requestId ? { requestId: result.requestId } : {}),
    durationMs: result.durationMs,
    ...(requestUsd !== undefined ? { costUsd: requestUsd } : {}),
    warnings: [...request.plan.warnings, ...result.warnings],
  };
}

/** The one place a request reaches the service. */
function send(request: MockupRequest, context: MockupContext): Promise<ImageResult> {
  const size = request.plan.generation === 'auto' ? 'auto' : formatSize(request.plan.generation);
  const common: GenerateRequest = {
    prompt: request.promptSent,
    size,
    n: request.n ?? 1,
    outputFormat: request.outputFormat ?? 'png',
    ...(request.quality ? { quality: request.quality } : {}),
    ...(request.outputCompression !== undefined ? { outputCompression: request.outputCompression } : {}),
    ...(request.background ? { background: request.background } : {}),
    ...(request.partialImages ? { partialImages: request.partialImages } : {}),
    ...(request.extraBody ? { extraBody: request.extraBody } : {}),
  };
  const call: CallOptions = {
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.onPartialImage ? { onPartialImage: context.onPartialImage } : {}),
    ...(context.onRetry ? { onRetry: context.onRetry } : {}),
  };
  if (operationOf(request) === 'generate') return context.client.generate({ ...common, ...(request.moderation ? { moderation: request.moderation } : {}) }, call);
  const { image, references = [], mask } = request.edit ?? {};
  const inputs = [...(image ? [image] : []), ...references, ...(request.anchor ? [request.anchor] : [])];
  const images: ImageInput[] = inputs.map((f) => ({ bytes: f.bytes, name: path.basename(f.file) }));
  const edit: EditRequest = {
    ...common,
    images,
    ...(mask ? { mask: { bytes: mask.bytes, name: isPaintedMask(mask) ? 'mask.png' : path.basename(mask.file) } } : {}),
    ...(request.inputFidelity ? { inputFidelity: request.inputFidelity } : {}),
  };
  return context.client.edit(edit, call);
}

/** The plan's sentence, and what keeping the pixels outside the mask did. */
function explanationOf(request: MockupRequest, steps: readonly SidecarStep[]): string {
  const kept = steps.find((step) => step.kind === 'keepOutsideMask');
  if (!kept || kept.kind !== 'keepOutsideMask') return request.plan.explanation;
  const seam = kept.seam > 0 ? `, blended over a ${kept.seam} px seam at its edge` : ', with a hard edge';
  return `${request.plan.explanation} Then every pixel outside the painted region (${kept.paintedPixels} px) is the input's${seam}.`;
}

/** An image of the answer after post-processing: the steps run, from the service's size. */
interface Processed {
  readonly bytes: Uint8Array;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly sourceSize: { readonly width: number; readonly height: number };
  readonly steps: readonly SidecarStep[];
}

/** What keeping the pixels outside an inpaint's mask needs, when the request asks for it and the result is the input's size. */
function keepOutsideMaskOf(request: MockupRequest): { input: Uint8Array; mask: Uint8Array; seam: number } | undefined {
  const edit = request.edit;
  if (request.inpaintSeam === undefined || !edit?.mask) return undefined;
  const input = readImageInfo(edit.image.bytes);
  const target = request.plan.target;
  if (!input || target === 'auto' || target.width !== input.width || target.height !== input.height) return undefined;
  return { input: edit.image.bytes, mask: edit.mask.bytes, seam: request.inpaintSeam };
}

/** The pixel size of an image kept as the service sent it (the client reads it from the bytes). */
function sizeOfImage(image: GeneratedImage): { width: number; height: number } {
  if (image.width && image.height) return { width: image.width, height: image.height };
  const info = readImageInfo(image.bytes);
  if (!info) throw new FoundryError('invalidResponse', 'The service returned an image whose size cannot be read. Try again.');
  return { width: info.width, height: info.height };
}

/** A file of the result's folder as lineage records it: relative to the workspace. */
/** A companion file's name relative to the image's folder: in the companion folder when one is set. */
function companion(request: MockupRequest, name: string): string {
  return request.companionFolder ? `${request.companionFolder}/${name}` : name;
}

function lineagePath(request: MockupRequest, name: string): string {
  const folder = request.folderRelative ?? '';
  return folder && folder !== '.' ? `${folder.replace(/\/+$/, '')}/${name}` : name;
}

interface SidecarParts {
  readonly request: MockupRequest;
  readonly context: MockupContext;
  readonly result: ImageResult;
  readonly createdAt: string;
  readonly fingerprint: string;
  readonly variant: number;
  readonly output: { file: string; bytes: Uint8Array; format: ImageFormat; width?: number; height?: number };
  readonly original?: { file: string; bytes: Uint8Array; format: ImageFormat; width: number; height: number; steps: readonly SidecarStep[]; explanation: string };
  readonly paintedMask?: { file: string; bytes: Uint8Array };
  /** The request's cost from its usage, and this image's share of it (the request made `images`). */
  readonly cost?: { imageUsd: number; requestUsd: number; images: number };
  readonly revisedPrompt?: string;
  readonly contentFilter?: { readonly contentFilterResults?: unknown; readonly promptFilterResults?: unknown };
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
      ...(request.designSystem
        ? { designSystem: { kind: request.designSystem.kind, files: request.designSystem.files.map((f) => ({ file: f.path, sha256: f.sha256 })), sha256: request.designSystem.sha256, block: request.designSystem.block } }
        : {}),
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
      operation: operationOf(request),
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
    ...(request.edit || request.anchor
      ? {
          lineage: {
            ...(request.edit
              ? {
                  ...(request.edit.mode ? { mode: request.edit.mode } : {}),
                  parent: fileRecord(request.edit.image.file, request.edit.image.bytes),
                  ...(request.edit.references?.length ? { references: request.edit.references.map((r) => fileRecord(r.file, r.bytes)) } : {}),
                  ...(parts.paintedMask
                    ? { mask: fileRecord(parts.paintedMask.file, parts.paintedMask.bytes) }
                    : request.edit.mask && !isPaintedMask(request.edit.mask)
                      ? { mask: fileRecord(request.edit.mask.file, request.edit.mask.bytes) }
                      : {}),
                }
              : {}),
            ...(request.anchor ? { anchor: fileRecord(request.anchor.file, request.anchor.bytes) } : {}),
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
            // The service reports usage per request: these are the tokens of all its images.
            share: 'request' as const,
            images: parts.cost?.images ?? result.images.length,
          },
        }
      : {}),
    ...(parts.cost
      ? {
          cost: {
            // This image's share; the request's total beside it.
            usd: roundUsd(parts.cost.imageUsd),
            currency: 'USD' as const,
            basis: 'usage' as const,
            share: 'image' as const,
            requestUsd: roundUsd(parts.cost.requestUsd),
            images: parts.cost.images,
          },
        }
      : {}),
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

function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
