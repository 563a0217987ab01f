import { css, html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { t } from '../l10n';

/** One frame of the filmstrip: a mockup made or being made. */
export interface Frame {
  /** Stable across updates (a job's tile key, or the file once written). */
  readonly key: string;
  /** What tells it from its neighbours (distinguishingLabels); the full name is its tooltip. */
  readonly label: string;
  readonly title: string;
  /** The image, or the latest streamed preview while it is being made. */
  readonly uri?: string;
  readonly state: 'waiting' | 'streaming' | 'done' | 'failed';
}

export interface FrameGroup {
  readonly heading: string;
  readonly frames: readonly Frame[];
}

/**
 * The results made since the Studio opened and the history, as a strip of thumbnails under the
 * canvas. One listbox: arrow keys, Home and End move, Enter or a click selects (the canvas shows the
 * frame); frames being made show their state and their latest preview. Fires `frame-select` with
 * the frame's key.
 */
export class Filmstrip extends LitElement {
  static override properties = {
    groups: { attribute: false },
    selected: { type: String },
    focusKey: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      overflow-x: auto;
      overflow-y: hidden;
      border-top: 1px solid var(--vscode-panel-border, transparent);
    }
    [role='listbox'] {
      display: flex;
      gap: 6px;
      padding: 6px;
      align-items: flex-end;
      outline: none;
    }
    .group {
      display: contents;
    }
    .heading {
      writing-mode: vertical-rl;
      transform: rotate(180deg);
      font-size: 0.85em;
      color: var(--vscode-descriptionForeground);
      align-self: stretch;
      text-align: center;
    }
    [role='option'] {
      flex: none;
      width: 72px;
      display: flex;
      flex-direction: column;
      gap: 2px;
      padding: 2px;
      border: 1px solid transparent;
      border-radius: 3px;
      cursor: pointer;
      color: var(--vscode-foreground);
    }
    [role='option']:hover {
      background: var(--vscode-list-hoverBackground);
    }
    [role='option'][aria-selected='true'] {
      background: var(--vscode-list-activeSelectionBackground);
      color: var(--vscode-list-activeSelectionForeground);
    }
    [role='listbox']:focus-visible [role='option'].focused {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: -1px;
    }
    .thumb {
      height: 72px;
      display: grid;
      place-items: center;
      background: var(--vscode-editorWidget-background);
      overflow: hidden;
    }
    .thumb img {
      max-width: 100%;
      max-height: 100%;
    }
    .label {
      font-size: 0.85em;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      text-align: center;
    }
    .state {
      font-size: 0.8em;
      color: var(--vscode-descriptionForeground);
    }
    .failed .state {
      color: var(--vscode-errorForeground);
    }
    .streaming .thumb img {
      opacity: 0.7;
    }
  `;

  groups: readonly FrameGroup[] = [];
  selected: string | undefined;
  /** The frame the keyboard is on (the listbox's active descendant). */
  protected focusKey: string | undefined;

  private frames(): Frame[] {
    return this.groups.flatMap((g) => g.frames);
  }

  private choose(key: string): void {
    this.focusKey = key;
    this.dispatchEvent(new CustomEvent<string>('frame-select', { detail: key, bubbles: true, composed: true }));
  }

  private key(e: KeyboardEvent): void {
    const frames = this.frames();
    if (!frames.length) return;
    const at = Math.max(0, frames.findIndex((f) => f.key === (this.focusKey ?? this.selected)));
    const move: Record<string, number> = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: frames.length - 1 };
    if (e.key in move) {
      e.preventDefault();
      const next = frames[Math.min(frames.length - 1, Math.max(0, move[e.key] ?? at))];
      if (next) {
        this.focusKey = next.key;
        this.renderRoot.querySelector(`[data-key="${CSS.escape(next.key)}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      }
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const current = frames[at];
      if (current) this.choose(current.key);
    }
  }

  private stateText(frame: Frame): string {
    return frame.state === 'waiting' ? t('Waiting') : frame.state === 'streaming' ? t('Drawing...') : frame.state === 'failed' ? t('Failed') : '';
  }

  override render() {
    const frames = this.frames();
    if (!frames.length) return nothing;
    const active = this.focusKey ?? this.selected ?? frames[0]?.key;
    const id = (key: string): string => `frame-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return html`<div role="listbox" tabindex="0" aria-orientation="horizontal" aria-label=${t('Mockups')} aria-activedescendant=${active ? id(active) : nothing} @keydown=${(e: KeyboardEvent) => this.key(e)}>
      ${this.groups.map(
        (group) => html`<div class="group" role="group" aria-label=${group.heading}>
          ${group.frames.length ? html`<span class="heading" aria-hidden="true">${group.heading}</span>` : nothing}
          ${repeat(
            group.frames,
            (f) => f.key,
            (f) => html`<div
              role="option"
              id=${id(f.key)}
              data-key=${f.key}
              data-state=${f.state}
              class="${f.state}${f.key === active ? ' focused' : ''}"
              aria-selected=${String(f.key === this.selected)}
              title=${f.title}
              @click=${() => this.choose(f.key)}
            >
              <div class="thumb">${f.uri ? html`<img src=${f.uri} alt="" />` : nothing}</div>
              <div class="label">${f.label}</div>
              ${f.state === 'done' ? nothing : html`<div class="state">${this.stateText(f)}</div>`}
            </div>`,
          )}
        </div>`,
      )}
    </div>`;
  }
}

customElements.define('fm-filmstrip', Filmstrip);

declare global {
  interface HTMLElementTagNameMap {
    'fm-filmstrip': Filmstrip;
  }
}
