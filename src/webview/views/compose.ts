/**
 * `<fm-compose>`: the settings rail. What to make (template or prompt), the design system, the
 * languages, the sizes (a searchable list; each chosen size's plan as a short badge, the full
 * sentence on demand), the anchor, the options, what is sent, and the estimate with Generate.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { BACKGROUNDS, FITS, IMAGE_FORMATS } from '../../core/vocabulary';
import { QUALITIES } from '../../studio/protocol';
import { anchorOf } from '../anchor';
import { formatUsd } from '../format';
import { displayLanguage, t } from '../l10n';
import type { Init } from '../store';
import { heading, imagePicker, segmented, StoreView } from './parts';

type Summary = NonNullable<NonNullable<Init['styleGuide']>['summary']>;

/** Sets a style through the CSSOM, which the strict CSP allows (a style attribute it would not). */
function cssom(apply: (style: CSSStyleDeclaration) => void): ReturnType<typeof ref> {
  return ref((el) => el instanceof HTMLElement && apply(el.style));
}

export class FmCompose extends StoreView {
  /** The chosen sizes whose full plan is shown. */
  private openPlans = new Set<string>();

  protected override render(): unknown {
    if (!this.ready) return nothing;
    return html`<form class="compose" aria-label=${t('Compose')} @submit=${(e: Event) => e.preventDefault()}>
      ${this.template()} ${this.prompt()} ${this.designSystem()} ${this.locales()} ${this.sizes()} ${this.anchor()} ${this.options()} ${this.sent()} ${this.footer()}
    </form>`;
  }

  private get init(): Init {
    return this.store.init as Init;
  }

  private template(): TemplateResult {
    const store = this.store;
    const current = store.state.draft.template?.id;
    const template = this.init.templates.find((x) => x.id === current);
    return html`<section class="block" aria-labelledby="h-template">
      ${heading('h-template', t('Template'))}
      <div class="chips" role="group" aria-label=${t('Mockup kind')}>
        <button type="button" class="chip-button" data-template="" data-key="template:none" aria-pressed=${String(!current)} @click=${() => store.chooseTemplate(undefined)}>${t('Free prompt')}</button>
        ${this.init.templates.map((x) => html`<button type="button" class="chip-button" data-template=${x.id} data-key=${`template:${x.id}`} aria-pressed=${String(current === x.id)} title=${x.description} @click=${() => store.chooseTemplate(x.id)}>${x.name}</button>`)}
      </div>
      ${template
        ? html`<div class="template-fields">
            <p class="hint">${template.description}</p>
            ${template.fields.map(
              (f) => html`<label class="field" for=${`field-${f.id}`}>
                <span class="label">${f.label}${f.required ? html`<span class="required" aria-hidden="true"> *</span>` : nothing}</span>
                <input type="text" id=${`field-${f.id}`} data-key=${`field-${f.id}`} placeholder=${f.example} .value=${store.state.draft.template?.fields[f.id] ?? ''} aria-required=${String(f.required)} @input=${(e: Event) => this.setField(f.id, (e.target as HTMLInputElement).value)} />
              </label>`,
            )}
          </div>`
        : nothing}
    </section>`;
  }

  private setField(id: string, value: string): void {
    const template = this.store.state.draft.template;
    if (template) this.store.setDraft({ template: { id: template.id, fields: { ...template.fields, [id]: value } } });
  }

  private prompt(): TemplateResult {
    const store = this.store;
    const typed = store.state.draft.prompt.length;
    const planned = store.planned;
    const sent = planned?.composed.length ? Math.max(...planned.composed.map((c) => c.sentChars)) : typed;
    const { promptMax, promptWarn } = this.init.limits;
    const n = (v: number): string => v.toLocaleString(displayLanguage());
    const keydown = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        store.generate();
      }
    };
    return html`<section class="block" aria-labelledby="h-prompt">
      ${heading('h-prompt', store.state.draft.template ? t('Further instructions') : t('Prompt'))}
      <textarea
        id="prompt"
        rows="5"
        data-key="prompt"
        aria-describedby="prompt-count"
        placeholder=${t('Describe the screen, component or visual. With a template, add further instructions here.')}
        .value=${store.state.draft.prompt}
        @input=${(e: Event) => store.setDraft({ prompt: (e.target as HTMLTextAreaElement).value })}
        @keydown=${keydown}
      ></textarea>
      <div id="prompt-count" class=${`count${sent > promptMax ? ' over' : sent > promptWarn ? ' warn' : ''}`}>
        ${t('{0} typed · {1} / {2} sent', n(typed), n(sent), n(promptMax))}${sent > promptWarn && sent <= promptMax ? t(' (some deployments accept only {0})', n(promptWarn)) : ''}
      </div>
    </section>`;
  }

  private designSystem(): TemplateResult {
    const guide = this.init.styleGuide;
    const body = !guide
      ? html`<p class="hint">
          ${t('No style guide. ')}<button type="button" class="link" @click=${() => this.store.post({ type: 'openStyleGuideSetting' })}>${t('Set foundryMockups.styleGuide')}</button>${t(' to add brand colours, type and tone to every prompt.')}
        </p>`
      : guide.error
        ? html`<p class="problem" role="status">${guide.error}</p>`
        : html`<div class="design">
            ${guide.summary ? designSummary(guide.summary) : nothing}
            ${guide.omitted ? html`<p class="hint" id="design-omitted">${t("Not sent (over the block's budget): {0}", guide.omitted)}</p>` : nothing}
            <details class="guide">
              <summary>${t('{0} is added to every prompt', guide.file)}</summary>
              <p class="guide-text">${guide.text ?? ''}</p>
              ${guide.warnings.map((w) => html`<p class="hint">${w}</p>`)}
            </details>
          </div>`;
    return html`<section class="block" aria-labelledby="h-style">${heading('h-style', t('Design system'))}${body}</section>`;
  }

  private locales(): TemplateResult {
    const store = this.store;
    const chosen = store.state.draft.locales;
    const verbatim = (tag: string): TemplateResult => {
      const locale = this.init.locales.find((l) => l.tag === tag);
      const input = (e: Event): void => {
        const lines = (e.target as HTMLTextAreaElement).value
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean);
        store.setDraft({ verbatim: { ...store.state.draft.verbatim, [tag]: lines } });
      };
      return html`<label class="field" for=${`verbatim-${tag}`}>
        <span class="label">${t('Exact strings · {0}', locale?.englishName ?? tag)}</span>
        <textarea rows="2" id=${`verbatim-${tag}`} data-key=${`verbatim-${tag}`} dir=${locale?.direction ?? 'auto'} lang=${tag} placeholder=${t('One string per line, used word for word')} .value=${(store.state.draft.verbatim[tag] ?? []).join('\n')} @input=${input}></textarea>
      </label>`;
    };
    return html`<section class="block" aria-labelledby="h-locales">
      ${heading('h-locales', t('Languages'), html`<span class="hint">${chosen.length ? t('{0} selected, one asset each', chosen.length) : t('none: no language instruction')}</span>`)}
      <div class="chips" role="group" aria-label=${t('Languages of the visible text')}>
        ${this.init.locales.map((l) => html`<button type="button" class="chip-button" data-locale=${l.tag} data-key=${`locale:${l.tag}`} aria-pressed=${String(chosen.includes(l.tag))} title=${l.englishName} lang=${l.tag} @click=${() => store.toggleLocale(l.tag)}>${l.nativeName}</button>`)}
      </div>
      ${chosen.length ? html`<details class="verbatim"><summary>${t('Exact strings per language')}</summary>${chosen.map(verbatim)}</details>` : nothing}
    </section>`;
  }

  private sizes(): TemplateResult {
    const store = this.store;
    const selected = store.state.draft.sizes;
    const words = store.state.sizeSearch.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = this.init.presets.filter((p) => words.every((w) => `${p.id} ${p.name} ${p.group} ${p.css} ${p.pixels}`.toLowerCase().includes(w)));
    const groups = new Map<string, typeof matches>();
    for (const p of matches) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
    const addCustom = (input: HTMLInputElement): void => {
      const value = input.value.trim().replace(/\s+/g, '');
      if (!value) return;
      if (!selected.includes(value)) store.toggleSize(value);
      input.value = '';
    };
    const customKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      addCustom(e.target as HTMLInputElement);
    };
    return html`<section class="block" aria-labelledby="h-sizes">
      ${heading('h-sizes', t('Sizes'), html`<span class="hint">${selected.length ? t('{0} chosen', selected.length) : t('auto chosen')}</span>`)}
      ${this.planList()}
      <input type="search" id="size-search" data-key="size-search" placeholder=${t('Search presets: iphone, og, 1080...')} .value=${store.state.sizeSearch} aria-label=${t('Search size presets')} aria-controls="preset-list" @input=${(e: Event) => ((store.state.sizeSearch = (e.target as HTMLInputElement).value), store.save())} />
      <div class="preset-list" id="preset-list" role="group" aria-label=${t('Size presets')}>
        ${[...groups.entries()].map(
          ([group, presets]) => html`<div class="preset-group">
            <div class="group-name">${group}</div>
            ${presets.map(
              (p) => html`<button type="button" class="preset" data-preset=${p.id} data-key=${`preset:${p.id}`} aria-pressed=${String(selected.includes(p.id))} @click=${() => store.toggleSize(p.id)}>
                <span class="preset-name">${p.name}</span><span class="dim">${p.css} · ${p.pixels}</span>
              </button>`,
            )}
          </div>`,
        )}
        ${matches.length ? nothing : html`<p class="hint">${t('No preset matches. Add a custom size below.')}</p>`}
      </div>
      <div class="row">
        <input type="text" id="custom-size" data-key="custom-size" placeholder=${t('WxH or WxH@2x')} aria-label=${t('Custom size, such as 390x844@3x')} @keydown=${customKey} />
        <button type="button" class="secondary" id="add-size" @click=${() => addCustom(this.querySelector<HTMLInputElement>('#custom-size') as HTMLInputElement)}>${t('Add')}</button>
      </div>
    </section>`;
  }

  /** The chosen sizes with their live plans: the plan as a badge and the target; the full sentence and warnings on demand. */
  private planList(): TemplateResult {
    const store = this.store;
    const selected = store.state.draft.sizes;
    const toggle = (size: string): void => {
      if (this.openPlans.has(size)) this.openPlans.delete(size);
      else this.openPlans.add(size);
      this.requestUpdate();
    };
    return html`<ul class="plan-list" id="plan-list" aria-label=${t('Chosen sizes and their plans')}>
      ${(selected.length ? selected : ['auto']).map((size) => {
        const info = store.planned?.sizes.find((s) => s.size === size);
        const preset = this.init.presets.find((p) => p.id === size);
        const open = this.openPlans.has(size);
        const warnings = info?.warnings ?? [];
        return html`<li class=${`plan${info && !info.ok ? ' bad' : ''}`} data-size=${size}>
          <div class="plan-head">
            <strong class="plan-name">${preset ? preset.name : size}</strong>
            ${info?.ok ? html`<span class="dim plan-target">${info.target}</span><span class="badge plan-badge" title=${info.explanation}>${info.badge}</span>` : nothing}
            ${warnings.length ? html`<span class="badge warn-badge" title=${warnings.join('\n')}>${t('{0} warning(s)', warnings.length)}</span>` : nothing}
            <span class="spacer"></span>
            ${info?.ok
              ? html`<button type="button" class="icon codicon ${open ? 'codicon-chevron-up' : 'codicon-info'}" aria-expanded=${String(open)} aria-label=${t('The plan of {0}', preset ? preset.name : size)} title=${t('The plan in full')} data-key=${`plan:${size}`} @click=${() => toggle(size)}></button>`
              : nothing}
            ${selected.length ? html`<button type="button" class="icon" aria-label=${t('Remove {0}', size)} data-key=${`remove:${size}`} @click=${() => store.toggleSize(size)}>×</button>` : html`<span class="dim">${t(' the service picks')}</span>`}
          </div>
          ${info && !info.ok ? html`<div class="problem">${info.target}</div>` : nothing}
          ${info?.ok && open ? html`<div class="plan-text">${info.explanation}</div>` : nothing}
          ${open || !info?.ok ? warnings.map((w) => html`<div class="warning">${w}</div>`) : nothing}
        </li>`;
      })}
    </ul>`;
  }

  private anchor(): TemplateResult {
    const store = this.store;
    const anchor = store.state.anchor;
    return html`<section class="block" id="anchor-section" aria-labelledby="h-anchor">
      ${heading('h-anchor', t('Anchor'), html`<span class="hint">${anchor ? t('one look for the set') : t('none')}</span>`)}
      ${anchor
        ? html`<div class="anchor" id="anchor" data-file=${anchor.file}>
            <img class="anchor-thumb" src=${anchor.uri} alt=${t('The anchor: {0}', anchor.name)} />
            <div class="anchor-text">
              <strong class="anchor-name" title=${anchor.file}>${anchor.name}</strong>
              <span class="hint">${t('Sent with every size and language: each image takes its colours, type, radius and components.')}</span>
            </div>
            <button type="button" class="secondary" id="clear-anchor" data-key="clear-anchor" aria-label=${t('Clear the anchor {0}', anchor.name)} @click=${() => (store.setAnchor(undefined), this.updateComplete.then(() => this.querySelector<HTMLElement>('#pick-anchor')?.focus()))}>${t('Clear')}</button>
          </div>`
        : html`<p class="hint">${t('No anchor. Choose "Use as anchor" on a result or a history image, or pick a workspace image, to keep one look across sizes and languages.')}</p>`}
      <div class="row">
        <button type="button" class="secondary" id="pick-anchor" data-key="pick-anchor" aria-expanded=${String(store.pickingAnchor)} @click=${() => store.togglePickingAnchor()}>
          ${store.pickingAnchor ? t('Done') : anchor ? t('Pick another from the workspace') : t('Pick from the workspace')}
        </button>
      </div>
      ${store.pickingAnchor && store.workspaceImages
        ? imagePicker(store.workspaceImages, { label: t('Workspace images to use as the anchor'), keyPrefix: 'anchor', pressed: (file) => file === anchor?.file, onPick: (image) => store.setAnchor(anchorOf(image)) })
        : nothing}
    </section>`;
  }

  private options(): TemplateResult {
    const store = this.store;
    const d = store.state.draft;
    const compression = (e: Event): void => {
      const value = Math.max(0, Math.min(100, Math.round(Number((e.target as HTMLInputElement).value))));
      store.setDraft({ compression: Number.isFinite(value) ? value : undefined });
    };
    const previews = (v: 'auto' | number): string => (v === 'auto' ? t('auto ({0})', store.planned?.previewsPerImage ?? '…') : String(v));
    return html`<section class="block" aria-labelledby="h-options">
      ${heading('h-options', t('Options'))}
      <div class="options">
        ${segmented(t('Quality'), 'quality', QUALITIES, d.quality, (quality) => store.setDraft({ quality }))}
        ${segmented(t('Variants'), 'n', [1, 2, 3, 4] as const, d.n as 1 | 2 | 3 | 4, (n) => store.setDraft({ n }))}
        ${segmented(t('Format'), 'format', IMAGE_FORMATS, d.format, (format) => store.setDraft({ format }))}
        ${segmented(t('Background'), 'background', BACKGROUNDS, d.background, (background) => store.setDraft({ background }))}
        ${segmented(t('Fit'), 'fit', FITS, d.fit, (fit) => store.setDraft({ fit }))}
        ${segmented(t('Previews'), 'partials', ['auto', 0, 1, 2, 3] as const, (d.partialImages ?? 'auto') as 'auto' | 0 | 1 | 2 | 3, (value) => store.setDraft({ partialImages: value === 'auto' ? undefined : value }), previews)}
        <label class="field" for="compression"><span class="label">${t('Compression')}</span><input type="number" id="compression" data-key="compression" min="0" max="100" .value=${String(d.compression ?? 85)} ?disabled=${d.format !== 'jpeg'} aria-label=${t('JPEG compression, 0 to 100')} @change=${compression} /></label>
        <label class="field" for="folder"
          ><span class="label">${t('Folder')}</span
          ><input
            type="text"
            id="folder"
            data-key="folder"
            .value=${d.folder}
            placeholder=${this.init.outputFolder}
            aria-label=${t('Output folder in the workspace')}
            @input=${(e: Event) => store.setDraft({ folder: (e.target as HTMLInputElement).value.trim() }, false)}
            @change=${(e: Event) => store.setDraft({ folder: (e.target as HTMLInputElement).value.trim() })}
        /></label>
      </div>
    </section>`;
  }

  private sent(): TemplateResult {
    const store = this.store;
    const composed = store.planned?.composed ?? [];
    const body = composed.length
      ? composed.map(
          (c) => html`<div class="sent">
            <div class="sent-head">${c.locale ? c.locale : t('Prompt')}<span class="dim">${t(' · {0} characters', c.sentChars.toLocaleString(displayLanguage()))}</span></div>
            ${c.parts.map((p) => html`<p class=${`part part-${p.kind}`}><span class="part-kind">${partName(p.kind)}</span>${p.text}</p>`)}
          </div>`,
        )
      : html`<p class="hint">${store.planned?.error ?? t('Write a prompt or fill in a template to see what is sent.')}</p>`;
    return html`<section class="block" aria-labelledby="h-sent">
      <details class="sent-details" .open=${store.sentOpen} @toggle=${(e: Event) => (store.sentOpen = (e.target as HTMLDetailsElement).open)}>
        <summary id="h-sent" data-key="h-sent">${t('What is sent')}</summary>
        ${body}
      </details>
    </section>`;
  }

  private footer(): TemplateResult {
    const store = this.store;
    const planned = store.planned;
    const running = store.running;
    const spent =
      store.state.spentUsd !== undefined
        ? html`<span class="dim spent" id="spent" title=${t('What the requests since the Studio opened cost, as the service counted their tokens')}>${t(' · spent {0}', formatUsd(store.state.spentUsd))}</span>`
        : nothing;
    const estimate = !planned
      ? html`<span class="dim">${t('Estimating...')}</span>`
      : planned.estimateUsd !== undefined
        ? html`<strong>≈ ${formatUsd(planned.estimateUsd)}</strong><span class="dim">${t(' · {0} image(s) in {1} request(s)', planned.images, planned.requests)}${planned.previewsUsd > 0 ? t(' · previews {0}', formatUsd(planned.previewsUsd)) : ''}</span>`
        : html`<span class="dim">${planned.missing ?? planned.summary}</span>`;
    return html`<div class="compose-footer">
      <div class="estimate" id="estimate" title=${planned?.estimateUsd !== undefined ? planned.summary : ''}>${estimate}${spent}</div>
      <div class="actions">
        ${running ? html`<button type="button" class="secondary" id="cancel" data-key="cancel" @click=${() => store.cancel()}>${t('Cancel')}</button>` : nothing}
        <button type="button" class="primary" id="generate" data-key="generate" ?disabled=${store.draftEmpty || running} title=${t('Generate (Ctrl+Enter)')} @click=${() => store.generate()}>${running ? t('Generating...') : t('Generate')}</button>
      </div>
    </div>`;
  }
}

/** The design system at a glance: its colours as swatches and its type styles as samples. */
function designSummary(summary: Summary): TemplateResult {
  const swatches = summary.swatches.slice(0, 24);
  const samples = summary.typeSamples.slice(0, 8);
  return html`<div class="design-summary">
    <p class="dim">${summary.name ? `${summary.name} · ` : ''}${summary.kindLabel}</p>
    ${swatches.length
      ? html`<ul class="swatches" aria-label=${t('Colours')}>
          ${swatches.map(
            (swatch) => html`<li class="swatch" data-hex=${swatch.hex.toLowerCase()} title=${`${swatch.name}${swatch.role ? ` (${swatch.role})` : ''}: ${swatch.hex}`}>
              <span class="swatch-chip" aria-hidden="true" ${cssom((s) => /^#[0-9a-f]{3,8}$/i.test(swatch.hex) && (s.backgroundColor = swatch.hex))}></span><span class="swatch-name">${swatch.name} ${swatch.hex}</span>
            </li>`,
          )}
        </ul>`
      : nothing}
    ${samples.length
      ? html`<ul class="type-samples" aria-label=${t('Type styles')}>
          ${samples.map((sample) => {
            const details = [sample.family, sample.size, sample.weight ? String(sample.weight) : undefined, sample.lineHeight ? `/${sample.lineHeight}` : undefined].filter(Boolean).join(' ');
            const font = (s: CSSStyleDeclaration): void => {
              if (sample.family) s.fontFamily = sample.family;
              if (sample.weight) s.fontWeight = String(sample.weight);
            };
            return html`<li class="type-sample"><span class="type-specimen" aria-hidden="true" ${cssom(font)}>Aa</span><span class="type-name">${sample.role}: ${details}</span></li>`;
          })}
        </ul>`
      : nothing}
  </div>`;
}

function partName(kind: string): string {
  return { instruction: t('Instruction'), template: t('Template'), text: t('Your text'), context: t('The image'), styleGuide: t('Design system'), locale: t('Language') }[kind] ?? kind;
}

customElements.define('fm-compose', FmCompose);
