/**
 * What the Studio's views share: the controller that re-renders a view when the store changes,
 * and small templates (a segmented choice, a section heading, the workspace image picker).
 */
import { html, LitElement, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { radioKey } from '../choiceModel';
import type { StudioStore } from '../store';

/** Re-renders its host whenever the store changes. */
export class StoreController implements ReactiveController {
  private unsubscribe: (() => void) | undefined;
  constructor(
    private readonly host: ReactiveControllerHost & { store?: StudioStore },
  ) {
    host.addController(this);
  }
  hostConnected(): void {
    this.unsubscribe = this.host.store?.subscribe(() => this.host.requestUpdate());
  }
  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

/**
 * A view of the store, rendered into the light DOM so that the Studio's one stylesheet (which the
 * strict CSP allows by nonce) styles it and the page's ids stay unique and reachable.
 */
export abstract class StoreView extends LitElement {
  static override properties = { store: { attribute: false } };
  declare store: StudioStore;

  constructor() {
    super();
    new StoreController(this);
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** Whether the store is there and initialised (a view renders nothing before `init`). */
  protected get ready(): boolean {
    return !!this.store?.init;
  }
}

/** A group of toggle buttons that behaves as one choice (radio semantics, arrow keys move and keep focus). */
export function segmented<T extends string | number>(label: string, key: string, values: readonly T[], current: T, onChange: (value: T) => void, names: (v: T) => string = String): TemplateResult {
  const keydown = (event: KeyboardEvent): void => {
    const next = radioKey(values, current, event.key);
    if (next === undefined) return;
    event.preventDefault();
    onChange(next);
    const group = event.currentTarget as HTMLElement;
    group.querySelector<HTMLElement>(`[data-key="${CSS.escape(`${key}:${next}`)}"]`)?.focus();
  };
  return html`<div class="field">
    <span class="label" id=${`${key}-label`}>${label}</span>
    <div class="segmented" role="radiogroup" aria-label=${label} @keydown=${keydown}>
      ${values.map((value) => html`<button type="button" role="radio" aria-checked=${String(value === current)} tabindex=${value === current ? 0 : -1} data-key=${`${key}:${value}`} @click=${() => onChange(value)}>${names(value)}</button>`)}
    </div>
  </div>`;
}

export function heading(id: string, text: string, extra: unknown = nothing): TemplateResult {
  return html`<div class="block-head"><h2 id=${id}>${text}</h2>${extra}</div>`;
}

export interface PickableImage {
  readonly file: string;
  readonly uri: string;
}

/** The grid of workspace images to pick from (for an edit's references and for the set's anchor); each is a toggle. */
export function imagePicker(images: readonly PickableImage[], options: { readonly label: string; readonly keyPrefix: string; readonly pressed: (file: string) => boolean; readonly onPick: (image: PickableImage) => void }): TemplateResult {
  return html`<div class="picker" role="group" aria-label=${options.label}>
    ${images.map(
      (image) => html`<button type="button" class="pick" data-key=${`${options.keyPrefix}:${image.file}`} aria-pressed=${String(options.pressed(image.file))} @click=${() => options.onPick(image)}>
        <img src=${image.uri} alt="" loading="lazy" /><span>${image.file}</span>
      </button>`,
    )}
  </div>`;
}

/** Runs `fn` after the next paint (a frame, then a task). */
export function afterPaint(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}
