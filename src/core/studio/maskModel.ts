/**
 * The inpainting mask the Studio paints: one byte per pixel of the image (1 = painted, the region
 * the edit may repaint), with brush and rectangle painting, an eraser, invert, clear, and undo and
 * redo. Pixel-exact (no anti-aliasing) so that the PNG sent is exactly what the user painted.
 * Plain TypeScript without DOM or Node APIs: the webview app uses it, unit tests run it in Node.
 */

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
    const r = Math.max(0.5, diameter / 2);
    const value = erase ? 0 : 1;
    const x0 = Math.max(0, Math.floor(x - r));
    const x1 = Math.min(this.width - 1, Math.ceil(x + r));
    const y0 = Math.max(0, Math.floor(y - r));
    const y1 = Math.min(this.height - 1, Math.ceil(y + r));
    const r2 = r * r;
    for (let py = y0; py <= y1; py++) {
      const dy = py + 0.5 - y;
      for (let px = x0; px <= x1; px++) {
        const dx = px + 0.5 - x;
        if (dx * dx + dy * dy <= r2) this.data[py * this.width + px] = value;
      }
    }
  }

  /** Dabs along the segment from (x0, y0) to (x1, y1), close enough to leave no gaps. */
  line(x0: number, y0: number, x1: number, y1: number, diameter: number, erase = false): void {
    const distance = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.max(1, Math.ceil(distance / Math.max(1, diameter / 4)));
    for (let i = 0; i <= steps; i++) this.dab(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps, diameter, erase);
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
