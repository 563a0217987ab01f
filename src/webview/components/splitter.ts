/**
 * `<fm-rail-splitter>`: the handle between the settings rail and the canvas, a focusable
 * `separator` (WAI-ARIA window splitter). Drag it to resize the rail; Left and Right resize by a
 * step (Shift: larger), Home and End go to the narrowest and widest, Enter folds the rail away and
 * brings it back, a double click restores the default width. It owns no width: it fires
 * `rail-resize` with `{ width }` and `rail-toggle` with `{ collapsed }`, and shows what it is given.
 */
import { css, html, LitElement } from 'lit';
import { t } from '../l10n';
import { dragWidth, type RailRange, railKey } from '../railModel';

export class RailSplitter extends LitElement {
  static override properties = {
    value: { type: Number },
    min: { type: Number },
    max: { type: Number },
    step: { type: Number },
    defaultValue: { type: Number, attribute: 'default-value' },
    collapsed: { type: Boolean, reflect: true },
    dragging: { type: Boolean, reflect: true },
  };

  static override styles = css`
    :host {
      display: block;
      position: relative;
      width: 5px;
      cursor: col-resize;
      touch-action: none;
      outline: none;
      background: transparent;
      border-left: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, var(--vscode-panel-border, transparent)));
    }
    :host(:hover),
    :host([dragging]) {
      background: var(--vscode-sash-hoverBorder, var(--vscode-focusBorder));
    }
    :host(:focus-visible) {
      background: var(--vscode-focusBorder);
      outline: 1px solid var(--vscode-focusBorder);
    }
    :host([collapsed]) {
      cursor: e-resize;
    }
  `;

  value = 360;
  min = 260;
  max = 640;
  step = 16;
  defaultValue = 360;
  collapsed = false;
  protected dragging = false;
  private drag: { pointer: number; x: number; start: number } | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.tabIndex = 0;
    this.setAttribute('role', 'separator');
    this.setAttribute('aria-orientation', 'vertical');
    this.setAttribute('aria-controls', 'rail');
    for (const [type, listener] of this.listeners()) this.addEventListener(type, listener);
  }

  override disconnectedCallback(): void {
    for (const [type, listener] of this.listeners()) this.removeEventListener(type, listener);
    super.disconnectedCallback();
  }

  private listeners(): ReadonlyArray<[string, EventListener]> {
    return [
      ['pointerdown', this.onPointerDown as EventListener],
      ['pointermove', this.onPointerMove as EventListener],
      ['pointerup', this.onPointerEnd as EventListener],
      ['pointercancel', this.onPointerEnd as EventListener],
      ['keydown', this.onKeyDown as EventListener],
      ['dblclick', this.onDoubleClick],
    ];
  }

  protected override render(): unknown {
    this.setAttribute('aria-label', t('Resize the settings'));
    this.setAttribute('title', this.collapsed ? t('Show the settings (Enter)') : t('Drag to resize the settings; Enter folds them'));
    this.setAttribute('aria-valuemin', String(this.min));
    this.setAttribute('aria-valuemax', String(this.max));
    this.setAttribute('aria-valuenow', String(this.collapsed ? this.min : this.value));
    this.setAttribute('aria-valuetext', this.collapsed ? t('Settings hidden') : t('{0} pixels', this.value));
    return html``;
  }

  private get range(): RailRange {
    return { min: this.min, max: this.max, step: this.step };
  }

  private readonly onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    this.focus();
    if (this.collapsed) return;
    e.preventDefault();
    this.setPointerCapture(e.pointerId);
    this.drag = { pointer: e.pointerId, x: e.clientX, start: this.value };
    this.dragging = true;
  };

  private readonly onPointerMove = (e: PointerEvent): void => {
    if (!this.drag || e.pointerId !== this.drag.pointer) return;
    const width = dragWidth(this.drag.start, e.clientX - this.drag.x, this.range);
    if (width !== this.value) this.resize(width);
  };

  private readonly onPointerEnd = (e: PointerEvent): void => {
    if (!this.drag || e.pointerId !== this.drag.pointer) return;
    this.drag = undefined;
    this.dragging = false;
    if (this.hasPointerCapture(e.pointerId)) this.releasePointerCapture(e.pointerId);
  };

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    const result = railKey(e.key, e.shiftKey, this.value, this.collapsed, this.range);
    if (!result) return;
    e.preventDefault();
    e.stopPropagation();
    if ('toggle' in result) this.emit('rail-toggle', { collapsed: !this.collapsed });
    else if (result.width !== this.value) this.resize(result.width);
  };

  private readonly onDoubleClick = (): void => {
    if (this.collapsed) this.emit('rail-toggle', { collapsed: false });
    else this.resize(this.defaultValue);
  };

  private resize(width: number): void {
    // Shown at once (the store answers with the same value on its next render).
    this.value = width;
    this.emit('rail-resize', { width });
  }

  private emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }
}

customElements.define('fm-rail-splitter', RailSplitter);

declare global {
  interface HTMLElementTagNameMap {
    'fm-rail-splitter': RailSplitter;
  }
}
