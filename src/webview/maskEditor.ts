/**
 * The inpainting mask editor: paints over the image at its natural pixel size with a brush or an
 * eraser (pointer), or a rectangle (keyboard: x, y, width, height), with undo, redo, clear and invert.
 * Exports the PNG the service wants: painted pixels transparent, all others opaque.
 */
import { MaskModel } from '../core/studio/maskModel';
import { h } from './dom';

export class MaskEditor {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly model: MaskModel;
  private erase = false;
  private brush = 48;
  private last: { x: number; y: number } | undefined;
  private pending = false;
  private readonly tint: [number, number, number];
  private readonly status: HTMLElement;
  private readonly buttons: Record<'undo' | 'redo' | 'brush' | 'eraser', HTMLButtonElement>;

  constructor(
    private readonly image: HTMLImageElement,
    width: number,
    height: number,
    private readonly onChange: () => void,
  ) {
    this.model = new MaskModel(width, height);
    this.canvas = h('canvas', { class: 'mask-canvas', width, height, tabindex: 0, 'aria-label': `Mask over the image, ${width} by ${height} pixels. Paint with the pointer, or use the area fields below. Control+Z undoes, Control+Y redoes.` });
    this.tint = themeColor('mask-tint');
    this.canvas.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.canvas.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.canvas.addEventListener('pointerup', () => (this.last = undefined));
    this.canvas.addEventListener('pointercancel', () => (this.last = undefined));
    this.canvas.addEventListener('keydown', (e) => this.key(e));

    const size = h('input', { type: 'range', min: 4, max: 256, value: this.brush, id: 'brush-size', 'data-key': 'brush-size', 'aria-label': 'Brush size in pixels' });
    const sizeOut = h('output', { for: 'brush-size', class: 'brush-out' }, `${this.brush} px`);
    size.addEventListener('input', () => {
      this.brush = Number(size.value);
      sizeOut.textContent = `${this.brush} px`;
    });
    const tool = (name: 'brush' | 'eraser', label: string): HTMLButtonElement =>
      h('button', { type: 'button', class: 'tool', 'data-action': name, 'aria-pressed': String(name === 'brush'), onclick: () => this.setErase(name === 'eraser') }, label);
    this.buttons = {
      brush: tool('brush', 'Brush'),
      eraser: tool('eraser', 'Eraser'),
      undo: h('button', { type: 'button', class: 'tool', 'data-action': 'undo', disabled: true, onclick: () => this.change(() => this.model.undo(), false) }, 'Undo'),
      redo: h('button', { type: 'button', class: 'tool', 'data-action': 'redo', disabled: true, onclick: () => this.change(() => this.model.redo(), false) }, 'Redo'),
    };
    const field = (id: string, label: string): HTMLInputElement => h('input', { type: 'text', inputmode: 'numeric', class: 'num', id: `mask-${id}`, 'data-key': `mask-${id}`, 'aria-label': label, placeholder: id });
    const rx = field('x', 'Area left, in pixels');
    const ry = field('y', 'Area top, in pixels');
    const rw = field('w', 'Area width, in pixels');
    const rh = field('h', 'Area height, in pixels');
    const applyRect = (): void => {
      const [x, y, w, hh] = [rx, ry, rw, rh].map((i) => Number.parseInt(i.value, 10));
      if (![x, y, w, hh].every(Number.isFinite) || w <= 0 || hh <= 0) {
        this.status.textContent = 'Enter the area as whole pixels: left, top, width and height.';
        return;
      }
      this.change(() => this.model.rect(x, y, w, hh, this.erase));
    };
    this.status = h('span', { class: 'mask-status', 'aria-live': 'polite' });
    this.element = h(
      'div',
      { class: 'mask-tools', role: 'toolbar', 'aria-label': 'Mask tools' },
      h('div', { class: 'tool-row' }, this.buttons.brush, this.buttons.eraser, h('label', { class: 'brush' }, 'Size ', size, sizeOut)),
      h(
        'div',
        { class: 'tool-row' },
        this.buttons.undo,
        this.buttons.redo,
        h('button', { type: 'button', class: 'tool', 'data-action': 'clear', onclick: () => this.change(() => this.model.clear()) }, 'Clear'),
        h('button', { type: 'button', class: 'tool', 'data-action': 'invert', onclick: () => this.change(() => this.model.invert()) }, 'Invert'),
      ),
      h(
        'div',
        { class: 'tool-row area' },
        h('span', { class: 'label' }, 'Area'),
        rx,
        ry,
        rw,
        rh,
        h('button', { type: 'button', class: 'tool', 'data-action': 'paint-area', onclick: applyRect }, 'Apply'),
      ),
      this.status,
    );
    this.update();
  }

  get canvasElement(): HTMLCanvasElement {
    return this.canvas;
  }

  paintedCount(): number {
    return this.model.paintedCount();
  }

  private setErase(erase: boolean): void {
    this.erase = erase;
    this.buttons.brush.setAttribute('aria-pressed', String(!erase));
    this.buttons.eraser.setAttribute('aria-pressed', String(erase));
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / rect.width) * this.model.width, y: ((e.clientY - rect.top) / rect.height) * this.model.height };
  }

  private pointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.canvas.setPointerCapture(e.pointerId);
    this.model.checkpoint();
    const p = this.point(e);
    this.model.dab(p.x, p.y, this.brush, this.erase);
    this.last = p;
    this.update();
  }

  private pointerMove(e: PointerEvent): void {
    if (!this.last) return;
    const p = this.point(e);
    this.model.line(this.last.x, this.last.y, p.x, p.y, this.brush, this.erase);
    this.last = p;
    this.update();
  }

  private key(e: KeyboardEvent): void {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      this.change(() => (e.shiftKey ? this.model.redo() : this.model.undo()), false);
    } else if (mod && e.key.toLowerCase() === 'y') {
      e.preventDefault();
      this.change(() => this.model.redo(), false);
    }
  }

  private change(fn: () => unknown, checkpoint = true): void {
    if (checkpoint) this.model.checkpoint();
    fn();
    this.update();
  }

  /** Redraws the overlay on the next frame (pointer moves come faster than frames). */
  private update(): void {
    this.buttons.undo.disabled = !this.model.canUndo;
    this.buttons.redo.disabled = !this.model.canRedo;
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const ctx = this.canvas.getContext('2d');
      if (!ctx) return;
      const mask = this.model.snapshot();
      const pixels = new Uint8ClampedArray(mask.length * 4);
      const [r, g, b] = this.tint;
      for (let i = 0; i < mask.length; i++) {
        if (!mask[i]) continue;
        pixels[i * 4] = r;
        pixels[i * 4 + 1] = g;
        pixels[i * 4 + 2] = b;
        pixels[i * 4 + 3] = 140;
      }
      ctx.putImageData(new ImageData(pixels, this.model.width, this.model.height), 0, 0);
      const count = this.model.paintedCount();
      this.status.textContent = count ? `${count.toLocaleString()} pixels painted` : 'Nothing painted yet';
      this.onChange();
    });
  }

  /** The mask as base64 PNG, at the image's size: painted pixels transparent. */
  async toBase64Png(): Promise<string> {
    const canvas = document.createElement('canvas');
    canvas.width = this.model.width;
    canvas.height = this.model.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.putImageData(new ImageData(this.model.toRgba(), this.model.width, this.model.height), 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the mask could not be encoded');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }

  get imageElement(): HTMLImageElement {
    return this.image;
  }
}

/** A theme colour as RGB, read from an element styled with a `--vscode-*` variable in studio.css. */
function themeColor(className: string): [number, number, number] {
  const probe = h('span', { class: className, 'aria-hidden': 'true' });
  document.body.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 120, 212];
}
