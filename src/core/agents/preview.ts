/**
 * Previews for agents: a small JPEG of each image written, never the image itself. Agents' clients
 * refuse or truncate large inline images (about 1 MB, or some 25k tokens), and a model needs only a
 * glance to check a layout. Made with the core's image module (libvips' Lanczos3, alpha flattened on
 * white), at most PREVIEW_LONG_EDGE pixels on the long edge.
 */
import { promises as fs } from 'node:fs';
import { encodeImage, readImageInfo, resizeImage } from '../image';

export const PREVIEW_LONG_EDGE = 512;
/** JPEG quality of previews: about 20-60 KB for a 512 px UI mockup. */
export const PREVIEW_QUALITY = 75;
/** Previews per result, and their bytes in all: a 3 sizes x 5 locales set is not 15 inline images. */
export const MAX_PREVIEWS = 4;
export const MAX_PREVIEW_BYTES_TOTAL = 600 * 1024;

export interface AgentPreview {
  /** Workspace-relative path of the image the preview shows. */
  readonly path: string;
  readonly data: Uint8Array;
  readonly mimeType: 'image/jpeg';
  readonly width: number;
  readonly height: number;
}

/** The preview size of a width x height image: the long edge at most PREVIEW_LONG_EDGE, the aspect kept. */
export function previewSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, PREVIEW_LONG_EDGE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** A preview of image bytes (PNG or JPEG). */
export async function makePreview(bytes: Uint8Array, path: string): Promise<AgentPreview> {
  const info = await readImageInfo(bytes);
  const size = previewSize(info.width, info.height);
  const options = { format: 'jpeg', compression: PREVIEW_QUALITY } as const;
  const image = size.width === info.width && size.height === info.height ? await encodeImage(bytes, options) : await resizeImage(bytes, size, options);
  return { path, data: image.bytes, mimeType: 'image/jpeg', width: image.width, height: image.height };
}

/**
 * Previews of the first images of a result, within MAX_PREVIEWS and MAX_PREVIEW_BYTES_TOTAL. An
 * image that cannot be read gets none (the files are already written and checked; a preview is
 * a convenience).
 */
export async function previewsOf(files: ReadonlyArray<{ readonly path: string; readonly absolute: string }>): Promise<AgentPreview[]> {
  const previews: AgentPreview[] = [];
  let total = 0;
  for (const file of files.slice(0, MAX_PREVIEWS)) {
    try {
      const preview = await makePreview(await fs.readFile(file.absolute), file.path);
      if (total + preview.data.length > MAX_PREVIEW_BYTES_TOTAL) break;
      total += preview.data.length;
      previews.push(preview);
    } catch {
      // no preview for this one
    }
  }
  return previews;
}
