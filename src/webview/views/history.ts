/** `<fm-history>`: the mockups of the workspace from their sidecars, searchable and filtered by size, language and model. */
import { html, nothing, type TemplateResult } from 'lit';
import { t } from '../l10n';
import { cards } from './cards';
import { StoreView } from './parts';

export class FmHistory extends StoreView {
  protected override render(): unknown {
    if (!this.ready) return nothing;
    const store = this.store;
    const q = store.state.historyQuery;
    const history = store.history;
    const facet = (label: string, key: 'size' | 'locale' | 'model', values: readonly string[]): TemplateResult =>
      html`<div class="facet">
        <span class="label">${label}</span>
        <div class="chips" role="group" aria-label=${t('Filter by {0}', label.toLowerCase())}>
          ${['', ...values].map((v) => html`<button type="button" class="chip-button" data-filter=${`${key}:${v}`} data-key=${`filter:${key}:${v}`} aria-pressed=${String(q[key] === v)} @click=${() => store.setHistoryQuery({ [key]: v })}>${v || t('All')}</button>`)}
        </div>
      </div>`;
    const facets = history?.facets ?? { sizes: [], locales: [], models: [] };
    const entries = history?.entries ?? [];
    return html`<div class="history-head">
        <h2>${t('History')}</h2>
        <span class="hint" role="status" id="history-count">${history ? t('{0} of {1} mockup(s)', entries.length, history.total) : t('Reading sidecars...')}</span>
      </div>
      <input type="search" id="history-search" data-key="history-search" placeholder=${t('Search prompts and file names')} .value=${q.text} aria-label=${t('Search history by prompt')} @input=${(e: Event) => store.setHistoryQuery({ text: (e.target as HTMLInputElement).value })} />
      <div class="facets">${facet(t('Size'), 'size', facets.sizes)}${facet(t('Language'), 'locale', facets.locales)}${facet(t('Model'), 'model', facets.models)}</div>
      ${entries.length
        ? html`<div class="grid history-grid">${cards(store, entries, 'history', (m) => store.showLightbox(entries, m))}</div>`
        : html`<div class="empty"><p>${history ? t('No mockup matches.') : ''}</p></div>`}`;
  }
}

customElements.define('fm-history', FmHistory);
