/**
 * `<fm-viewport>`: one image shown large on a zoomable, pannable canvas. It fits the image into
 * the view and centres it (and keeps fitting when the panel resizes, until the user zooms); the
 * wheel zooms about the pointer; `+`/`=` and `-` step the zoom, `0` fits, `1` shows the image at
 * 100 % (one image pixel per CSS pixel); the middle button, space+drag or the pan tool drag the
 * image, and the arrow keys move it. Content in the `overlay` slot is laid over the image with the
 * same transform (the mask painter's canvas), so it is drawn in image pixels.
 *
 * API (the Compare view reuses it): properties `src`, `alt`, `naturalWidth`/`naturalHeight` (read
 * from the image when not set), `view` (a view set from outside is shown as given, without a
 * `view-change`, and stops the refitting), `panTool`; methods `fit()`, `zoomTo(scale, at?)`,
 * `imagePoint(event)`; event `view-change` with the View in `detail`. The view is also mirrored
 * in the `data-scale`, `data-x` and `data-y` attributes for tests.
 */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { t } from '../l10n';
import { clampPan, fitView, panBy, percent, snap, stepScale, toImage, type View, wheelFactor, zoomAt } from '../viewTransform';

/** How far one arrow key moves the image, in CSS pixels (Shift: a larger step). */
const ARROW_STEP = 40;
const ARROW_STEP_LARGE = 200;
/** Room kept around a fitted image, in CSS pixels. */
const FIT_PADDING = 16;

/** The properties of an element that shows one image: its URI, its alt text and its size in pixels. */
export const IMAGE_PROPERTIES = {
  src: { type: String },
  alt: { type: String },
  naturalWidth: { type: Number, attribute: 'natural-width' },
  naturalHeight: { type: Number, attribute: 'natural-height' },
} as const;

export class FmViewport extends LitElement {
  static override properties = {
    ...IMAGE_PROPERTIES,
    panTool: { type: Boolean, attribute: 'pan-tool', reflect: true },
    view: { attribute: false },
  };

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 240px;
      height: var(--fm-viewport-height, 60vh);
      border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent));
      background: var(--vscode-editor-background);
      outline: none;
    }
    :host(:focus-visible) {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: -1px;
    }
    .bar {
      display: flex;
      align-items: center;
      gap: 4px;
      padding: 3px 6px;
      border-bottom: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent));
      background: var(--vscode-sideBar-background, var(--vscode-editor-background));
      color: var(--vscode-foreground);
      font-size: 0.92em;
    }
    button {
      font: inherit;
      color: var(--vscode-button-secondaryForeground);
      background: var(--vscode-button-secondaryBackground);
      border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, transparent));
      border-radius: 3px;
      padding: 1px 8px;
      min-width: 26px;
      cursor: pointer;
    }
    button:hover {
      background: var(--vscode-button-secondaryHoverBackground);
    }
    button:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: 1px;
    }
    button[aria-pressed='true'] {
      background: var(--vscode-button-background);
      color: var(--vscode-button-foreground);
      border-color: var(--vscode-focusBorder);
    }
    .readout {
      min-width: 5.5em;
      text-align: center;
      font-variant-numeric: tabular-nums;
    }
    .area {
      position: relative;
      flex: 1 1 auto;
      overflow: hidden;
      touch-action: none;
      background: var(--vscode-textCodeBlock-background, var(--vscode-editor-background));
    }
    :host([pan-tool]) .area,
    .area.space {
      cursor: grab;
    }
    .area.panning {
      cursor: grabbing;
    }
    .stage {
      position: absolute;
      left: 0;
      top: 0;
      line-height: 0;
    }
    .stage.pixelated img,
    .stage.pixelated ::slotted(*) {
      image-rendering: pixelated;
    }
    img {
      display: block;
      width: 100%;
      height: 100%;
      user-select: none;
      -webkit-user-drag: none;
    }
    ::slotted([slot='overlay']) {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
  `;

  declare src: string;
  declare alt: string;
  declare naturalWidth: number;
  declare naturalHeight: number;
  declare panTool: boolean;
  /** Where the image is (undefined until its size and the viewport's are known). */
  declare view: View | undefined;

  /** True once the user zoomed or panned: a resize then keeps the view instead of fitting again. */
  private userMoved = false;
  /** The last view this element chose; any other value of `view` was set from outside (a comparison keeping two viewports in step). */
  private ownView: View | undefined;
  private spaceHeld = false;
  /** A drag in progress: where it started, so the image follows the pointer exactly (rounded once, not per move). */
  private pan: { pointerId: number; x: number; y: number; from: View } | undefined;
  private resizeObserver: ResizeObserver | undefined;
  private area: { width: number; height: number } = { width: 0, height: 0 };

  constructor() {
    super();
    this.src = '';
    this.alt = '';
    this.naturalWidth = 0;
    this.naturalHeight = 0;
    this.panTool = false;
    this.view = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    if (!this.hasAttribute('role')) this.setAttribute('role', 'group');
    this.addEventListener('keydown', this.onKeyDown);
    this.addEventListener('keyup', this.onKeyUp);
    this.addEventListener('blur', this.onBlur);
    // Capture: a pan gesture is the viewport's, never the overlay's (the mask painter's brush).
    this.addEventListener('pointerdown', this.onPointerDown, { capture: true });
    this.addEventListener('pointermove', this.onPointerMove);
    this.addEventListener('pointerup', this.onPointerUp);
    this.addEventListener('pointercancel', this.onPointerUp);
    this.addEventListener('auxclick', this.onAuxClick);
    this.addEventListener('mousedown', this.onAuxClick);
    if (this.hasUpdated) this.observeSize();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    this.removeEventListener('keydown', this.onKeyDown);
    this.removeEventListener('keyup', this.onKeyUp);
    this.removeEventListener('blur', this.onBlur);
    this.removeEventListener('pointerdown', this.onPointerDown, { capture: true });
    this.removeEventListener('pointermove', this.onPointerMove);
    this.removeEventListener('pointerup', this.onPointerUp);
    this.removeEventListener('pointercancel', this.onPointerUp);
    this.removeEventListener('auxclick', this.onAuxClick);
    this.removeEventListener('mousedown', this.onAuxClick);
  }

  override firstUpdated(): void {
    this.areaElement().addEventListener('wheel', this.onWheel, { passive: false });
    this.observeSize();
  }

  /** Watches the viewport's size (again, when the Studio moved the element in the DOM). */
  private observeSize(): void {
    this.resizeObserver?.disconnect();
    this.resizeObserver = new ResizeObserver(() => this.onResize());
    this.resizeObserver.observe(this.areaElement());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src') || changed.has('alt')) {
      this.setAttribute('aria-label', t('Image canvas, {0}. The wheel or + and - zoom, 0 fits, 1 shows actual size; drag with the middle button or space held, or use the arrow keys, to pan.', this.alt || this.src.split('/').pop() || ''));
    }
    if (changed.has('view') && this.view && this.view !== this.ownView) {
      // Set from outside: kept as given (no view-change, so two viewports can follow each other), and no longer refitted.
      this.userMoved = true;
    }
    if (changed.has('src') && changed.get('src') !== undefined) {
      // Another image: fit it once it is known.
      this.userMoved = false;
      this.view = undefined;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('view') && this.view) {
      this.dataset.scale = String(this.view.scale);
      this.dataset.x = String(this.view.x);
      this.dataset.y = String(this.view.y);
    }
    if (changed.has('naturalWidth') || changed.has('naturalHeight')) {
      if (!this.view || !this.userMoved) this.fitIfReady();
    }
    this.placeStage();
  }

  override render(): unknown {
    const scale = this.view?.scale;
    return html`
      <div class="bar" role="toolbar" aria-label=${t('Zoom')}>
        <button type="button" data-action="zoom-out" aria-label=${t('Zoom out')} title=${t('Zoom out (-)')} @click=${() => this.step(-1)}>−</button>
        <output class="readout" aria-live="polite" aria-label=${t('Zoom level')}>${scale === undefined ? '' : percent(scale)}</output>
        <button type="button" data-action="zoom-in" aria-label=${t('Zoom in')} title=${t('Zoom in (+)')} @click=${() => this.step(1)}>+</button>
        <button type="button" data-action="fit" title=${t('Fit to view (0)')} @click=${() => this.fit()}>${t('Fit')}</button>
        <button type="button" data-action="actual-size" title=${t('Actual size (1)')} @click=${() => this.zoomTo(1)}>${t('100 %')}</button>
        <button type="button" data-action="pan" aria-pressed=${String(this.panTool)} title=${t('Pan: drag to move the image (or hold space, or drag with the middle button)')} @click=${() => (this.panTool = !this.panTool)}>${t('Pan')}</button>
        <slot name="tools"></slot>
      </div>
      <div class="area">
        <div class="stage">
          <img src=${this.src} alt=${this.alt} draggable="false" @load=${this.onImageLoad} />
          <slot name="overlay"></slot>
        </div>
      </div>
    `;
  }

  /** Fits the whole image into the view, centred, and goes on fitting when the viewport resizes. */
  fit(): void {
    this.userMoved = false;
    this.fitIfReady();
  }

  /** Zooms to `scale` about `at` (viewport coordinates, CSS pixels; the centre by default). */
  zoomTo(scale: number, at?: { x: number; y: number }): void {
    if (!this.view) return;
    this.userMoved = true;
    this.setView(zoomAt(this.view, scale, at ?? this.centre()));
  }

  /** The image pixel coordinates (fractional) under a pointer or mouse event, or undefined before the image is shown. */
  imagePoint(event: { clientX: number; clientY: number }): { x: number; y: number } | undefined {
    if (!this.view) return undefined;
    const rect = this.areaElement().getBoundingClientRect();
    return toImage(this.view, { x: event.clientX - rect.left, y: event.clientY - rect.top });
  }

  private step(direction: 1 | -1, at?: { x: number; y: number }): void {
    if (!this.view) return;
    this.zoomTo(stepScale(this.view.scale, direction), at);
  }

  private setView(next: View): void {
    const image = this.imageExtent();
    const view = snap(image ? clampPan(next, image, this.area) : next);
    const before = this.view;
    if (before && before.scale === view.scale && before.x === view.x && before.y === view.y) return;
    this.view = view;
    this.ownView = view;
    this.dispatchEvent(new CustomEvent<View>('view-change', { detail: view, bubbles: true, composed: true }));
  }

  private fitIfReady(): void {
    const image = this.imageExtent();
    if (!image || this.area.width < 1 || this.area.height < 1) return;
    this.setView(fitView(image, this.area, { padding: FIT_PADDING }));
  }

  private imageExtent(): { width: number; height: number } | undefined {
    return this.naturalWidth > 0 && this.naturalHeight > 0 ? { width: this.naturalWidth, height: this.naturalHeight } : undefined;
  }

  private centre(): { x: number; y: number } {
    return { x: this.area.width / 2, y: this.area.height / 2 };
  }

  private areaElement(): HTMLElement {
    const area = this.renderRoot.querySelector<HTMLElement>('.area');
    if (!area) throw new Error('fm-viewport: not rendered');
    return area;
  }

  /** Positions the stage (the image and its overlay) through the CSSOM: the strict CSP allows no style attributes. */
  private placeStage(): void {
    const stage = this.renderRoot.querySelector<HTMLElement>('.stage');
    if (!stage) return;
    const view = this.view;
    const image = this.imageExtent();
    stage.hidden = !view || !image;
    if (!view || !image) return;
    stage.style.left = `${view.x}px`;
    stage.style.top = `${view.y}px`;
    stage.style.width = `${image.width * view.scale}px`;
    stage.style.height = `${image.height * view.scale}px`;
    stage.classList.toggle('pixelated', view.scale > 1);
  }

  private onImageLoad = (event: Event): void => {
    const img = event.target as HTMLImageElement;
    if (this.naturalWidth > 0 && this.naturalHeight > 0) return;
    this.naturalWidth = img.naturalWidth;
    this.naturalHeight = img.naturalHeight;
  };

  private onResize(): void {
    const rect = this.areaElement().getBoundingClientRect();
    this.area = { width: rect.width, height: rect.height };
    if (!this.view || !this.userMoved) this.fitIfReady();
    else this.setView(this.view);
  }

  private onWheel = (event: WheelEvent): void => {
    if (!this.view) return;
    event.preventDefault();
    const rect = this.areaElement().getBoundingClientRect();
    // Lines and pages (a mouse wheel in some setups) count as about 40 pixels a line.
    const delta = event.deltaMode === WheelEvent.DOM_DELTA_PIXEL ? event.deltaY : event.deltaY * 40;
    this.zoomTo(this.view.scale * wheelFactor(delta), { x: event.clientX - rect.left, y: event.clientY - rect.top });
  };

  private onKeyDown = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    // Keys typed into a field are the field's; on a toolbar button only Space is the button's.
    const origin = event.composedPath()[0];
    if (origin instanceof HTMLInputElement || origin instanceof HTMLTextAreaElement || origin instanceof HTMLSelectElement) return;
    if (origin instanceof HTMLButtonElement && event.key === ' ') return;
    const large = event.shiftKey ? ARROW_STEP_LARGE : ARROW_STEP;
    const pan = (dx: number, dy: number): void => {
      if (!this.view) return;
      this.userMoved = true;
      this.setView(panBy(this.view, dx, dy));
    };
    switch (event.key) {
      case '+':
      case '=':
        this.step(1);
        break;
      case '-':
      case '_':
        this.step(-1);
        break;
      case '0':
        this.fit();
        break;
      case '1':
        this.zoomTo(1);
        break;
      case 'ArrowLeft':
        pan(large, 0);
        break;
      case 'ArrowRight':
        pan(-large, 0);
        break;
      case 'ArrowUp':
        pan(0, large);
        break;
      case 'ArrowDown':
        pan(0, -large);
        break;
      case ' ':
        this.spaceHeld = true;
        this.areaElement().classList.add('space');
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  private onKeyUp = (event: KeyboardEvent): void => {
    if (event.key !== ' ') return;
    this.spaceHeld = false;
    this.areaElement().classList.remove('space');
  };

  private onBlur = (): void => {
    this.spaceHeld = false;
    this.areaElement().classList.remove('space');
  };

  private onPointerDown = (event: PointerEvent): void => {
    if (!this.view) return;
    const inArea = event.composedPath().includes(this.areaElement());
    if (!inArea) return;
    const panGesture = event.button === 1 || (event.button === 0 && (this.spaceHeld || this.panTool));
    if (!panGesture) return;
    event.stopPropagation();
    event.preventDefault();
    this.focus({ preventScroll: true });
    this.pan = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, from: this.view };
    this.setPointerCapture(event.pointerId);
    this.areaElement().classList.add('panning');
  };

  private onPointerMove = (event: PointerEvent): void => {
    if (!this.pan || event.pointerId !== this.pan.pointerId || !this.view) return;
    this.userMoved = true;
    this.setView(panBy(this.pan.from, event.clientX - this.pan.x, event.clientY - this.pan.y));
  };

  private onPointerUp = (event: PointerEvent): void => {
    if (!this.pan || event.pointerId !== this.pan.pointerId) return;
    this.pan = undefined;
    if (this.hasPointerCapture(event.pointerId)) this.releasePointerCapture(event.pointerId);
    this.areaElement().classList.remove('panning');
  };

  /** A middle click pans; it must not also start the browser's autoscroll, paste or open anything. */
  private onAuxClick = (event: MouseEvent): void => {
    if (event.button === 1) event.preventDefault();
  };
}

if (!customElements.get('fm-viewport')) customElements.define('fm-viewport', FmViewport);

declare global {
  interface HTMLElementTagNameMap {
    'fm-viewport': FmViewport;
  }
}
