/**
 * `<fm-compare>`: two to four mockups compared side by side with synced zoom and pan (one
 * `<fm-viewport>` per pane; zooming or panning one moves the others to the same place of the
 * screen, also when their resolutions differ), or two of them overlaid with a swipe divider or as
 * an onion skin. Escape or the close button fires `close`.
 *
 * State for tests and styles is on attributes: the host's `mode`, `data-swipe`, `data-opacity`,
 * `data-before` and `data-after` (the overlaid files); each pane's `data-file`, `data-scale`,
 * `data-x` and `data-y`.
 */
import { css, html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { MockupItem } from '../../studio/protocol';
import { radioKey } from '../choiceModel';
import { compareLabels, defaultPair, extentOf, sliderKey } from '../compareModel';
import { t } from '../l10n';
import { type Extent, matchView, type View } from '../viewTransform';
import './viewport';
import type { FmViewport } from './viewport';

export type CompareMode = 'side' | 'swipe' | 'onion';
const MODES: readonly CompareMode[] = ['side', 'swipe', 'onion'];

function sameView(a: View | undefined, b: View | undefined): boolean {
  return !!a && !!b && Math.abs(a.scale - b.scale) < 1e-9 && Math.abs(a.x - b.x) < 1e-6 && Math.abs(a.y - b.y) < 1e-6;
}

export class FmCompare extends LitElement {
  static override properties = {
    items: { attribute: false },
    mode: { reflect: true },
    swipe: { type: Number, reflect: true, attribute: 'data-swipe' },
    opacity: { type: Number, reflect: true, attribute: 'data-opacity' },
    pair: { state: true },
    views: { state: true },
    overlayView: { state: true },
  };

  /** The images compared, two to four. */
  declare items: readonly MockupItem[];
  declare mode: CompareMode;
  /** Swipe: the divider's place, percent of the width from the left (the "before" image shows left of it). */
  declare swipe: number;
  /** Onion skin: the opacity of the "after" image over the "before" one, percent. */
  declare opacity: number;
  /** The two images swipe and onion skin overlay, as indexes into `items`: [before, after]. */
  declare pair: [number, number];
  /** The view of each side-by-side pane, as the panes last reported or were told. */
  declare views: ReadonlyArray<View | undefined>;
  /** The view of the swipe and onion-skin overlay (one viewport showing both images), once moved. */
  declare overlayView: View | undefined;
  /** The decoded sizes of the images, for those the sidecar does not state. */
  private decoded = new Map<string, Extent>();
  private focusAfterUpdate: string | undefined;

  constructor() {
    super();
    this.items = [];
    this.mode = 'side';
    this.swipe = 50;
    this.opacity = 50;
    this.pair = [0, 1];
    this.views = [];
    this.overlayView = undefined;
    this.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      // The comparison closes; the Studio's own Escape (cancel a job...) must not also act on it.
      event.stopPropagation();
      this.dispatchEvent(new Event('close', { bubbles: true, composed: true }));
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('items')) {
      const before = changed.get('items')?.map((i) => i.file).join('\n');
      if (before !== this.items.map((i) => i.file).join('\n')) {
        this.pair = this.items.length >= 2 ? defaultPair(this.items) : [0, 1];
        this.views = [];
        this.overlayView = undefined;
      }
    }
  }

  protected override updated(): void {
    const [before, after] = [this.items[this.pair[0]], this.items[this.pair[1]]];
    if (before && after) {
      this.dataset.before = before.file;
      this.dataset.after = after.file;
    }
    const stack = this.renderRoot.querySelector<HTMLElement>('.stack');
    if (stack) {
      // CSSOM, not style attributes: the webview's CSP allows no inline styles.
      stack.style.setProperty('--swipe', `${this.swipe}%`);
      stack.style.setProperty('--opacity', String(this.opacity / 100));
    }
    if (this.focusAfterUpdate) {
      this.renderRoot.querySelector<HTMLElement>(this.focusAfterUpdate)?.focus();
      this.focusAfterUpdate = undefined;
    }
  }

  private extent(index: number): Extent | undefined {
    const item = this.items[index];
    if (!item) return undefined;
    const viewport = this.mode === 'side' ? this.viewports()[index] : undefined;
    return extentOf(item, viewport?.naturalWidth ? { width: viewport.naturalWidth, height: viewport.naturalHeight } : this.decoded.get(item.file));
  }

  private viewports(): FmViewport[] {
    return [...this.renderRoot.querySelectorAll<FmViewport>('fm-viewport')];
  }

  /** Every pane to the place of the screen `index` shows. */
  private syncFrom(index: number, view: View): void {
    const from = this.extent(index);
    this.views = this.items.map((_, j) => {
      if (j === index) return view;
      const to = this.extent(j);
      return from && to ? matchView(view, from, to) : this.views[j];
    });
  }

  private onViewChange(index: number, event: Event): void {
    const view = (event as CustomEvent<View | undefined>).detail;
    // A pane reporting the view it was just told is following, not leading.
    if (!view || sameView(view, this.views[index])) return;
    this.syncFrom(index, view);
  }

  private onImageSize(file: string, event: Event): void {
    const image = event.currentTarget as HTMLImageElement;
    if (!image.naturalWidth || this.decoded.has(file)) return;
    this.decoded.set(file, { width: image.naturalWidth, height: image.naturalHeight });
    this.requestUpdate();
  }

  private setMode(mode: CompareMode): void {
    this.mode = mode;
    this.dispatchEvent(new Event('mode-change', { bubbles: true, composed: true }));
  }

  private setPair(side: 0 | 1, index: number): void {
    const pair: [number, number] = [...this.pair];
    if (pair[1 - side] === index) pair[1 - side] = pair[side];
    pair[side] = index;
    this.pair = pair;
  }

  private setSwipe(value: number): void {
    this.swipe = Math.round(Math.min(100, Math.max(0, value)) * 10) / 10;
  }

  private onDividerKey = (event: KeyboardEvent): void => {
    const next = sliderKey(this.swipe, event.key, event.shiftKey);
    if (next === undefined) return;
    event.preventDefault();
    // The divider's keys, not the viewport's (which pans with the arrows).
    event.stopPropagation();
    this.setSwipe(next);
  };

  private onSwipePointer = (event: PointerEvent): void => {
    const stack = event.currentTarget as HTMLElement;
    const follow = (e: PointerEvent): void => {
      const box = stack.getBoundingClientRect();
      if (box.width > 0) this.setSwipe(((e.clientX - box.left) / box.width) * 100);
    };
    if (event.type === 'pointerdown') {
      if (event.button !== 0) return;
      stack.setPointerCapture(event.pointerId);
      this.renderRoot.querySelector<HTMLElement>('.divider')?.focus();
      event.preventDefault();
      follow(event);
    } else if (stack.hasPointerCapture(event.pointerId)) {
      follow(event);
    }
  };

  /** A choice of one among a few, as a row of toggle buttons with radio semantics (arrow keys move). */
  private segmented<T extends string | number>(label: string, group: string, values: readonly T[], current: T, name: (value: T) => string, choose: (value: T) => void): TemplateResult {
    const keydown = (event: KeyboardEvent): void => {
      const next = radioKey(values, current, event.key);
      if (next === undefined) return;
      event.preventDefault();
      this.focusAfterUpdate = `[data-group="${group}"] [aria-checked="true"]`;
      choose(next);
    };
    return html`<div class="segmented" role="radiogroup" aria-label=${label} data-group=${group} @keydown=${keydown}>
      ${values.map(
        (value) =>
          html`<button type="button" role="radio" aria-checked=${String(value === current)} tabindex=${value === current ? 0 : -1} data-value=${String(value)} @click=${() => choose(value)}>${name(value)}</button>`,
      )}
    </div>`;
  }

  private modeName(mode: CompareMode): string {
    return mode === 'side' ? t('Side by side') : mode === 'swipe' ? t('Swipe') : t('Onion skin');
  }

  protected override render(): TemplateResult | typeof nothing {
    const items = this.items;
    if (items.length < 2) return nothing;
    const labels = compareLabels(items, t);
    return html`
      <div class="head">
        <h2 id="title">${t('Compare {0} images', items.length)}</h2>
        ${this.segmented(t('Comparison mode'), 'mode', MODES, this.mode, (m) => this.modeName(m), (m) => this.setMode(m))}
        <span class="spacer"></span>
        <button type="button" class="close" data-action="close" aria-label=${t('Close comparison')} @click=${() => this.dispatchEvent(new Event('close', { bubbles: true, composed: true }))}>×</button>
      </div>
      ${this.mode === 'side' ? this.renderSide(labels) : this.renderOverlay(labels)}
    `;
  }

  private renderSide(labels: readonly string[]): TemplateResult {
    return html`<p class="hint">${t('Zoom or pan one image and the others follow to the same place.')}</p>
      <div class="grid" data-count=${this.items.length}>
        ${this.items.map((item, index) => {
          const view = this.views[index];
          return html`<figure class="pane" data-file=${item.file} data-index=${index} data-scale=${view ? String(view.scale) : nothing} data-x=${view ? String(view.x) : nothing} data-y=${view ? String(view.y) : nothing}>
            <figcaption class="label" title=${item.file}>${labels[index]}</figcaption>
            <fm-viewport .src=${item.uri} .alt=${`${labels[index]}: ${item.name}`} .naturalWidth=${item.width ?? 0} .naturalHeight=${item.height ?? 0} .view=${view} @view-change=${(e: Event) => this.onViewChange(index, e)}></fm-viewport>
          </figure>`;
        })}
      </div>`;
  }

  private renderOverlay(labels: readonly string[]): TemplateResult {
    const [a, b] = this.pair;
    const before = this.items[a];
    const after = this.items[b];
    const indexes = this.items.map((_, i) => i);
    const pickers =
      this.items.length > 2
        ? html`<div class="pickers">
            <span class="picker-label">${this.mode === 'swipe' ? t('Left') : t('Under')}</span>
            ${this.segmented(this.mode === 'swipe' ? t('Image on the left') : t('Image underneath'), 'before', indexes, a, (i) => labels[i], (i) => this.setPair(0, i))}
            <span class="picker-label">${this.mode === 'swipe' ? t('Right') : t('Over')}</span>
            ${this.segmented(this.mode === 'swipe' ? t('Image on the right') : t('Image on top'), 'after', indexes, b, (i) => labels[i], (i) => this.setPair(1, i))}
          </div>`
        : nothing;
    const swipe = this.mode === 'swipe';
    const onView = (event: Event): void => {
      const view = (event as CustomEvent<View | undefined>).detail;
      if (view && !sameView(view, this.overlayView)) this.overlayView = view;
    };
    return html`${pickers}
      <div class="tags" aria-hidden="true"><span class="tag before-tag" title=${before.file}>${labels[a]}</span><span class="tag after-tag" title=${after.file}>${labels[b]}</span></div>
      <fm-viewport
        class="overlay-view"
        data-mode=${this.mode}
        .src=${before.uri}
        .alt=${`${labels[a]}: ${before.name}`}
        .naturalWidth=${before.width ?? 0}
        .naturalHeight=${before.height ?? 0}
        .view=${this.overlayView}
        @view-change=${onView}
      >
        <div slot="overlay" class="stack" data-mode=${this.mode} @pointerdown=${swipe ? this.onSwipePointer : nothing} @pointermove=${swipe ? this.onSwipePointer : nothing}>
          <img class="after" src=${after.uri} alt=${`${labels[b]}: ${after.name}`} draggable="false" @load=${(e: Event) => this.onImageSize(after.file, e)} />
          ${swipe
            ? html`<div
                class="divider"
                role="slider"
                tabindex="0"
                aria-label=${t('Swipe between {0} and {1}', labels[a], labels[b])}
                aria-orientation="horizontal"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=${this.swipe}
                aria-valuetext=${t('{0} % {1}, {2} % {3}', Math.round(this.swipe), labels[a], Math.round(100 - this.swipe), labels[b])}
                @keydown=${this.onDividerKey}
              ></div>`
            : nothing}
        </div>
      </fm-viewport>
      ${swipe
        ? html`<p class="hint">${t('Drag the divider, or focus it and use the arrow keys (Shift for bigger steps).')}</p>`
        : html`<label class="opacity"
            >${t('Opacity of {0}', labels[b])}
            <input type="range" id="opacity" min="0" max="100" step="1" .value=${String(this.opacity)} @input=${(e: Event) => (this.opacity = Number((e.target as HTMLInputElement).value))} />
            <output for="opacity">${t('{0} %', this.opacity)}</output>
          </label>`}`;
  }

  static override styles = css`
    :host {
      display: block;
      container-type: inline-size;
      border: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, var(--vscode-panel-border, transparent)));
      background: var(--vscode-editorWidget-background);
      border-radius: 4px;
      padding: 12px;
      color: var(--vscode-foreground);
      font-family: var(--vscode-font-family);
      font-size: var(--vscode-font-size);
    }
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 10px;
      margin-bottom: 10px;
    }
    h2 {
      font-size: 1.1em;
      margin: 0;
    }
    .spacer {
      flex: 1;
    }
    button {
      font: inherit;
      color: var(--vscode-button-secondaryForeground);
      background: var(--vscode-button-secondaryBackground);
      border: 1px solid var(--vscode-button-border, transparent);
      border-radius: 2px;
      padding: 3px 9px;
      cursor: pointer;
    }
    button:hover {
      background: var(--vscode-button-secondaryHoverBackground);
    }
    button:focus-visible,
    .divider:focus-visible,
    input:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: 2px;
    }
    .close {
      min-width: 28px;
    }
    .segmented {
      display: inline-flex;
      flex-wrap: wrap;
      border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent));
      border-radius: 2px;
    }
    .segmented button {
      border-radius: 0;
      border: none;
    }
    .segmented button[aria-checked='true'] {
      color: var(--vscode-button-foreground);
      background: var(--vscode-button-background);
      outline: 1px solid var(--vscode-contrastActiveBorder, transparent);
      outline-offset: -1px;
    }
    .segmented button:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: 2px;
    }
    .segmented button[aria-checked='true']:hover {
      background: var(--vscode-button-hoverBackground);
    }
    .hint {
      margin: 0 0 8px;
      color: var(--vscode-descriptionForeground);
    }
    .grid {
      display: grid;
      gap: 8px;
      grid-template-columns: repeat(2, minmax(0, 1fr));
    }
    .grid[data-count='3'] {
      grid-template-columns: repeat(3, minmax(0, 1fr));
    }
    .pane {
      margin: 0;
      display: flex;
      flex-direction: column;
      min-width: 0;
    }
    .grid[data-count='4'] fm-viewport {
      --fm-viewport-height: 36vh;
      min-height: 180px;
    }
    .label {
      padding-bottom: 4px;
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .pickers {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px 10px;
      margin-bottom: 8px;
    }
    .picker-label {
      color: var(--vscode-descriptionForeground);
    }
    .tags {
      display: flex;
      justify-content: space-between;
      gap: 8px;
      margin-bottom: 4px;
    }
    .tag {
      padding: 1px 6px;
      border-radius: 2px;
      color: var(--vscode-badge-foreground);
      background: var(--vscode-badge-background);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    fm-viewport.overlay-view {
      --fm-viewport-height: 65vh;
    }
    .stack {
      overflow: hidden;
      touch-action: none;
      user-select: none;
      line-height: 0;
    }
    .stack[data-mode='swipe'] {
      cursor: ew-resize;
    }
    .stack img.after {
      position: absolute;
      top: 0;
      left: 0;
      width: 100%;
      height: auto;
      display: block;
    }
    .stack[data-mode='swipe'] img.after {
      clip-path: inset(0 0 0 var(--swipe, 50%));
    }
    .stack[data-mode='onion'] img.after {
      opacity: var(--opacity, 0.5);
    }
    .divider {
      position: absolute;
      top: 0;
      bottom: 0;
      left: var(--swipe, 50%);
      width: 2px;
      margin-left: -1px;
      background: var(--vscode-focusBorder);
    }
    .divider::after {
      content: '';
      position: absolute;
      top: calc(50% - 14px);
      left: -6px;
      width: 12px;
      height: 28px;
      border-radius: 3px;
      background: var(--vscode-focusBorder);
      border: 1px solid var(--vscode-editorWidget-background);
    }
    .opacity {
      display: flex;
      align-items: center;
      gap: 8px;
      margin-top: 8px;
    }
    .opacity input {
      flex: 1;
      max-width: 320px;
      accent-color: var(--vscode-focusBorder);
    }
    output {
      font-variant-numeric: tabular-nums;
    }
    @container (max-width: 480px) {
      .grid,
      .grid[data-count='3'] {
        grid-template-columns: minmax(0, 1fr);
      }
    }
  `;
}

customElements.define('fm-compare', FmCompare);

declare global {
  interface HTMLElementTagNameMap {
    'fm-compare': FmCompare;
  }
}
