/**
 * `<fm-studio>`: the whole Studio around its one store. A top bar (the views, the settings rail's
 * toggle, the connection); the Create view: the settings rail (collapsible, resizable), the canvas
 * and under it the filmstrip of this session's results, the running job and the history; the
 * History view; notices, the screen reader's live region and the lightbox.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import type { MockupItem } from '../../studio/protocol';
import { compareLabels } from '../compareModel';
import type { FilmstripEntry, FilmstripGroup } from '../components/filmstrip';
import '../components/filmstrip';
import type { Lightbox } from '../components/lightbox';
import '../components/lightbox';
import '../components/splitter';
import { t } from '../l10n';
import { clampWidth } from '../railModel';
import { type Persisted, RAIL, tileKey } from '../store';
import { tileStateName } from './canvas';
import './canvas';
import './compose';
import './history';
import { StoreView } from './parts';

/** History entries the filmstrip shows after the session's results. */
const FILMSTRIP_HISTORY = 40;

export class FmStudio extends StoreView {
  private lightboxSeq = 0;

  protected override render(): unknown {
    if (!this.ready) return html`<div class="loading" aria-busy="true">${t('Loading the Studio...')}</div>`;
    const store = this.store;
    const saved = { width: RAIL.width, collapsed: false, ...store.state.rail };
    // A saved state is the page's own, but read back it is data: the width is clamped where it is used.
    const rail = { width: clampWidth(saved.width, RAIL), collapsed: saved.collapsed === true };
    const view = store.state.view;
    return html`${this.topbar(rail.collapsed)}
      <div class=${`create${rail.collapsed ? ' rail-collapsed' : ''}`} id="create-view" role="tabpanel" aria-labelledby="tab-create" ?hidden=${view !== 'create'} ${ref((el) => el instanceof HTMLElement && el.style.setProperty('--fm-rail-width', `${rail.width}px`))}>
        <aside class="rail" id="rail" aria-label=${t('Settings')} ?hidden=${rail.collapsed}><fm-compose .store=${store}></fm-compose></aside>
        <fm-rail-splitter
          .value=${rail.width}
          .min=${RAIL.min}
          .max=${RAIL.max}
          .step=${RAIL.step}
          .defaultValue=${RAIL.width}
          .collapsed=${rail.collapsed}
          @rail-resize=${(e: CustomEvent<{ width: number }>) => store.setRail({ width: e.detail.width })}
          @rail-toggle=${(e: CustomEvent<{ collapsed: boolean }>) => store.setRail({ collapsed: e.detail.collapsed })}
        ></fm-rail-splitter>
        <div class="canvas-column">
          <main class="stage" aria-label=${t('Results')}><fm-canvas .store=${store}></fm-canvas></main>
          ${this.filmstrip()}
        </div>
      </div>
      <section class="history" id="history-view" role="tabpanel" aria-labelledby="tab-history" ?hidden=${view !== 'history'}><fm-history .store=${store}></fm-history></section>
      <div class="notices" aria-live="polite">${store.notices.map((n) => html`<div class=${`notice ${n.level}`} role=${n.level === 'error' ? 'alert' : 'status'}>${n.message}</div>`)}</div>
      <div class="sr-only" aria-live="polite" id="live">${store.announcement}</div>
      <fm-lightbox></fm-lightbox>`;
  }

  private topbar(collapsed: boolean): TemplateResult {
    const store = this.store;
    const init = store.init;
    if (!init) return html``;
    const tab = (view: Persisted['view'], label: string): TemplateResult =>
      html`<button type="button" role="tab" id=${`tab-${view}`} data-view=${view} data-key=${`tab-${view}`} aria-selected=${String(store.state.view === view)} aria-controls=${`${view}-view`} tabindex=${store.state.view === view ? 0 : -1} @click=${() => store.switchView(view)}>${label}</button>`;
    const keydown = (e: KeyboardEvent): void => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      e.preventDefault();
      store.switchView(store.state.view === 'create' ? 'history' : 'create');
    };
    const connection = init.connected
      ? html`<span class="chip connection" title=${t('Model and deployment')}>${init.model} · ${init.deployment}</span>`
      : html`<span class="chip connection warn" role="status">${t('Not connected: {0}', init.connectionProblem ?? t('configure the connection'))}</span>`;
    return html`<header class="topbar">
      <button
        type="button"
        class="icon codicon codicon-layout-sidebar-left"
        id="toggle-rail"
        data-key="toggle-rail"
        aria-controls="rail"
        aria-expanded=${String(!collapsed)}
        aria-label=${collapsed ? t('Show the settings') : t('Hide the settings')}
        title=${collapsed ? t('Show the settings') : t('Hide the settings')}
        @click=${() => store.setRail({ collapsed: !collapsed })}
      ></button>
      <h1>${t('Mockup Studio')}</h1>
      <div class="tabs" role="tablist" aria-label=${t('Studio views')} @keydown=${keydown}>${tab('create', t('Create'))}${tab('history', t('History'))}</div>
      <div class="spacer"></div>
      ${connection}
    </header>`;
  }

  /** This session's results, the running job's images and the history, as thumbnails under the canvas. */
  private filmstrip(): TemplateResult | typeof nothing {
    const store = this.store;
    const groups: FilmstripGroup[] = [];
    const job = store.job;
    if (job && !job.done) {
      const entries: FilmstripEntry[] = job.requests.flatMap((label, request) =>
        Array.from({ length: job.variants }, (_, v) => {
          const tile = job.tiles.get(tileKey(request, v + 1)) ?? { state: 'waiting' as const };
          return { key: `tile:${tileKey(request, v + 1)}`, label: job.variants > 1 ? t('{0} · variant {1}', label, v + 1) : label, title: tileStateName(tile.state), state: tile.state, ...(tile.preview ? { uri: tile.preview } : {}) };
        }),
      );
      groups.push({ id: 'job', label: t('In progress'), entries });
    }
    const session = store.state.results;
    if (session.length) groups.push({ id: 'session', label: t('This session'), entries: entriesOf(session) });
    const seen = new Set(session.map((m) => m.file));
    const older = (store.history?.entries ?? []).filter((m) => !seen.has(m.file)).slice(0, FILMSTRIP_HISTORY);
    if (older.length) groups.push({ id: 'history', label: t('History'), entries: entriesOf(older) });
    if (!groups.length) return nothing;
    const select = (key: string): void => {
      if (key.startsWith('tile:')) {
        store.requestFocus(undefined, `tile-${key.slice(5).replace(':', '-')}`);
        return;
      }
      store.select(key);
    };
    return html`<fm-filmstrip class="filmstrip" .groups=${groups} .selected=${store.state.selected} .label=${t('Mockups of this session and the history')} @filmstrip-select=${(e: CustomEvent<{ key: string }>) => select(e.detail.key)}></fm-filmstrip>`;
  }

  protected override updated(): void {
    const store = this.store;
    if (!store?.init) return;
    const lightbox = this.querySelector<Lightbox>('fm-lightbox');
    if (lightbox && store.lightbox && store.lightbox.seq !== this.lightboxSeq) {
      this.lightboxSeq = store.lightbox.seq;
      lightbox.images = store.lightbox.images;
      lightbox.show(store.lightbox.index);
    }
    const pending = store.pendingFocus;
    if (pending) {
      store.pendingFocus = undefined;
      // After the views below rendered the change that asked for it.
      void Promise.all([...this.querySelectorAll<StoreView>('fm-compose, fm-canvas, fm-history')].map((v) => v.updateComplete)).then(() => {
        if (pending.scroll) this.ownerDocument.getElementById(pending.scroll)?.scrollIntoView({ block: pending.scroll === 'iterate' ? 'start' : 'nearest' });
        if (pending.focus) this.ownerDocument.getElementById(pending.focus)?.focus();
      });
    }
  }
}

function entriesOf(items: readonly MockupItem[]): FilmstripEntry[] {
  const labels = compareLabels(items, t);
  return items.map((m, i) => ({ key: m.file, uri: m.uri, label: labels[i] ?? m.name, title: m.file }));
}

customElements.define('fm-studio', FmStudio);
