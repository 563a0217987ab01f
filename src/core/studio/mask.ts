/**
 * Checks a mask from the Studio before it is sent: a PNG with an alpha channel, exactly the size of
 * the image it edits, under the service's 4 MB limit.
 */
import { MAX_MASK_BYTES, readImageInfo } from '../foundry';

export function decodeBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** A problem to show, or undefined when the mask can be sent with an image of `image` size. */
export function maskProblem(bytes: Uint8Array, image: { readonly width: number; readonly height: number }): string | undefined {
  if (bytes.length >= MAX_MASK_BYTES) return `The mask has ${bytes.length} bytes; the service accepts masks under ${MAX_MASK_BYTES} bytes.`;
  const info = readImageInfo(bytes);
  if (!info || info.contentType !== 'image/png') return 'The mask must be a PNG image.';
  if (!info.hasAlpha) return 'The mask must have an alpha channel: transparent pixels mark the region to repaint.';
  if (info.width !== image.width || info.height !== image.height) return `The mask is ${info.width}x${info.height} but the image is ${image.width}x${image.height}: they must be the same size.`;
  return undefined;
}
