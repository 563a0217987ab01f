/**
 * `<fm-canvas>`: the Studio's centre. From the top: a failure with its actions, the request as
 * code, the refine or inpaint of an image (large, zoomable, the mask painted in image pixels), a
 * comparison, the running job's progress (every image of the request at once, each with its
 * streamed preview), and the results: the one selected large and zoomable with its actions on a
 * toolbar, or the whole set as cards.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { ref } from 'lit/directives/ref.js';
import type { MockupItem } from '../../studio/protocol';
import { QUALITIES } from '../../studio/protocol';
import { compareLabels } from '../compareModel';
import '../components/compare';
import type { FmMaskPainter } from '../components/maskPainter';
import '../components/maskPainter';
import '../components/viewport';
import { t } from '../l10n';
import { type Iterate, tileKey, type TileState } from '../store';
import { actionsOf, altOf, cards, languageName, statsOf } from './cards';
import { afterPaint, imagePicker, segmented, StoreView } from './parts';

export function tileStateName(state: TileState): string {
  return { waiting: t('waiting'), streaming: t('streaming'), done: t('done'), failed: t('failed'), cancelled: t('cancelled'), notSent: t('not sent') }[state];
}

export class FmCanvas extends StoreView {
  /** Previews already acknowledged as painted (the display-time figure counts each once). */
  private acknowledged = new Set<string>();

  protected override render(): unknown {
    if (!this.ready) return nothing;
    return html`<div class="error-area">${this.error()}</div>
      <section class="code-area" aria-label=${t('Request as code')}>${this.code()}</section>
      <section class="iterate-area" id="iterate" aria-label=${t('Refine and inpaint')}>${this.iterate()}</section>
      <section class="compare-area" aria-label=${t('Compare variants')}>${this.compare()}</section>
      <section class="job-area" aria-label=${t('Progress')}>${this.job()}</section>
      <section class="results-area" aria-labelledby="h-results">${this.results()}</section>`;
  }

  protected override updated(): void {
    // A streamed preview is acknowledged once it is painted: the host measures partial → displayed.
    for (const img of this.querySelectorAll<HTMLImageElement>('img.partial[data-partial-key]')) {
      const key = img.dataset.partialKey ?? '';
      if (!key || this.acknowledged.has(key)) continue;
      this.acknowledged.add(key);
      const ack = (): void => afterPaint(() => this.store.post({ type: 'partialShown', key }));
      if (img.complete) ack();
      else img.addEventListener('load', ack, { once: true });
    }
  }

  private error(): TemplateResult | typeof nothing {
    const store = this.store;
    const e = store.state.error;
    if (!e) return nothing;
    return html`<div class="error-banner" id="error-banner" role="alert">
      <div class="error-title">${e.kind === 'cancelled' ? t('Cancelled') : t('The request failed')}</div>
      <p class="error-message">${e.message}</p>
      <div class="dim">${t('Kind: {0}', e.kind)}${e.requestId && !e.message.includes(e.requestId) ? t(' · Request ID: {0}', e.requestId) : ''}</div>
      <div class="actions failure-actions" role="group" aria-label=${t('Actions for this failure')}>
        ${(e.actions ?? []).map(({ action, label }) => html`<button type="button" class=${action === 'retry' ? 'primary' : 'secondary'} data-failure-action=${action} data-key=${`failure:${action}`} @click=${() => store.failureAction(action)}>${label}</button>`)}
        <button type="button" class="secondary" data-key="dismiss-error" @click=${() => store.dismissError()}>${t('Dismiss')}</button>
      </div>
    </div>`;
  }

  private code(): TemplateResult | typeof nothing {
    const code = this.store.code;
    if (!code) return nothing;
    return html`<div class="panel">
      <div class="panel-head">
        <h2>${t('Request as {0}', languageName(code.language))}</h2>
        <span class="dim">${t('copied to the clipboard · the key is read from AZURE_OPENAI_API_KEY')}</span>
        <div class="spacer"></div>
        <button type="button" class="icon" aria-label=${t('Close code')} data-key="close-code" @click=${() => this.store.closeCode()}>×</button>
      </div>
      <pre class="code" tabindex="0" id="code-text">${code.text}</pre>
    </div>`;
  }

  private iterate(): TemplateResult | typeof nothing {
    const store = this.store;
    const it = store.state.iterate;
    if (!it) {
      store.readMask = undefined;
      return nothing;
    }
    const item = it.item;
    const alt = it.mode === 'inpaint' ? t('The image to inpaint: {0}', item.name) : t('The image to refine: {0}', item.name);
    const keyOf = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void store.sendEdit();
      }
    };
    // Kept across renders (and so its zoom, or its mask and undo history) while the same image is shown.
    const visual =
      it.mode === 'inpaint'
        ? keyed(
            `mask:${item.file}`,
            html`<fm-mask-painter data-key="mask-painter" .src=${item.uri} .alt=${alt} .naturalWidth=${item.width ?? 0} .naturalHeight=${item.height ?? 0} @mask-change=${(e: CustomEvent<{ painted: number }>) => ((store.maskPainted = e.detail.painted), store.changed())} ${ref((el) => this.bindMask(el as FmMaskPainter | undefined))}></fm-mask-painter>`,
          )
        : keyed(`hero:${item.uri}`, html`<fm-viewport data-key="hero" .src=${item.uri} .alt=${alt} .naturalWidth=${item.width ?? 0} .naturalHeight=${item.height ?? 0}></fm-viewport>`);
    const problem = store.editProblem;
    return html`<div class="panel">
      <div class="panel-head">
        <h2>${it.mode === 'inpaint' ? t('Inpaint {0}', item.name) : t('Refine {0}', item.name)}</h2>
        <span class="dim">${item.sizeLabel}</span>
        <div class="spacer"></div>
        <button type="button" class="icon" aria-label=${t('Close refine')} data-key="close-iterate" @click=${() => store.closeIterate()}>×</button>
      </div>
      ${item.chain.length
        ? html`<ol class="chain" aria-label=${t('Steps that led to this image')}>
            ${item.chain.map((step, i) => html`<li class=${step.file === item.file ? 'current' : ''}><span class="step-kind">${i === 0 ? t('Generated') : t('Edited')}</span><span class="step-prompt" title=${step.file}>${step.prompt || step.file}</span></li>`)}
          </ol>`
        : nothing}
      <div class="iterate-body">
        <div class="iterate-visual">${visual}</div>
        <div class="iterate-form">
          ${segmented(t('Mode'), 'mode', ['refine', 'inpaint'] as const, it.mode, (mode) => store.updateIterate({ mode }), (m) => (m === 'refine' ? t('Refine') : t('Inpaint')))}
          <label class="field" for="edit-prompt"
            ><span class="label">${t('Prompt')}</span
            ><textarea
              id="edit-prompt"
              data-key="edit-prompt"
              rows="3"
              placeholder=${it.mode === 'inpaint' ? t('What should the painted area show?') : t('What should change? (for example: make the primary button green)')}
              aria-label=${t('Edit prompt')}
              .value=${it.prompt}
              @input=${(e: Event) => store.updateIterate({ prompt: (e.target as HTMLTextAreaElement).value })}
              @keydown=${keyOf}
            ></textarea
          ></label>
          ${this.references(it)}
          ${segmented(t('Quality'), 'edit-quality', QUALITIES, it.quality, (quality) => store.updateIterate({ quality }))}
          ${segmented(t('Variants'), 'edit-n', [1, 2, 3, 4] as const, it.n as 1 | 2 | 3 | 4, (n) => store.updateIterate({ n }))}
          <div class="actions">
            <span class="dim" id="send-hint">${problem}</span>
            <button type="button" class="primary" id="send-edit" data-key="send-edit" ?disabled=${problem !== ''} @click=${() => void store.sendEdit()}>${it.mode === 'inpaint' ? t('Inpaint') : t('Refine')}</button>
          </div>
        </div>
      </div>
    </div>`;
  }

  private bindMask(painter: FmMaskPainter | undefined): void {
    if (painter) this.store.readMask = () => painter.toBase64Png();
  }

  private references(it: Iterate): TemplateResult {
    const store = this.store;
    const toggle = (file: string): void => store.updateIterate({ references: it.references.includes(file) ? it.references.filter((x) => x !== file) : [...it.references, file].slice(0, 15) });
    return html`<div class="references">
        <span class="label">${t('Reference images')}</span>
        ${it.references.map((r) => html`<span class="chip">${r.split('/').pop() ?? r}<button type="button" class="icon" aria-label=${t('Remove reference {0}', r)} @click=${() => toggle(r)}>×</button></span>`)}
        <button type="button" class="secondary" id="pick-references" data-key="pick-references" aria-expanded=${String(store.pickingReferences)} @click=${() => store.togglePickingReferences()}>${store.pickingReferences ? t('Done') : t('Add from workspace')}</button>
      </div>
      ${store.pickingReferences && store.workspaceImages
        ? imagePicker(
            store.workspaceImages.filter((w) => w.file !== it.item.file),
            { label: t('Workspace images'), keyPrefix: 'ref', pressed: (file) => it.references.includes(file), onPick: ({ file }) => toggle(file) },
          )
        : nothing}`;
  }

  private compare(): TemplateResult | typeof nothing {
    const store = this.store;
    const items = store.state.compare.map((f) => store.state.results.find((r) => r.file === f)).filter((r): r is MockupItem => !!r);
    if (!store.showCompare || items.length < 2) return nothing;
    const close = (): void => {
      store.setShowCompare(false);
      void this.updateComplete.then(() => this.querySelector<HTMLElement>('[data-action="compare"][aria-pressed="true"]')?.focus());
    };
    return html`<fm-compare .items=${items} @close=${close}></fm-compare>`;
  }

  /** The running (or last) job: every image of the request at once, as a tile with its state and streamed preview. */
  private job(): TemplateResult | typeof nothing {
    const job = this.store.job;
    if (!job) return nothing;
    const tiles = job.requests.flatMap((label, request) =>
      Array.from({ length: job.variants }, (_, v) => {
        const variant = v + 1;
        const tile = job.tiles.get(tileKey(request, variant)) ?? { state: 'waiting' as const };
        const name = job.variants > 1 ? t('{0} · variant {1}', label, variant) : label;
        const caption = tile.state === 'streaming' && tile.index !== undefined ? t('preview {0}', tile.index + 1) : tileStateName(tile.state);
        return html`<figure class=${`tile ${tile.state}`} id=${`tile-${request}-${variant}`} data-state=${tile.state} data-tile=${tileKey(request, variant)}>
          ${tile.preview ? html`<img class="partial" alt=${t('Preview of {0}, variant {1}', label, variant)} src=${tile.preview} data-partial-key=${tile.key ?? ''} />` : html`<div class="placeholder" aria-hidden="true"></div>`}
          <figcaption><span class="tile-name" title=${name}>${name}</span> · ${caption}</figcaption>
        </figure>`;
      }),
    );
    // Once the job is done, its images are the results below: the tiles stay only for what did not arrive.
    const shown = job.done && ![...job.tiles.values()].some((tile) => tile.state !== 'done') ? [] : tiles;
    return html`<div class="job-head">
        <h2>${job.done ? t('Last request') : job.mode === 'generate' ? t('Generating') : job.mode === 'refine' ? t('Refining') : t('Inpainting')}</h2>
        <span class="dim job-status" role="status">${job.status}</span>
      </div>
      ${shown.length ? html`<div class="tiles">${shown}</div>` : nothing}`;
  }

  private results(): TemplateResult {
    const store = this.store;
    const items = store.state.results;
    const selected = store.state.selected;
    const pool = [...items, ...(store.history?.entries ?? [])];
    const item = selected && !store.state.iterate ? pool.find((m) => m.file === selected) : undefined;
    if (item) return this.focusView(item, items.includes(item) ? 'results' : 'history', items.includes(item) ? items : (store.history?.entries ?? []));
    const compareButton =
      store.state.compare.length >= 2 && !store.showCompare ? html`<button type="button" class="secondary" @click=${() => store.setShowCompare(true)}>${t('Compare {0}', store.state.compare.length)}</button>` : nothing;
    return html`<div class="block-head">
        <h2 id="h-results">${t('Results')}</h2>
        <span class="hint">${items.length ? t('{0} image(s) this session', items.length) : ''}</span>
        ${compareButton}
      </div>
      ${items.length
        ? html`<div class="grid results">${cards(store, items, 'results', (m) => store.select(m.file))}</div>`
        : html`<div class="empty canvas-empty">
            <span class="codicon codicon-wand" aria-hidden="true"></span>
            <p>${t('Compose on the left and press Generate. Images land in the workspace, each with a sidecar describing it.')}</p>
            ${store.history?.entries.length ? html`<p>${t('Or pick a mockup in the filmstrip below to see it large.')}</p>` : nothing}
          </div>`}`;
  }

  /** One mockup large on the canvas, zoomable, with its actions on a toolbar. */
  private focusView(item: MockupItem, where: 'results' | 'history', set: readonly MockupItem[]): TemplateResult {
    const store = this.store;
    const label = compareLabels(set, t)[set.indexOf(item)] ?? item.name;
    const back = (): void => {
      store.select(undefined);
      void this.updateComplete.then(() => this.querySelector<HTMLElement>(`.card[data-file="${CSS.escape(item.file)}"] .thumb`)?.focus());
    };
    return html`<div class="focus" data-file=${item.file}>
      <div class="focus-bar">
        <button type="button" class="icon codicon codicon-arrow-left" id="back-to-set" data-key="back-to-set" aria-label=${t('Back to all results')} title=${t('Back to all results (Escape)')} @click=${back}></button>
        <h2 id="h-results" class="focus-title" title=${item.file}>${label}</h2>
        <span class="dim">${statsOf(item)}</span>
        <div class="spacer"></div>
        ${actionsOf(store, item, where, set, 'focus-actions', ['view', 'copy-prompt'])}
      </div>
      ${keyed(item.uri, html`<fm-viewport class="focus-view" data-key="result-view" .src=${item.uri} .alt=${altOf(item)} .naturalWidth=${item.width ?? 0} .naturalHeight=${item.height ?? 0}></fm-viewport>`)}
      ${item.promptTyped ? html`<p class="card-prompt focus-prompt">${item.promptTyped}</p>` : nothing}
    </div>`;
  }
}

customElements.define('fm-canvas', FmCanvas);
