/**
 * Checks a request against the per-model rules before anything is sent, so the user sees which
 * field is wrong and how to fix it. Size rules come from ../sizes/rules.ts (the one place for them);
 * the rest follows docs/foundry-image-api.md §3, §4.
 */
import { fixedSizesOf, formatSize, parseSize, sizeProblem, sizeWarnings, type ModelFamily } from '../sizes/rules';
import type { ValidationProblem } from './errors';
import type { ApiMode, EditRequest, GenerateRequest, ImageContentType, ImageInput } from './types';

import { BACKGROUNDS, INPUT_FIDELITIES, MAX_INPUT_IMAGE_BYTES, MAX_INPUT_IMAGES, MAX_MASK_BYTES, MAX_N, MAX_PARTIAL_IMAGES, MODERATIONS, PROMPT_MAX_CHARS, PROMPT_WARN_CHARS, QUALITIES } from '../vocabulary';

export { MAX_INPUT_IMAGE_BYTES, MAX_INPUT_IMAGES, MAX_MASK_BYTES, MAX_N, MAX_PARTIAL_IMAGES, PROMPT_MAX_CHARS, PROMPT_WARN_CHARS } from '../vocabulary';

/** Families that refuse `input_fidelity` (gpt-image-2 always uses high fidelity; 1-mini has none). */
export function supportsInputFidelity(model: ModelFamily): boolean {
  return model === 'gpt-image-1' || model === 'gpt-image-1.5';
}

export interface ValidationContext {
  readonly model: ModelFamily;
  readonly apiMode: ApiMode;
  readonly allowWebp?: boolean;
}

export interface ValidationReport {
  readonly problems: ValidationProblem[];
  readonly warnings: string[];
}

/** Fields this client models; `extraBody` keys that collide with these are reported as overrides. */
export const MODELLED_FIELDS = new Set([
  'prompt', 'model', 'size', 'n', 'quality', 'output_format', 'output_compression', 'background', 'moderation',
  'stream', 'partial_images', 'user', 'image', 'image[]', 'mask', 'input_fidelity',
]);

function oneOf(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

function isIntIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function checkGenerateRequest(request: GenerateRequest, ctx: ValidationContext): ValidationReport {
  const problems: ValidationProblem[] = [];
  const warnings: string[] = [];
  const add = (param: string, message: string): void => {
    problems.push({ param, message });
  };
  const { model } = ctx;
  const formats = ctx.allowWebp ? ['png', 'jpeg', 'webp'] : ['png', 'jpeg'];

  if (typeof request.prompt !== 'string' || request.prompt.trim().length === 0) {
    add('prompt', 'prompt is empty: describe the image to generate.');
  } else {
    const chars = [...request.prompt].length;
    if (chars > PROMPT_MAX_CHARS) {
      add('prompt', `prompt has ${chars.toLocaleString('en-US')} characters and may have at most ${PROMPT_MAX_CHARS.toLocaleString('en-US')}: shorten it.`);
    } else if (chars > PROMPT_WARN_CHARS) {
      warnings.push(`The prompt has ${chars.toLocaleString('en-US')} characters; Foundry's model table lists 4,000 as the limit for some deployments, so the service may refuse it.`);
    }
  }

  if (request.size !== undefined) {
    const parsed = typeof request.size === 'string' ? parseSize(request.size) : undefined;
    if (parsed === undefined) {
      const fixed = fixedSizesOf(model);
      const hint = fixed ? `one of ${fixed.map(formatSize).join(', ')} or auto` : 'WIDTHxHEIGHT (such as 1536x864) or auto';
      add('size', `size "${String(request.size)}" is not a size: use ${hint}.`);
    } else if (parsed !== 'auto') {
      const problem = sizeProblem(model, parsed);
      if (problem) add('size', problem);
      else warnings.push(...sizeWarnings(model, parsed));
    }
  }

  if (request.n !== undefined && !isIntIn(request.n, 1, MAX_N)) {
    add('n', `n is ${String(request.n)} and must be a whole number from 1 to ${MAX_N}: ask for fewer images per request.`);
  }
  if (request.quality !== undefined && !QUALITIES.includes(request.quality)) {
    add('quality', `quality "${String(request.quality)}" is not one of ${oneOf(QUALITIES)}.`);
  }

  const format = request.outputFormat ?? 'png';
  if (request.outputFormat !== undefined && !formats.includes(request.outputFormat)) {
    const why = request.outputFormat === 'webp' ? " (Foundry's docs say webp is not supported; allow it in the client options to try anyway)" : '';
    add('output_format', `output format "${String(request.outputFormat)}" is not one of ${oneOf(formats)}${why}.`);
  }
  if (request.outputCompression !== undefined) {
    const lossy = ctx.allowWebp ? ['jpeg', 'webp'] : ['jpeg'];
    if (!isIntIn(request.outputCompression, 0, 100)) {
      add('output_compression', `output compression is ${String(request.outputCompression)} and must be a whole number from 0 to 100.`);
    } else if (!lossy.includes(format)) {
      add('output_compression', `output compression applies only to ${lossy.join(' or ')} output: set the output format to jpeg, or remove the compression.`);
    }
  }
  if (request.background !== undefined) {
    if (!BACKGROUNDS.includes(request.background)) {
      add('background', `background "${String(request.background)}" is not one of ${oneOf(BACKGROUNDS)}.`);
    } else if (request.background === 'transparent') {
      const alpha = ctx.allowWebp ? ['png', 'webp'] : ['png'];
      if (!alpha.includes(format)) {
        add('background', `a transparent background needs png output (jpeg has no transparency): set the output format to png, or the background to opaque.`);
      } else if (model === 'gpt-image-2') {
        warnings.push('Transparent backgrounds are in preview for gpt-image-2; the service may refuse the request or return an opaque image.');
      }
    }
  }
  if (request.moderation !== undefined) {
    if (!MODERATIONS.includes(request.moderation)) {
      add('moderation', `moderation "${String(request.moderation)}" is not one of ${oneOf(MODERATIONS)}.`);
    } else if (ctx.apiMode !== 'v1') {
      add('moderation', 'moderation is only accepted on the v1 API form: switch the API form to v1, or remove the moderation setting.');
    }
  }
  if (request.partialImages !== undefined) {
    if (!isIntIn(request.partialImages, 0, MAX_PARTIAL_IMAGES)) {
      add('partial_images', `partial images is ${String(request.partialImages)} and must be a whole number from 0 to ${MAX_PARTIAL_IMAGES}.`);
    } else if (request.partialImages > 0 && ctx.apiMode === 'dated') {
      warnings.push('Streaming is documented for the v1 API form only; if the service refuses it on the dated form, switch the API form to v1.');
    }
  }
  if (request.user !== undefined && typeof request.user !== 'string') {
    add('user', 'user must be a string.');
  }
  if (request.extraBody !== undefined) {
    if (request.extraBody === null || typeof request.extraBody !== 'object' || Array.isArray(request.extraBody)) {
      add('extraBody', 'extraBody must be an object of field names to values.');
    } else {
      const overridden = Object.keys(request.extraBody).filter((key) => MODELLED_FIELDS.has(key));
      if (overridden.length) warnings.push(`extraBody overrides ${overridden.map((k) => `"${k}"`).join(', ')}; the client's own checks do not cover the values it sends instead.`);
    }
  }
  return { problems, warnings };
}

export function checkEditRequest(request: EditRequest, ctx: ValidationContext): ValidationReport {
  const { problems, warnings } = checkGenerateRequest(request, ctx);
  const add = (param: string, message: string): void => {
    problems.push({ param, message });
  };
  const allowed: ImageContentType[] = ctx.allowWebp ? ['image/png', 'image/jpeg', 'image/webp'] : ['image/png', 'image/jpeg'];

  if ((request as { moderation?: unknown }).moderation !== undefined) {
    add('moderation', 'moderation is not a field of the edit request: remove it (or pass it through extraBody if the service accepts it).');
  }
  const given: unknown = request.images;
  const images = Array.isArray(given) ? (given as ImageInput[]) : [];
  if (images.length === 0) add('images', 'an edit needs at least one input image.');
  if (images.length > MAX_INPUT_IMAGES) add('images', `${images.length} input images were given and at most ${MAX_INPUT_IMAGES} are accepted: remove some.`);
  images.forEach((image, i) => {
    const param = images.length === 1 ? 'image' : `image[${i}]`;
    const problem = inputProblem(image, allowed, MAX_INPUT_IMAGE_BYTES);
    if (problem) add(param, `input image ${i + 1} ${problem}`);
  });

  if (request.mask !== undefined) {
    const problem = inputProblem(request.mask, ['image/png'], MAX_MASK_BYTES);
    if (problem) {
      add('mask', `the mask ${problem}`);
    } else {
      const info = readImageInfo(request.mask.bytes);
      if (info && !info.hasAlpha) {
        add('mask', 'the mask has no alpha channel: save it as a PNG with transparency; transparent pixels mark the area to edit.');
      }
      const first = images[0] ? readImageInfo(images[0].bytes) : undefined;
      if (info && first && (info.width !== first.width || info.height !== first.height)) {
        add('mask', `the mask is ${info.width}x${info.height} but the first image is ${first.width}x${first.height}: make the mask the same size as the first image.`);
      }
    }
  }

  if (request.inputFidelity !== undefined) {
    if (!INPUT_FIDELITIES.includes(request.inputFidelity)) {
      add('input_fidelity', `input fidelity "${String(request.inputFidelity)}" is not one of ${oneOf(INPUT_FIDELITIES)}.`);
    } else if (!supportsInputFidelity(ctx.model)) {
      add('input_fidelity', `${ctx.model} does not accept input fidelity${ctx.model === 'gpt-image-2' ? ' (it always works at high fidelity)' : ''}: remove the setting.`);
    }
  }
  return { problems, warnings };
}

function inputProblem(input: ImageInput, allowed: readonly ImageContentType[], maxBytes: number): string | undefined {
  if (!(input?.bytes instanceof Uint8Array) || input.bytes.length === 0) return 'is empty.';
  if (input.bytes.length >= maxBytes) {
    return `is ${(input.bytes.length / 1024 / 1024).toFixed(1)} MB and must be under ${maxBytes / 1024 / 1024} MB: downscale or compress it.`;
  }
  const sniffed = sniffContentType(input.bytes);
  const names = allowed.map((t) => t.replace('image/', '')).join(' or ');
  if (!sniffed || !allowed.includes(sniffed)) {
    return `is not a ${names} file${sniffed ? ` (it is ${sniffed})` : ''}: convert it to ${names}.`;
  }
  if (input.contentType !== undefined && input.contentType !== sniffed) {
    return `is declared as ${input.contentType} but its bytes are ${sniffed}: fix the declared type.`;
  }
  return undefined;
}

/** The content type from the file signature; undefined for anything but png, jpeg and webp. */
export function sniffContentType(bytes: Uint8Array): ImageContentType | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47 && bytes[4] === 0x0d && bytes[5] === 0x0a && bytes[6] === 0x1a && bytes[7] === 0x0a) {
    return 'image/png';
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  return undefined;
}

export interface ImageInfo {
  readonly contentType: ImageContentType;
  readonly width: number;
  readonly height: number;
  readonly hasAlpha: boolean;
}

/** Reads the pixel size (and, for PNG, whether there is an alpha channel) from the file header. */
export function readImageInfo(bytes: Uint8Array): ImageInfo | undefined {
  const type = sniffContentType(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'image/png') {
    if (bytes.length < 33 || ascii(bytes, 12, 4) !== 'IHDR') return undefined;
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    const colorType = bytes[25];
    let hasAlpha = colorType === 4 || colorType === 6;
    if (!hasAlpha) {
      // Palette or grey/RGB images may carry transparency in a tRNS chunk before IDAT.
      let offset = 8;
      while (offset + 8 <= bytes.length) {
        const length = view.getUint32(offset);
        const name = ascii(bytes, offset + 4, 4);
        if (name === 'tRNS') hasAlpha = true;
        if (name === 'IDAT' || name === 'IEND' || hasAlpha) break;
        offset += 12 + length;
      }
    }
    return { contentType: type, width, height, hasAlpha };
  }
  if (type === 'image/jpeg') {
    let offset = 2;
    while (offset + 9 < bytes.length) {
      if (bytes[offset] !== 0xff) return undefined;
      const marker = bytes[offset + 1] ?? 0;
      if (marker === 0xff) {
        offset++;
        continue;
      }
      const length = view.getUint16(offset + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) return { contentType: type, height: view.getUint16(offset + 5), width: view.getUint16(offset + 7), hasAlpha: false };
      offset += 2 + length;
    }
    return undefined;
  }
  if (type === 'image/webp') {
    const chunk = ascii(bytes, 12, 4);
    if (chunk === 'VP8X' && bytes.length >= 30) {
      const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
      const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
      return { contentType: type, width, height, hasAlpha: (bytes[20] & 0x10) !== 0 };
    }
    if (chunk === 'VP8 ' && bytes.length >= 30) {
      return { contentType: type, width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff, hasAlpha: false };
    }
    if (chunk === 'VP8L' && bytes.length >= 25) {
      const bits = view.getUint32(21, true);
      return { contentType: type, width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, hasAlpha: ((bits >> 28) & 1) === 1 };
    }
  }
  return undefined;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}
