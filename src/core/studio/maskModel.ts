/**
 * The inpainting mask the Studio paints: one byte per pixel of the image (1 = painted, the region
 * the edit may repaint), with brush strokes, rectangles and lasso polygons, an eraser, invert, clear,
 * and undo and redo. Pixel-exact (no anti-aliasing) so that the PNG sent is exactly what the user
 * painted. Coordinates are image pixels, fractional: pixel (px, py) covers [px, px+1) x [py, py+1)
 * and its centre is (px + 0.5, py + 0.5). Every shape paints the pixels whose centre lies inside
 * it or on its outline (the inclusive pixel-centre rule), so a shape's pixels do not depend on how
 * many pointer events described it.
 * Plain TypeScript without DOM or Node APIs: the webview app uses it, unit tests run it in Node.
 */

export interface MaskPoint {
  readonly x: number;
  readonly y: number;
}

export const MAX_UNDO_STEPS = 30;

export class MaskModel {
  private data: Uint8Array;
  private readonly undoStack: Uint8Array[] = [];
  private readonly redoStack: Uint8Array[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`a mask needs a positive whole size, not ${width}x${height}`);
    this.data = new Uint8Array(width * height);
  }

  /** 1 where painted. A copy: changing it changes nothing here. */
  snapshot(): Uint8Array {
    return this.data.slice();
  }

  isPainted(x: number, y: number): boolean {
    return this.data[y * this.width + x] === 1;
  }

  paintedCount(): number {
    let count = 0;
    for (const v of this.data) count += v;
    return count;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Call once before a stroke (or any other change) so that undo restores what was before it. */
  checkpoint(): void {
    this.undoStack.push(this.data.slice());
    if (this.undoStack.length > MAX_UNDO_STEPS) this.undoStack.shift();
    this.redoStack.length = 0;
  }

  undo(): boolean {
    const previous = this.undoStack.pop();
    if (!previous) return false;
    this.redoStack.push(this.data);
    this.data = previous;
    return true;
  }

  redo(): boolean {
    const next = this.redoStack.pop();
    if (!next) return false;
    this.undoStack.push(this.data);
    this.data = next;
    return true;
  }

  /** A filled disc of `diameter` pixels centred on (x, y); `erase` clears instead. */
  dab(x: number, y: number, diameter: number, erase = false): void {
    this.line(x, y, x, y, diameter, erase);
  }

  /**
   * A brush stroke from (x0, y0) to (x1, y1): every pixel whose centre is within `diameter / 2` of
   * the segment (a capsule). A straight drag paints the same pixels however many moves the
   * pointer reported along it.
   */
  line(x0: number, y0: number, x1: number, y1: number, diameter: number, erase = false): void {
    const r = Math.max(0.5, diameter / 2);
    const value = erase ? 0 : 1;
    const left = Math.max(0, Math.floor(Math.min(x0, x1) - r));
    const right = Math.min(this.width - 1, Math.ceil(Math.max(x0, x1) + r));
    const top = Math.max(0, Math.floor(Math.min(y0, y1) - r));
    const bottom = Math.min(this.height - 1, Math.ceil(Math.max(y0, y1) + r));
    const r2 = r * r;
    const ex = x1 - x0;
    const ey = y1 - y0;
    const length2 = ex * ex + ey * ey;
    for (let py = top; py <= bottom; py++) {
      const cy = py + 0.5;
      for (let px = left; px <= right; px++) {
        const cx = px + 0.5;
        // The nearest point of the segment to the pixel's centre.
        const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((cx - x0) * ex + (cy - y0) * ey) / length2));
        const dx = cx - (x0 + t * ex);
        const dy = cy - (y0 + t * ey);
        if (dx * dx + dy * dy <= r2) this.data[py * this.width + px] = value;
      }
    }
  }

  /**
   * The rectangle with corners `a` and `b` (a drag, either direction): the pixels whose centre is
   * inside it or on its edge, clipped to the image.
   */
  rectBetween(a: MaskPoint, b: MaskPoint, erase = false): void {
    const value = erase ? 0 : 1;
    const x0 = Math.max(0, Math.ceil(Math.min(a.x, b.x) - 0.5));
    const x1 = Math.min(this.width - 1, Math.floor(Math.max(a.x, b.x) - 0.5));
    const y0 = Math.max(0, Math.ceil(Math.min(a.y, b.y) - 0.5));
    const y1 = Math.min(this.height - 1, Math.floor(Math.max(a.y, b.y) - 0.5));
    if (x1 < x0) return;
    for (let y = y0; y <= y1; y++) this.data.fill(value, y * this.width + x0, y * this.width + x1 + 1);
  }

  /**
   * A lasso: the closed polygon through `points`, filled by the non-zero winding rule (a loop that
   * crosses itself is filled wherever it goes round, as a canvas fills a path by default), plus the
   * pixels whose centre lies on its outline. Fewer than three points paint nothing.
   */
  polygon(points: readonly MaskPoint[], erase = false): void {
    if (points.length < 3) return;
    const value = erase ? 0 : 1;
    const top = Math.max(0, Math.ceil(Math.min(...points.map((p) => p.y)) - 0.5));
    const bottom = Math.min(this.height - 1, Math.floor(Math.max(...points.map((p) => p.y)) - 0.5));
    const fill = (row: number, from: number, to: number): void => {
      const x0 = Math.max(0, Math.ceil(Math.min(from, to) - 0.5));
      const x1 = Math.min(this.width - 1, Math.floor(Math.max(from, to) - 0.5));
      if (x1 >= x0) this.data.fill(value, row * this.width + x0, row * this.width + x1 + 1);
    };
    const crossings: Array<{ x: number; winding: number }> = [];
    for (let row = top; row <= bottom; row++) {
      const cy = row + 0.5;
      crossings.length = 0;
      for (let i = 0; i < points.length; i++) {
        const a = points[i];
        const b = points[(i + 1) % points.length];
        if (a.y === b.y) {
          // A horizontal edge on this row's centres is outline: its pixels are in.
          if (a.y === cy) fill(row, a.x, b.x);
          continue;
        }
        // Half-open in y, so a vertex shared by two edges is counted once.
        const upward = a.y < b.y;
        const [low, high] = upward ? [a, b] : [b, a];
        if (cy < low.y || cy >= high.y) {
          // The top end of an edge exactly on this row is outline too.
          if (cy === high.y) fill(row, high.x, high.x);
          continue;
        }
        crossings.push({ x: low.x + ((cy - low.y) * (high.x - low.x)) / (high.y - low.y), winding: upward ? 1 : -1 });
      }
      crossings.sort((p, q) => p.x - q.x);
      let winding = 0;
      let start = 0;
      for (const crossing of crossings) {
        const before = winding;
        winding += crossing.winding;
        if (before === 0) start = crossing.x;
        else if (winding === 0) fill(row, start, crossing.x);
      }
    }
  }

  /** Paints (or erases) the rectangle, clipped to the image. */
  rect(left: number, top: number, width: number, height: number, erase = false): void {
    const value = erase ? 0 : 1;
    const x0 = Math.max(0, Math.floor(left));
    const y0 = Math.max(0, Math.floor(top));
    const x1 = Math.min(this.width, Math.floor(left + width));
    const y1 = Math.min(this.height, Math.floor(top + height));
    for (let y = y0; y < y1; y++) this.data.fill(value, y * this.width + x0, y * this.width + Math.max(x0, x1));
  }

  invert(): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] = this.data[i] ? 0 : 1;
  }

  clear(): void {
    this.data.fill(0);
  }

  /**
   * Writes the overlay a user sees into `rgba` (width x height x 4): `color` where painted,
   * transparent elsewhere. No copy of the mask is made, so it is cheap enough for every frame.
   */
  drawOverlay(rgba: Uint8ClampedArray, color: readonly [number, number, number, number]): void {
    if (rgba.length !== this.data.length * 4) throw new Error(`the overlay needs ${this.data.length * 4} bytes, not ${rgba.length}`);
    const [r, g, b, a] = color;
    for (let i = 0; i < this.data.length; i++) {
      const o = i * 4;
      if (this.data[i]) {
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
        rgba[o + 3] = a;
      } else {
        rgba[o + 3] = 0;
      }
    }
  }

  /**
   * RGBA pixels of the mask as the service wants it: painted pixels fully transparent, every other
   * pixel opaque (white), so transparent pixels are exactly the painted region.
   */
  toRgba(): Uint8ClampedArray<ArrayBuffer> {
    const rgba = new Uint8ClampedArray(new ArrayBuffer(this.width * this.height * 4));
    for (let i = 0; i < this.data.length; i++) {
      if (this.data[i]) continue; // all zero: transparent
      rgba[i * 4] = 255;
      rgba[i * 4 + 1] = 255;
      rgba[i * 4 + 2] = 255;
      rgba[i * 4 + 3] = 255;
    }
    return rgba;
  }
}
