/**
 * The view of an image on a zoomable canvas: how many screen pixels an image pixel takes (`scale`)
 * and where the image's top-left corner is in the viewport (`x`, `y`, in CSS pixels). Pure math, no
 * DOM: the viewport, the mask painter and the comparison all use it, and the unit tests run it in Node.
 */
export interface View {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export interface Extent {
  readonly width: number;
  readonly height: number;
}

/** The zoom range: an image can shrink to 2 % (a 10,000 px poster in a small panel) and grow to 32x. */
export const MIN_SCALE = 0.02;
export const MAX_SCALE = 32;
/** The steps the keyboard and the zoom buttons go through (1 is 100 %, one image pixel per CSS pixel). */
export const ZOOM_STEPS: readonly number[] = [0.02, 0.05, 0.1, 0.125, 0.25, 1 / 3, 0.5, 2 / 3, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32];

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** The whole image in the viewport, centred, never enlarged past 100 % unless `grow`. */
export function fitView(image: Extent, viewport: Extent, options: { padding?: number; grow?: boolean } = {}): View {
  const padding = options.padding ?? 0;
  const room = { width: Math.max(1, viewport.width - 2 * padding), height: Math.max(1, viewport.height - 2 * padding) };
  const fit = Math.min(room.width / Math.max(1, image.width), room.height / Math.max(1, image.height));
  const scale = clampScale(options.grow ? fit : Math.min(1, fit));
  return centred(image, viewport, scale);
}

/** The image at `scale`, centred in the viewport. */
export function centred(image: Extent, viewport: Extent, scale: number): View {
  return { scale, x: (viewport.width - image.width * scale) / 2, y: (viewport.height - image.height * scale) / 2 };
}

/**
 * Zooms to `scale` keeping the image point under `at` (viewport coordinates) where it is: what a
 * wheel or pinch at the pointer does, and the keyboard at the viewport's centre.
 */
export function zoomAt(view: View, scale: number, at: { x: number; y: number }): View {
  const next = clampScale(scale);
  const ratio = next / view.scale;
  return { scale: next, x: at.x - (at.x - view.x) * ratio, y: at.y - (at.y - view.y) * ratio };
}

/** The next zoom step above (`direction` 1) or below (-1) the current scale. */
export function stepScale(scale: number, direction: 1 | -1): number {
  const epsilon = 1e-9;
  if (direction > 0) return ZOOM_STEPS.find((s) => s > scale + epsilon) ?? MAX_SCALE;
  return [...ZOOM_STEPS].reverse().find((s) => s < scale - epsilon) ?? MIN_SCALE;
}

/** A wheel's delta (pixels) as a zoom factor: smooth for trackpads, about 10 % per notch of a mouse wheel. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-Math.max(-200, Math.min(200, deltaY)) / 480);
}

/**
 * Keeps at least `margin` CSS pixels of the image in the viewport, so a pan can never lose it; an
 * image smaller than the viewport may move anywhere that keeps it whole in view.
 */
export function clampPan(view: View, image: Extent, viewport: Extent, margin = 48): View {
  const w = image.width * view.scale;
  const h = image.height * view.scale;
  const axis = (pos: number, size: number, room: number): number => {
    const keep = Math.min(margin, size);
    return Math.min(room - keep, Math.max(keep - size, pos));
  };
  return { scale: view.scale, x: axis(view.x, w, viewport.width), y: axis(view.y, h, viewport.height) };
}

/** The image pixel under a viewport point (fractional; floor it for the pixel's index). */
export function toImage(view: View, point: { x: number; y: number }): { x: number; y: number } {
  return { x: (point.x - view.x) / view.scale, y: (point.y - view.y) / view.scale };
}

/** The viewport point of an image pixel coordinate. */
export function toViewport(view: View, point: { x: number; y: number }): { x: number; y: number } {
  return { x: view.x + point.x * view.scale, y: view.y + point.y * view.scale };
}

/**
 * The same view for another image of a comparison: the same place in relative terms (a 1x and a 3x
 * export of one screen stay aligned), scaled by the ratio of the images' widths.
 */
export function matchView(view: View, from: Extent, to: Extent): View {
  const ratio = from.width / Math.max(1, to.width);
  return { scale: clampScale(view.scale * ratio), x: view.x, y: view.y };
}

/** The zoom as people read it: "100 %", "33 %", "2,400 %". */
export function percent(scale: number): string {
  return `${Math.round(scale * 100).toLocaleString('en-US')} %`;
}

/** The view moved by (`dx`, `dy`) CSS pixels: a drag or an arrow key. */
export function panBy(view: View, dx: number, dy: number): View {
  return { scale: view.scale, x: view.x + dx, y: view.y + dy };
}

/**
 * The view with the image's corner on whole CSS pixels, so that at 100 % every image pixel covers
 * exactly one CSS pixel (no resampling blur) and pointer positions map to pixel edges exactly.
 */
export function snap(view: View): View {
  return { scale: view.scale, x: Math.round(view.x), y: Math.round(view.y) };
}
