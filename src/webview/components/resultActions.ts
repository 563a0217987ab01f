import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import '@vscode-elements/elements/dist/vscode-context-menu/index.js';
import { t } from '../l10n';

/** One thing a user can do with a mockup. */
export interface ResultAction {
  /** What the element reports in its `result-action` event (and the button's `data-action`). */
  readonly id: string;
  /** Localised; the button's accessible name is "label: file name", its tooltip the label. */
  readonly label: string;
  /** A codicon name, e.g. `edit`, `diff`, `folder-opened`. */
  readonly icon: string;
  /** A toggle's state (compare, anchor): shown checked, reported as aria-checked. */
  readonly pressed?: boolean;
  /** In the overflow menu rather than on the toolbar. */
  readonly overflow?: boolean;
  /** Choices the button offers in a menu of its own (copy as code: the languages). */
  readonly menu?: ReadonlyArray<{ readonly id: string; readonly label: string }>;
}

export interface ResultActionEvent {
  readonly action: string;
  /** The menu choice, for an action with a menu. */
  readonly choice?: string;
}

/**
 * The actions of a mockup as icon buttons, the less frequent ones in an overflow menu ("More
 * actions"). Used on the results' cards, where it shows on hover and focus, and on the canvas's
 * toolbar, where it always shows. Fires `result-action` with `{ action, choice? }`.
 */
export class ResultActions extends LitElement {
  static override properties = {
    actions: { attribute: false },
    name: { type: String },
    openMenu: { state: true },
  };

  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 2px;
      position: relative;
    }
    vscode-context-menu {
      position: absolute;
      top: 100%;
      right: 0;
      z-index: 20;
      min-width: 12rem;
    }
  `;

  actions: readonly ResultAction[] = [];
  /** The file name the actions are for (accessible names say it). */
  name = '';
  /** Which menu is open: the overflow (`more`) or an action's own. */
  protected openMenu: string | undefined;

  private emit(action: string, choice?: string): void {
    this.dispatchEvent(new CustomEvent<ResultActionEvent>('result-action', { detail: { action, ...(choice ? { choice } : {}) }, bubbles: true, composed: true }));
  }

  private button(action: ResultAction) {
    const label = `${action.label}: ${this.name}`;
    return html`<vscode-toolbar-button
      data-action=${action.id}
      icon=${action.icon}
      label=${label}
      title=${action.label}
      ?toggleable=${action.pressed !== undefined}
      ?checked=${action.pressed === true}
      aria-haspopup=${action.menu ? 'menu' : nothing}
      aria-expanded=${action.menu ? String(this.openMenu === action.id) : nothing}
      @click=${() => (action.menu ? this.toggle(action.id) : this.emit(action.id))}
    ></vscode-toolbar-button>`;
  }

  private toggle(menu: string): void {
    this.openMenu = this.openMenu === menu ? undefined : menu;
  }

  private menu() {
    if (!this.openMenu) return nothing;
    const own = this.actions.find((a) => a.id === this.openMenu && a.menu);
    const data = own
      ? (own.menu ?? []).map((choice) => ({ label: choice.label, value: `${own.id}\u0000${choice.id}` }))
      : this.actions.filter((a) => a.overflow).flatMap((a) => (a.menu ? a.menu.map((choice) => ({ label: `${a.label}: ${choice.label}`, value: `${a.id}\u0000${choice.id}` })) : [{ label: a.pressed ? `✓ ${a.label}` : a.label, value: a.id }]));
    return html`<vscode-context-menu
      show
      .data=${data}
      aria-label=${own ? own.label : t('More actions')}
      @vsc-context-menu-select=${(e: CustomEvent<{ value: string }>) => {
        this.openMenu = undefined;
        const [action, choice] = e.detail.value.split('\u0000');
        if (action) this.emit(action, choice);
      }}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          this.openMenu = undefined;
        }
      }}
    ></vscode-context-menu>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // An opened menu takes the focus, so the arrow keys move through it at once.
    if (changed.has('openMenu' as keyof ResultActions) && this.openMenu) this.renderRoot.querySelector<HTMLElement>('vscode-context-menu')?.focus();
  }

  override render() {
    const onBar = this.actions.filter((a) => !a.overflow);
    const hasOverflow = this.actions.some((a) => a.overflow);
    return html`${onBar.map((a) => this.button(a))}${hasOverflow
        ? html`<vscode-toolbar-button
            data-action="more"
            icon="ellipsis"
            label=${t('More actions: {0}', this.name)}
            title=${t('More actions')}
            aria-haspopup="menu"
            aria-expanded=${String(this.openMenu === 'more')}
            @click=${() => this.toggle('more')}
          ></vscode-toolbar-button>`
        : nothing}${this.menu()}`;
  }
}

customElements.define('fm-result-actions', ResultActions);

declare global {
  interface HTMLElementTagNameMap {
    'fm-result-actions': ResultActions;
  }
  interface HTMLElementEventMap {
    'result-action': CustomEvent<ResultActionEvent>;
  }
}
