/**
 * `<fm-mask-painter>`: the inpainting mask, painted at the image's full resolution on an
 * `<fm-viewport>`. The mask is a canvas of the image's natural pixel size laid over the image with
 * the viewport's transform, so it is painted in image pixels at any zoom (pointer positions go
 * through the view's `toImage`). Tools: brush, eraser, rectangle and lasso (Alt with the rectangle
 * or the lasso erases), undo and redo (Ctrl+Z, Ctrl+Y, Ctrl+Shift+Z), invert, clear, the brush
 * size, and a soft-edge preview that blurs only what is shown. Keyboard users paint an area with
 * the x, y, width and height fields. What is sent is the exact binary mask (MaskModel): painted
 * pixels transparent, every other pixel opaque.
 *
 * Properties `src`, `alt`, `naturalWidth`, `naturalHeight`; methods `paintedCount()`,
 * `toBase64Png()`; event `mask-change` after every change of the mask.
 */
import { css, html, LitElement, nothing, type PropertyValues, svg } from 'lit';
import { MaskModel, type MaskPoint } from '../../core/studio/maskModel';
import { displayLanguage, t } from '../l10n';
import type { View } from '../viewTransform';
import { type FmViewport, IMAGE_PROPERTIES } from './viewport';

export type MaskTool = 'brush' | 'eraser' | 'rect' | 'lasso';

const MIN_BRUSH = 2;
const MAX_BRUSH = 512;
const MAX_FEATHER = 64;
/** The overlay's opacity where painted (0 to 255): the image stays visible under it. */
const TINT_ALPHA = 140;

type Gesture =
  | { kind: 'stroke'; pointerId: number; last: MaskPoint; erase: boolean }
  | { kind: 'rect'; pointerId: number; start: MaskPoint; end: MaskPoint; erase: boolean }
  | { kind: 'lasso'; pointerId: number; points: MaskPoint[]; erase: boolean };

export class FmMaskPainter extends LitElement {
  static override properties = {
    ...IMAGE_PROPERTIES,
    tool: { state: true },
    brush: { state: true },
    feather: { state: true },
    view: { state: true },
    cursor: { state: true },
    gesture: { state: true },
    revision: { state: true },
    problem: { state: true },
  };

  /** Focus given to the painter (the Studio restores focus after a re-render) goes to the canvas. */
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles = css`
    :host {
      display: block;
      color: var(--vscode-foreground);
    }
    .overlay {
      touch-action: none;
    }
    .overlay.brush,
    .overlay.eraser,
    .overlay.rect,
    .overlay.lasso {
      cursor: crosshair;
    }
    .mask-canvas {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    .guides {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      overflow: visible;
      pointer-events: none;
    }
    .guides .outer {
      fill: none;
      stroke: var(--vscode-editor-background);
      stroke-width: 3px;
      vector-effect: non-scaling-stroke;
    }
    .guides .inner {
      fill: none;
      stroke: var(--vscode-editor-foreground);
      stroke-width: 1px;
      vector-effect: non-scaling-stroke;
    }
    .guides .shape {
      fill: var(--vscode-editor-selectionBackground, transparent);
      fill-opacity: 0.35;
    }
    .tint {
      color: var(--vscode-editorError-foreground, var(--vscode-focusBorder));
    }
    .mask-tools {
      display: flex;
      flex-direction: column;
      gap: 6px;
      margin-top: 8px;
    }
    .tool-row {
      display: flex;
      align-items: center;
      gap: 6px;
      flex-wrap: wrap;
    }
    .group {
      display: inline-flex;
      gap: 2px;
    }
    button {
      font: inherit;
      font-size: 0.92em;
      padding: 2px 8px;
      color: var(--vscode-button-secondaryForeground);
      background: var(--vscode-button-secondaryBackground);
      border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent));
      border-radius: 3px;
      cursor: pointer;
    }
    button:hover:not(:disabled) {
      background: var(--vscode-button-secondaryHoverBackground);
    }
    button:disabled {
      opacity: 0.5;
      cursor: default;
    }
    button[aria-pressed='true'] {
      background: var(--vscode-button-background);
      color: var(--vscode-button-foreground);
      border-color: var(--vscode-focusBorder);
    }
    button:focus-visible,
    input:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: 1px;
    }
    label {
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
    input[type='text'],
    input[type='number'] {
      font: inherit;
      width: 64px;
      padding: 2px 4px;
      color: var(--vscode-input-foreground);
      background: var(--vscode-input-background);
      border: 1px solid var(--vscode-input-border, var(--vscode-widget-border, transparent));
      border-radius: 2px;
    }
    input[type='range'] {
      accent-color: var(--vscode-button-background);
    }
    .label,
    .mask-status {
      color: var(--vscode-descriptionForeground);
      font-size: 0.9em;
    }
  `;

  declare src: string;
  declare alt: string;
  declare naturalWidth: number;
  declare naturalHeight: number;
  declare tool: MaskTool;
  /** The brush's diameter in image pixels. */
  declare brush: number;
  /** The soft edge shown on the overlay, in image pixels (0: the hard edge that is sent). */
  declare feather: number;
  declare view: View | undefined;
  /** The pointer over the image, in image pixels, while it is there. */
  declare cursor: MaskPoint | undefined;
  declare gesture: Gesture | undefined;
  /** Counts changes of the mask, so that a change re-renders what depends on it. */
  declare revision: number;
  declare problem: string;

  private model: MaskModel | undefined;
  private overlayPixels: ImageData | undefined;
  private drawPending = false;

  constructor() {
    super();
    this.src = '';
    this.alt = '';
    this.naturalWidth = 0;
    this.naturalHeight = 0;
    this.tool = 'brush';
    this.brush = 48;
    this.feather = 0;
    this.view = undefined;
    this.cursor = undefined;
    this.gesture = undefined;
    this.revision = 0;
    this.problem = '';
  }

  /** How many pixels are painted (0 before the image's size is known). */
  paintedCount(): number {
    return this.model?.paintedCount() ?? 0;
  }

  /** The mask as base64 PNG at the image's size: painted pixels transparent, all others opaque. */
  async toBase64Png(): Promise<string> {
    const model = this.model;
    if (!model) throw new Error('the mask has no size yet');
    const canvas = document.createElement('canvas');
    canvas.width = model.width;
    canvas.height = model.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.putImageData(new ImageData(model.toRgba(), model.width, model.height), 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the mask could not be encoded');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('naturalWidth') || changed.has('naturalHeight') || changed.has('src')) && this.naturalWidth > 0 && this.naturalHeight > 0) {
      if (!this.model || this.model.width !== this.naturalWidth || this.model.height !== this.naturalHeight || (changed.has('src') && changed.get('src'))) {
        this.model = new MaskModel(this.naturalWidth, this.naturalHeight);
        this.overlayPixels = undefined;
        this.revision++;
      }
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('revision') || changed.has('naturalWidth') || changed.has('naturalHeight')) this.requestDraw();
    if (changed.has('feather') || changed.has('view')) {
      const canvas = this.canvasElement();
      // The soft edge is only shown: a blur of the overlay, in CSS pixels at the current zoom.
      if (canvas) canvas.style.filter = this.feather > 0 && this.view ? `blur(${(this.feather * this.view.scale).toFixed(2)}px)` : '';
    }
  }

  override render(): unknown {
    const model = this.model;
    const count = model?.paintedCount() ?? 0;
    const erasing = this.tool === 'eraser';
    const toolButton = (tool: MaskTool, label: string, key: string): unknown =>
      html`<button type="button" data-action=${tool} aria-pressed=${String(this.tool === tool)} title=${t('{0} ({1})', label, key)} @click=${() => (this.tool = tool)}>${label}</button>`;
    return html`
      <fm-viewport
        .src=${this.src}
        .alt=${this.alt}
        .naturalWidth=${this.naturalWidth}
        .naturalHeight=${this.naturalHeight}
        @view-change=${this.onViewChange}
        @keydown=${this.onKeyDown}
      >
        <div
          slot="overlay"
          class="overlay ${this.tool}"
          @pointerdown=${this.onPointerDown}
          @pointermove=${this.onPointerMove}
          @pointerup=${this.onPointerUp}
          @pointercancel=${this.onPointerCancel}
          @pointerleave=${this.onPointerLeave}
        >
          ${model ? html`<canvas class="mask-canvas" width=${model.width} height=${model.height} aria-hidden="true"></canvas>${this.renderGuides(model)}` : nothing}
        </div>
      </fm-viewport>
      <span class="tint" hidden></span>
      <div class="mask-tools" role="toolbar" aria-label=${t('Mask tools: B brush, E eraser, R rectangle, L lasso, [ and ] brush size, Ctrl+Z undo, Ctrl+Y redo')}>
        <div class="tool-row">
          <span class="group" role="group" aria-label=${t('Mask tool')}>
            ${toolButton('brush', t('Brush'), 'B')} ${toolButton('eraser', t('Eraser'), 'E')} ${toolButton('rect', t('Rectangle'), 'R')} ${toolButton('lasso', t('Lasso'), 'L')}
          </span>
          <label>
            ${t('Size')}
            <input type="range" id="brush-size" min=${MIN_BRUSH} max=${MAX_BRUSH} .value=${String(this.brush)} aria-label=${t('Brush size in image pixels')} @input=${this.onBrushInput} />
            <input type="number" id="brush-size-number" min=${MIN_BRUSH} max=${MAX_BRUSH} .value=${String(this.brush)} aria-label=${t('Brush size in image pixels')} @input=${this.onBrushTyped} @change=${this.onBrushInput} />
            <span class="label">${t('px')}</span>
          </label>
        </div>
        <div class="tool-row">
          <button type="button" data-action="undo" ?disabled=${!model?.canUndo} @click=${() => this.change(() => this.model?.undo(), false)}>${t('Undo')}</button>
          <button type="button" data-action="redo" ?disabled=${!model?.canRedo} @click=${() => this.change(() => this.model?.redo(), false)}>${t('Redo')}</button>
          <button type="button" data-action="clear" ?disabled=${count === 0} @click=${() => this.change(() => this.model?.clear())}>${t('Clear')}</button>
          <button type="button" data-action="invert" ?disabled=${!model} @click=${() => this.change(() => this.model?.invert())}>${t('Invert')}</button>
          <label title=${t('Shows a soft edge on the overlay; the mask sent keeps its exact edge')}>
            ${t('Soft edge preview')}
            <input type="range" id="feather" min="0" max=${MAX_FEATHER} .value=${String(this.feather)} aria-label=${t('Soft edge preview in image pixels (not sent)')} @input=${this.onFeatherInput} />
          </label>
        </div>
        <div class="tool-row area">
          <span class="label">${t('Area')}</span>
          <input type="text" inputmode="numeric" id="mask-x" aria-label=${t('Area left, in pixels')} placeholder="x" />
          <input type="text" inputmode="numeric" id="mask-y" aria-label=${t('Area top, in pixels')} placeholder="y" />
          <input type="text" inputmode="numeric" id="mask-w" aria-label=${t('Area width, in pixels')} placeholder=${t('width')} />
          <input type="text" inputmode="numeric" id="mask-h" aria-label=${t('Area height, in pixels')} placeholder=${t('height')} />
          <button type="button" data-action="paint-area" @click=${this.applyArea}>${erasing ? t('Erase') : t('Apply')}</button>
        </div>
        <span class="mask-status" aria-live="polite">${this.problem || (count ? t('{0} pixels painted', count.toLocaleString(displayLanguage())) : t('Nothing painted yet'))}</span>
      </div>
    `;
  }

  /** The brush cursor and the rectangle or lasso being drawn, in image pixels (the SVG's user units). */
  private renderGuides(model: MaskModel): unknown {
    const gesture = this.gesture;
    const showCursor = this.cursor && (this.tool === 'brush' || this.tool === 'eraser') && gesture?.kind !== 'rect' && gesture?.kind !== 'lasso';
    let shape: unknown = nothing;
    if (gesture?.kind === 'rect') {
      const x = Math.min(gesture.start.x, gesture.end.x);
      const y = Math.min(gesture.start.y, gesture.end.y);
      const w = Math.abs(gesture.end.x - gesture.start.x);
      const h = Math.abs(gesture.end.y - gesture.start.y);
      shape = svg`<rect class="shape" x=${x} y=${y} width=${w} height=${h}></rect><rect class="outer" x=${x} y=${y} width=${w} height=${h}></rect><rect class="inner" x=${x} y=${y} width=${w} height=${h}></rect>`;
    } else if (gesture?.kind === 'lasso') {
      const points = gesture.points.map((p) => `${p.x},${p.y}`).join(' ');
      shape = svg`<polygon class="shape" points=${points}></polygon><polygon class="outer" points=${points}></polygon><polygon class="inner" points=${points}></polygon>`;
    }
    const cursor = showCursor && this.cursor
      ? svg`<circle class="outer" cx=${this.cursor.x} cy=${this.cursor.y} r=${this.brush / 2}></circle><circle class="inner" cx=${this.cursor.x} cy=${this.cursor.y} r=${this.brush / 2}></circle>`
      : nothing;
    return html`<svg class="guides" viewBox="0 0 ${model.width} ${model.height}" preserveAspectRatio="none" aria-hidden="true">${shape}${cursor}</svg>`;
  }

  private viewport(): FmViewport | null {
    return this.renderRoot.querySelector('fm-viewport');
  }

  private canvasElement(): HTMLCanvasElement | null {
    return this.renderRoot.querySelector('canvas.mask-canvas');
  }

  private onViewChange = (event: CustomEvent<View>): void => {
    this.view = event.detail;
    // The viewport read the size from the image when it was not given.
    const viewport = this.viewport();
    if (viewport && (!this.naturalWidth || !this.naturalHeight)) {
      this.naturalWidth = viewport.naturalWidth;
      this.naturalHeight = viewport.naturalHeight;
    }
  };

  private point(event: PointerEvent): MaskPoint | undefined {
    return this.viewport()?.imagePoint(event);
  }

  private onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0 || !this.model) return;
    const p = this.point(event);
    if (!p) return;
    event.preventDefault();
    this.viewport()?.focus({ preventScroll: true });
    (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    const erase = this.tool === 'eraser' || event.altKey;
    if (this.tool === 'brush' || this.tool === 'eraser') {
      this.model.checkpoint();
      this.model.line(p.x, p.y, p.x, p.y, this.brush, erase);
      this.gesture = { kind: 'stroke', pointerId: event.pointerId, last: p, erase };
      this.revision++;
    } else if (this.tool === 'rect') {
      this.gesture = { kind: 'rect', pointerId: event.pointerId, start: p, end: p, erase };
    } else {
      this.gesture = { kind: 'lasso', pointerId: event.pointerId, points: [p], erase };
    }
  };

  private onPointerMove = (event: PointerEvent): void => {
    const p = this.point(event);
    this.cursor = p;
    const gesture = this.gesture;
    if (!gesture || !p || event.pointerId !== gesture.pointerId || !this.model) return;
    // Every position the pointer reported since the last frame, not just the last one.
    const points = (event.getCoalescedEvents?.() ?? []).map((e) => this.point(e)).filter((q): q is MaskPoint => q !== undefined);
    if (!points.length) points.push(p);
    if (gesture.kind === 'stroke') {
      let last = gesture.last;
      for (const q of points) {
        this.model.line(last.x, last.y, q.x, q.y, this.brush, gesture.erase);
        last = q;
      }
      this.gesture = { ...gesture, last };
      this.revision++;
    } else if (gesture.kind === 'rect') {
      this.gesture = { ...gesture, end: p };
    } else {
      const minStep = 1 / (this.view?.scale ?? 1); // one CSS pixel, in image pixels
      const kept = [...gesture.points];
      for (const q of points) {
        const prev = kept[kept.length - 1];
        if (Math.hypot(q.x - prev.x, q.y - prev.y) >= minStep) kept.push(q);
      }
      this.gesture = { ...gesture, points: kept };
    }
  };

  private onPointerUp = (event: PointerEvent): void => {
    const gesture = this.gesture;
    if (!gesture || event.pointerId !== gesture.pointerId || !this.model) return;
    const p = this.point(event);
    this.gesture = undefined;
    if (gesture.kind === 'rect') {
      const end = p ?? gesture.end;
      this.change(() => this.model?.rectBetween(gesture.start, end, gesture.erase));
    } else if (gesture.kind === 'lasso') {
      const points = p ? [...gesture.points, p] : gesture.points;
      if (points.length >= 3) this.change(() => this.model?.polygon(points, gesture.erase));
    } else {
      this.announce();
    }
  };

  private onPointerCancel = (event: PointerEvent): void => {
    if (this.gesture?.pointerId === event.pointerId) this.gesture = undefined;
  };

  private onPointerLeave = (): void => {
    if (!this.gesture) this.cursor = undefined;
  };

  private onKeyDown = (event: KeyboardEvent): void => {
    const origin = event.composedPath()[0];
    if (origin instanceof HTMLInputElement || origin instanceof HTMLTextAreaElement) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && key === 'z') this.change(() => (event.shiftKey ? this.model?.redo() : this.model?.undo()), false);
    else if (mod && key === 'y') this.change(() => this.model?.redo(), false);
    else if (mod || event.altKey) return;
    else if (key === 'b') this.tool = 'brush';
    else if (key === 'e') this.tool = 'eraser';
    else if (key === 'r') this.tool = 'rect';
    else if (key === 'l') this.tool = 'lasso';
    else if (key === '[') this.brush = clampBrush(this.brush / 1.25);
    else if (key === ']') this.brush = clampBrush(this.brush * 1.25);
    else if (key === 'escape' && this.gesture && this.gesture.kind !== 'stroke') this.gesture = undefined;
    else return;
    event.preventDefault();
  };

  private onBrushInput = (event: Event): void => {
    const value = Number((event.target as HTMLInputElement).value);
    if (Number.isFinite(value)) this.brush = clampBrush(value);
  };

  /** While a size is typed, only a size in range applies (typing 15 passes through 1). */
  private onBrushTyped = (event: Event): void => {
    const value = Number((event.target as HTMLInputElement).value);
    if (Number.isFinite(value) && value >= MIN_BRUSH && value <= MAX_BRUSH) this.brush = Math.round(value);
  };

  private onFeatherInput = (event: Event): void => {
    const value = Number((event.target as HTMLInputElement).value);
    if (Number.isFinite(value)) this.feather = Math.max(0, Math.min(MAX_FEATHER, Math.round(value)));
  };

  private applyArea = (): void => {
    const field = (id: string): number => Number.parseInt(this.renderRoot.querySelector<HTMLInputElement>(`#mask-${id}`)?.value ?? '', 10);
    const [x, y, w, h] = ['x', 'y', 'w', 'h'].map(field);
    if (![x, y, w, h].every(Number.isFinite) || w <= 0 || h <= 0) {
      this.problem = t('Enter the area as whole pixels: left, top, width and height.');
      return;
    }
    this.change(() => this.model?.rect(x, y, w, h, this.tool === 'eraser'));
  };

  /** One change of the mask: a checkpoint for undo (unless it is an undo or redo), then the redraw and the event. */
  private change(fn: () => unknown, checkpoint = true): void {
    if (!this.model) return;
    if (checkpoint) this.model.checkpoint();
    fn();
    this.revision++;
    this.announce();
  }

  private announce(): void {
    this.problem = '';
    this.dispatchEvent(new CustomEvent('mask-change', { detail: { painted: this.paintedCount() }, bubbles: true, composed: true }));
  }

  /** Redraws the overlay on the next frame (pointer moves come faster than frames). */
  private requestDraw(): void {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      const model = this.model;
      const ctx = this.canvasElement()?.getContext('2d');
      if (!model || !ctx) return;
      if (!this.overlayPixels || this.overlayPixels.width !== model.width || this.overlayPixels.height !== model.height) this.overlayPixels = new ImageData(model.width, model.height);
      model.drawOverlay(this.overlayPixels.data, [...this.tint(), TINT_ALPHA]);
      ctx.putImageData(this.overlayPixels, 0, 0);
    });
  }

  /** The theme's tint as RGB, read from an element styled with a `--vscode-*` variable (the theme may change while open). */
  private tint(): [number, number, number] {
    const probe = this.renderRoot.querySelector('.tint');
    const m = probe ? /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(getComputedStyle(probe).color) : null;
    return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 120, 212];
  }
}

function clampBrush(value: number): number {
  return Math.max(MIN_BRUSH, Math.min(MAX_BRUSH, Math.round(value)));
}

if (!customElements.get('fm-mask-painter')) customElements.define('fm-mask-painter', FmMaskPainter);

declare global {
  interface HTMLElementTagNameMap {
    'fm-mask-painter': FmMaskPainter;
  }
}
