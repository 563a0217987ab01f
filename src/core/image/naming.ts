/**
 * Where the service's original image goes when a plan post-processes it. The exact-size image
 * keeps the name the user asked for (`hero.png`); the service's bytes are written untouched beside
 * it as `hero.original.png` (they carry the service's C2PA provenance, which re-encoding drops).
 * The original keeps its own format's extension: `hero.jpg` made from a PNG original gives
 * `hero.original.png`. The sidecar `hero.png.mockup.json` describes both.
 */

export const ORIGINAL_MARKER = '.original';

const EXTENSIONS: Record<string, string> = { png: '.png', jpeg: '.jpg', jpg: '.jpg' };

/**
 * The original's file name for an exact-size image name (a bare name or a path; only the last
 * segment changes). `originalFormat` (png, jpeg) sets the extension when it differs.
 */
export function originalFileName(exactName: string, originalFormat?: 'png' | 'jpeg'): string {
  const slash = Math.max(exactName.lastIndexOf('/'), exactName.lastIndexOf('\\'));
  const dir = exactName.slice(0, slash + 1);
  const base = exactName.slice(slash + 1);
  if (base === '') throw new Error(`"${exactName}" has no file name.`);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(dot) : '';
  const keepExt = originalFormat === undefined || EXTENSIONS[ext.slice(1).toLowerCase()] === EXTENSIONS[originalFormat];
  return `${dir}${stem}${ORIGINAL_MARKER}${keepExt ? ext : EXTENSIONS[originalFormat]}`;
}

/** True for names made by originalFileName (`*.original.png`, `*.original.jpg`, ...). */
export function isOriginalFileName(name: string): boolean {
  return /\.original\.(png|jpe?g)$/i.test(name);
}

export const MASK_MARKER = '-mask';

/**
 * Where a mask painted in the Studio is kept: beside the inpainted image, named after its base
 * name (`login-inpainted` -> `login-inpainted-mask.png`); masks are always PNG.
 */
export function maskFileName(baseName: string): string {
  return `${baseName}${MASK_MARKER}.png`;
}

/** True for masks kept beside their images (`*-mask.png`, `*-mask-2.png`). */
export function isMaskFileName(name: string): boolean {
  return /-mask(-\d+)?\.png$/i.test(name);
}

/** Files the product keeps beside an image that are not images to pick: originals and masks. */
export function isCompanionFileName(name: string): boolean {
  return isOriginalFileName(name) || isMaskFileName(name);
}
