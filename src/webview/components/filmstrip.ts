/**
 * `<fm-filmstrip>`: the thumbnails under the canvas, in groups (the running job's images, this
 * session's results, the history). A single-select `listbox`: one tab stop, arrow keys, Home,
 * End, PageUp and PageDown move along it across the groups, Enter or Space (or a click) picks an
 * entry, and the selected one is kept in view. Each entry is named by what tells it apart, its
 * full name on hover. It holds no selection of its own: it fires `filmstrip-select` with `{ key }`
 * and shows the `selected` it is given.
 */
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { type FilmstripEntry, type FilmstripGroup, flatKeys, moveKey, tabStop } from '../filmstripModel';

export type { FilmstripEntry, FilmstripGroup } from '../filmstripModel';

export class Filmstrip extends LitElement {
  static override properties = {
    groups: { attribute: false },
    selected: { type: String },
    label: { type: String },
    focusKey: { state: true },
  };

  static override styles = css`
    :host {
      display: block;
      min-width: 0;
      border-top: 1px solid var(--vscode-widget-border, var(--vscode-contrastBorder, var(--vscode-panel-border, transparent)));
      background: var(--vscode-sideBar-background, var(--vscode-editor-background));
    }
    [role='listbox'] {
      display: flex;
      gap: 14px;
      overflow-x: auto;
      overflow-y: hidden;
      padding: 6px 10px 8px;
      outline: none;
      scrollbar-width: thin;
    }
    [role='group'] {
      display: flex;
      flex: none;
      align-items: flex-end;
      gap: 6px;
    }
    .group-label {
      writing-mode: vertical-rl;
      transform: rotate(180deg);
      align-self: stretch;
      text-align: center;
      font-size: 0.8em;
      color: var(--vscode-descriptionForeground);
      white-space: nowrap;
      overflow: hidden;
    }
    [role='option'] {
      flex: none;
      display: grid;
      grid-template-rows: 64px auto;
      gap: 3px;
      width: 88px;
      padding: 3px;
      border: 1px solid transparent;
      border-radius: 4px;
      cursor: pointer;
      outline: none;
      color: var(--vscode-foreground);
    }
    [role='option']:hover {
      background: var(--vscode-list-hoverBackground);
    }
    [role='option'][aria-selected='true'] {
      background: var(--vscode-list-activeSelectionBackground, var(--vscode-list-hoverBackground));
      color: var(--vscode-list-activeSelectionForeground, var(--vscode-foreground));
      border-color: var(--vscode-list-activeSelectionBackground, var(--vscode-focusBorder));
    }
    [role='option']:focus-visible {
      border-color: var(--vscode-focusBorder);
      outline: 1px solid var(--vscode-focusBorder);
    }
    .thumb {
      display: grid;
      place-items: center;
      min-height: 0;
      overflow: hidden;
      background: var(--vscode-editor-background);
      border-radius: 2px;
    }
    img {
      max-width: 100%;
      max-height: 64px;
      object-fit: contain;
    }
    .placeholder {
      width: 100%;
      height: 100%;
      background: var(--vscode-editorWidget-background, var(--vscode-editor-background));
    }
    [data-state='streaming'] .placeholder,
    [data-state='waiting'] .placeholder {
      background: linear-gradient(90deg, transparent, var(--vscode-progressBar-background, var(--vscode-focusBorder)), transparent) 0 0 / 200% 100%
        var(--vscode-editorWidget-background, var(--vscode-editor-background));
      animation: sweep 1.4s linear infinite;
      opacity: 0.6;
    }
    [data-state='waiting'] .placeholder {
      animation: none;
      opacity: 0.25;
    }
    [data-state='failed'] .thumb,
    [data-state='notSent'] .thumb,
    [data-state='cancelled'] .thumb {
      box-shadow: inset 0 0 0 2px var(--vscode-errorForeground, var(--vscode-editorError-foreground));
    }
    .label {
      font-size: 0.85em;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
      text-align: center;
    }
    @keyframes sweep {
      to {
        background-position: -200% 0;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      [data-state='streaming'] .placeholder {
        animation: none;
      }
    }
  `;

  groups: readonly FilmstripGroup[] = [];
  selected: string | undefined;
  label = '';
  /** The entry that holds the tab stop (and the focus, once the user moved it). */
  protected focusKey: string | undefined;
  private focusPending = false;

  protected override render(): unknown {
    const keys = flatKeys(this.groups);
    const stop = tabStop(keys, this.focusKey, this.selected);
    return html`<div role="listbox" aria-label=${this.label} aria-orientation="horizontal" @keydown=${this.onKeyDown}>
      ${this.groups.map(
        (group) => html`<div role="group" data-group=${group.id} aria-label=${group.label}>
          <span class="group-label" aria-hidden="true">${group.label}</span>
          ${group.entries.map((entry) => this.entry(entry, entry.key === stop))}
        </div>`,
      )}
    </div>`;
  }

  private entry(entry: FilmstripEntry, stop: boolean): unknown {
    const selected = entry.key === this.selected;
    const name = entry.title && entry.title !== entry.label ? `${entry.label}, ${entry.title}` : entry.label;
    return html`<div
      role="option"
      data-key=${entry.key}
      data-state=${entry.state ?? nothing}
      aria-selected=${String(selected)}
      aria-label=${name}
      title=${entry.title ?? entry.label}
      tabindex=${stop ? 0 : -1}
      @click=${() => this.pick(entry.key)}
    >
      <span class="thumb" aria-hidden="true">${entry.uri ? html`<img src=${entry.uri} alt="" decoding="async" loading="lazy" />` : html`<span class="placeholder"></span>`}</span>
      <span class="label" aria-hidden="true">${entry.label}</span>
    </div>`;
  }

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    const keys = flatKeys(this.groups);
    const current = tabStop(keys, this.focusKey, this.selected);
    if ((e.key === 'Enter' || e.key === ' ') && current !== undefined) {
      e.preventDefault();
      this.pick(current);
      return;
    }
    const next = moveKey(keys, current, e.key);
    if (next === undefined) return;
    e.preventDefault();
    this.focusKey = next;
    this.focusPending = true;
  };

  private pick(key: string): void {
    this.focusKey = key;
    this.dispatchEvent(new CustomEvent<{ key: string }>('filmstrip-select', { detail: { key }, bubbles: true, composed: true }));
  }

  private option(key: string | undefined): HTMLElement | undefined {
    if (key === undefined) return undefined;
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="option"]')].find((el) => el.dataset.key === key);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.focusPending) {
      this.focusPending = false;
      const el = this.option(this.focusKey);
      el?.focus();
      el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else if (changed.has('selected')) {
      this.option(this.selected)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  }
}

customElements.define('fm-filmstrip', Filmstrip);

declare global {
  interface HTMLElementTagNameMap {
    'fm-filmstrip': Filmstrip;
  }
}
