import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { t } from '../l10n';

/** An image the lightbox can show. */
export interface LightboxImage {
  readonly uri: string;
  /** What tells it apart (the heading), and its full name. */
  readonly label: string;
  readonly name: string;
  readonly alt: string;
}

/**
 * A mockup over the whole Studio, as large as it fits (never enlarged past its pixels): a modal
 * dialog that takes the focus, keeps it inside, and gives it back on close. Arrow keys go to the
 * previous and next image, Escape closes. Fires `lightbox-close` and `lightbox-index` (the index shown).
 */
export class Lightbox extends LitElement {
  static override properties = {
    images: { attribute: false },
    index: { type: Number, reflect: true },
    open: { type: Boolean, reflect: true },
  };

  static override styles = css`
    :host {
      display: none;
    }
    :host([open]) {
      display: block;
      position: fixed;
      inset: 0;
      z-index: 100;
    }
    .backdrop {
      position: absolute;
      inset: 0;
      background: var(--vscode-editor-background);
      opacity: 0.92;
    }
    [role='dialog'] {
      position: absolute;
      inset: 0;
      display: grid;
      grid-template-rows: auto 1fr;
      outline: none;
    }
    header {
      display: flex;
      align-items: center;
      gap: 8px;
      padding: 6px 10px;
      color: var(--vscode-foreground);
    }
    header h2 {
      font-size: 1em;
      font-weight: 600;
      margin: 0;
      flex: 1;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .count {
      color: var(--vscode-descriptionForeground);
    }
    figure {
      margin: 0;
      min-height: 0;
      display: grid;
      place-items: center;
      padding: 0 12px 12px;
    }
    img {
      max-width: 100%;
      max-height: 100%;
      object-fit: contain;
      box-shadow: 0 0 0 1px var(--vscode-widget-border, transparent);
    }
  `;

  images: readonly LightboxImage[] = [];
  index = 0;
  open = false;
  private returnFocus: Element | null = null;

  show(index: number): void {
    this.returnFocus = document.activeElement;
    this.index = Math.max(0, Math.min(this.images.length - 1, index));
    this.open = true;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.dispatchEvent(new CustomEvent('lightbox-close', { bubbles: true, composed: true }));
    if (this.returnFocus instanceof HTMLElement) this.returnFocus.focus();
  }

  private go(delta: number): void {
    if (this.images.length < 2) return;
    this.index = (this.index + delta + this.images.length) % this.images.length;
    this.dispatchEvent(new CustomEvent<number>('lightbox-index', { detail: this.index, bubbles: true, composed: true }));
  }

  private key(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
    } else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') {
      e.preventDefault();
      this.go(1);
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') {
      e.preventDefault();
      this.go(-1);
    } else if (e.key === 'Tab') {
      // The focus stays in the dialog: cycle through its own buttons.
      const stops = [...this.renderRoot.querySelectorAll<HTMLElement>('vscode-toolbar-button, [role="dialog"]')];
      const at = stops.indexOf(this.renderRoot instanceof ShadowRoot ? (this.renderRoot.activeElement as HTMLElement) : (document.activeElement as HTMLElement));
      const next = stops[(at + (e.shiftKey ? -1 : 1) + stops.length) % stops.length];
      if (next) {
        e.preventDefault();
        next.focus();
      }
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) this.renderRoot.querySelector<HTMLElement>('[role="dialog"]')?.focus();
  }

  override render() {
    const image = this.images[this.index];
    if (!this.open || !image) return nothing;
    const several = this.images.length > 1;
    return html`<div class="backdrop" @click=${() => this.close()}></div>
      <div role="dialog" aria-modal="true" aria-label=${image.name} tabindex="-1" @keydown=${(e: KeyboardEvent) => this.key(e)}>
        <header>
          <h2 title=${image.name}>${image.label}</h2>
          ${several ? html`<span class="count">${t('{0} of {1}', this.index + 1, this.images.length)}</span>` : nothing}
          ${several
            ? html`<vscode-toolbar-button data-action="previous" icon="arrow-left" label=${t('Previous image')} title=${t('Previous image')} @click=${() => this.go(-1)}></vscode-toolbar-button>
                <vscode-toolbar-button data-action="next" icon="arrow-right" label=${t('Next image')} title=${t('Next image')} @click=${() => this.go(1)}></vscode-toolbar-button>`
            : nothing}
          <vscode-toolbar-button data-action="close" icon="close" label=${t('Close')} title=${t('Close (Escape)')} @click=${() => this.close()}></vscode-toolbar-button>
        </header>
        <figure><img src=${image.uri} alt=${image.alt} /></figure>
      </div>`;
  }
}

customElements.define('fm-lightbox', Lightbox);

declare global {
  interface HTMLElementTagNameMap {
    'fm-lightbox': Lightbox;
  }
}
