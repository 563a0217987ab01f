/**
 * The Studio webview app (browser bundle dist/webview.js). It talks to the extension host only
 * through the typed protocol in src/studio/protocol.ts, starts with the ready handshake, and keeps
 * what the user composed with setState so that a hidden or reloaded panel comes back as it was.
 */
import { BACKGROUNDS, FITS, IMAGE_FORMATS } from '../core/vocabulary';
import { type CodeLanguage, type Draft, type FailureAction, type FailureInfo, type HistoryQuery, type HostToWebview, type MockupItem, QUALITIES, RequestClient, type WebviewToHost } from '../studio/protocol';
import { anchorOf, anchorSection, type AnchorView } from './anchor';
import './components/compare';
import { afterPaint, append, formatMs, formatUsd, h, replace, segmented } from './dom';
import { compareLabels } from './compareModel';
import { imagePicker } from './imagePicker';
import { displayLanguage, setBundle, t } from './l10n';
import './components/lightbox';
import { FmMaskPainter } from './components/maskPainter';
import './components/resultActions';
import type { ResultAction } from './components/resultActions';
import { FmViewport } from './components/viewport';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Init = Extract<HostToWebview, { type: 'init' }>;
type Planned = Extract<HostToWebview, { type: 'planned' }>;

interface Iterate {
  item: MockupItem;
  mode: 'refine' | 'inpaint';
  prompt: string;
  references: string[];
  quality: Draft['quality'];
  n: number;
}

interface Persisted {
  version: 1;
  draft: Draft;
  view: 'create' | 'history';
  results: MockupItem[];
  iterate?: Iterate;
  compare: string[];
  sizeSearch: string;
  historyQuery: HistoryQuery;
  /** The banner's failure (one restored from an older version's state has no id or actions). */
  error?: ShownFailure;
  /** The set's anchor, sent with every plan and generate while it is set. */
  anchor?: AnchorView;
  /** What the jobs since the Studio opened cost (the host's running total, from the last jobDone). */
  spentUsd?: number;
}

type ShownFailure = Omit<FailureInfo, 'id' | 'actions'> & Partial<Pick<FailureInfo, 'id' | 'actions'>>;

interface Tile {
  label: string;
  state: 'waiting' | 'streaming' | 'done' | 'failed' | 'cancelled' | 'notSent';
  preview?: string;
  key?: string;
}
interface JobView {
  jobId: number;
  mode: 'generate' | 'refine' | 'inpaint';
  requests: string[];
  variants: number;
  tiles: Map<string, Tile>;
  status: string;
  started: number;
  done: boolean;
}

const vscode = acquireVsCodeApi();
const post = (message: WebviewToHost): void => vscode.postMessage(message);
/** Requests and their answers, correlated by id (plan, history, images, select, request as code). */
const requests = new RequestClient(post, Math.floor(performance.timeOrigin) * 1000);

const DEFAULT_DRAFT: Draft = {
  prompt: '',
  locales: ['en'],
  verbatim: {},
  sizes: [],
  quality: 'medium',
  format: 'png',
  background: 'auto',
  n: 1,
  fit: 'cover',
  folder: '',
};

const restored = vscode.getState() as Persisted | undefined;
const state: Persisted =
  restored?.version === 1
    ? restored
    : { version: 1, draft: { ...DEFAULT_DRAFT }, view: 'create', results: [], compare: [], sizeSearch: '', historyQuery: { text: '', size: '', locale: '', model: '' } };

let init: Init | undefined;
let planned: Planned | undefined;
let job: JobView | undefined;
let history: Extract<HostToWebview, { type: 'history' }> | undefined;
let workspaceImages: Array<{ file: string; uri: string }> | undefined;
let showCompare = false;
let code: { language: CodeLanguage; text: string } | undefined;
let mask: FmMaskPainter | undefined;
let maskFor: string | undefined;
/** The refine hero: kept across renders so that its zoom and pan survive them. */
let hero: FmViewport | undefined;
let pickingReferences = false;
let pickingAnchor = false;
let sentOpen = false;

// ---- persistence and timers ----------------------------------------------------------------

let saveTimer: number | undefined;
function save(): void {
  if (saveTimer !== undefined) return;
  saveTimer = window.setTimeout(() => {
    saveTimer = undefined;
    vscode.setState({ ...state, results: state.results.slice(0, 60) });
  }, 100);
}

let planTimer: number | undefined;
function requestPlan(): void {
  if (!init) return;
  window.clearTimeout(planTimer);
  planTimer = window.setTimeout(() => {
    const asked = requests.request({ type: 'plan', draft: draftToSend(), ...anchorToSend() });
    asked.then((answer) => requests.isLatest('plan', answer.id) && onPlanned(answer), ignoreFailed);
  }, 120);
}

let historyTimer: number | undefined;
function requestHistory(): void {
  window.clearTimeout(historyTimer);
  historyTimer = window.setTimeout(() => requests.request({ type: 'history', query: state.historyQuery }).then((answer) => requests.isLatest('history', answer.id) && onHistory(answer), ignoreFailed), 120);
}

function draftToSend(): Draft {
  const d = state.draft;
  return { ...d, folder: d.folder || init?.outputFolder || 'mockups', ...(d.format === 'jpeg' ? {} : { compression: undefined }) };
}

function anchorToSend(): { anchor?: string } {
  return state.anchor ? { anchor: state.anchor.file } : {};
}

function setDraft(change: Partial<Draft>, rerender: Array<() => void> = []): void {
  state.draft = { ...state.draft, ...change };
  save();
  requestPlan();
  for (const r of rerender) r();
  renderFooter();
}

// ---- skeleton --------------------------------------------------------------------------------

const app = document.getElementById('app') as HTMLElement;
const topbar = h('header', { class: 'topbar' });
const live = h('div', { class: 'sr-only', 'aria-live': 'polite', id: 'live' });
const notices = h('div', { class: 'notices', 'aria-live': 'polite' });
const createView = h('div', { class: 'create', id: 'create-view', role: 'tabpanel', 'aria-labelledby': 'tab-create' });
const historyView = h('section', { class: 'history', id: 'history-view', role: 'tabpanel', 'aria-labelledby': 'tab-history' });

const compose = h('form', { class: 'compose', 'aria-label': t('Compose'), onsubmit: (e: Event) => e.preventDefault() });
const stage = h('main', { class: 'stage', 'aria-label': t('Results') });
const templateSection = h('section', { class: 'block', 'aria-labelledby': 'h-template' });
const promptSection = h('section', { class: 'block', 'aria-labelledby': 'h-prompt' });
const styleSection = h('section', { class: 'block', 'aria-labelledby': 'h-style' });
const localeSection = h('section', { class: 'block', 'aria-labelledby': 'h-locales' });
const sizeSection = h('section', { class: 'block', 'aria-labelledby': 'h-sizes' });
const anchorArea = h('section', { class: 'block', id: 'anchor-section', 'aria-labelledby': 'h-anchor' });
const optionSection = h('section', { class: 'block', 'aria-labelledby': 'h-options' });
const sentSection = h('section', { class: 'block', 'aria-labelledby': 'h-sent' });
const footer = h('div', { class: 'compose-footer' });
append(compose, [templateSection, promptSection, styleSection, localeSection, sizeSection, anchorArea, optionSection, sentSection, footer]);

const errorArea = h('div', { class: 'error-area' });
const jobArea = h('section', { class: 'job-area', 'aria-label': t('Progress') });
const iterateArea = h('section', { class: 'iterate-area', id: 'iterate', 'aria-label': t('Refine and inpaint') });
const codeArea = h('section', { class: 'code-area', 'aria-label': t('Request as code') });
const compareArea = h('section', { class: 'compare-area', 'aria-label': t('Compare variants') });
const resultsArea = h('section', { class: 'results-area', 'aria-labelledby': 'h-results' });
append(stage, [errorArea, jobArea, iterateArea, codeArea, compareArea, resultsArea]);
append(createView, [compose, stage]);

// Prompt and count: built once, so typing never loses focus.
const promptInput = h('textarea', { id: 'prompt', rows: 5, 'data-key': 'prompt', 'aria-describedby': 'prompt-count', placeholder: t('Describe the screen, component or visual. With a template, add further instructions here.') });
const promptCount = h('div', { id: 'prompt-count', class: 'count' });
promptInput.value = state.draft.prompt;
promptInput.addEventListener('input', () => {
  setDraft({ prompt: promptInput.value });
  renderCount();
});
promptInput.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    generate();
  }
});

// ---- rendering -------------------------------------------------------------------------------

function renderAll(): void {
  if (!init) return;
  app.removeAttribute('aria-busy');
  app.replaceChildren(topbar, createView, historyView, notices, live);
  renderTopbar();
  renderTemplate();
  renderPrompt();
  renderStyle();
  renderLocales();
  renderSizes();
  renderAnchor();
  renderOptions();
  renderSent();
  renderFooter();
  renderError();
  renderJob();
  renderIterate();
  renderCode();
  renderCompare();
  renderResults();
  renderHistory();
  showView();
}

function renderTopbar(): void {
  if (!init) return;
  const tab = (view: Persisted['view'], label: string): HTMLElement =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${view}`,
        'data-view': view,
        'data-key': `tab-${view}`,
        'aria-selected': String(state.view === view),
        'aria-controls': `${view}-view`,
        tabindex: state.view === view ? 0 : -1,
        onclick: () => switchView(view),
      },
      label,
    );
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('Studio views') }, tab('create', t('Create')), tab('history', t('History')));
  tabs.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      switchView(state.view === 'create' ? 'history' : 'create');
    }
  });
  const connection = init.connected
    ? h('span', { class: 'chip connection', title: t('Model and deployment') }, `${init.model} · ${init.deployment}`)
    : h('span', { class: 'chip connection warn', role: 'status' }, t('Not connected: {0}', init.connectionProblem ?? t('configure the connection')));
  replace(topbar, h('h1', {}, t('Mockup Studio')), tabs, h('div', { class: 'spacer' }), connection);
}

function switchView(view: Persisted['view']): void {
  state.view = view;
  save();
  renderTopbar();
  showView();
  if (view === 'history') requestHistory();
  (document.getElementById(`tab-${view}`))?.focus();
}

function showView(): void {
  createView.hidden = state.view !== 'create';
  historyView.hidden = state.view !== 'history';
}

function heading(id: string, text: string, extra?: Node): HTMLElement {
  return h('div', { class: 'block-head' }, h('h2', { id }, text), extra);
}

function renderTemplate(): void {
  if (!init) return;
  const current = state.draft.template?.id;
  const choose = (id: string | undefined): void => {
    const template = init?.templates.find((t) => t.id === id);
    const kept = state.draft.template;
    setDraft({ template: template ? { id: template.id, fields: kept && kept.id === id ? kept.fields : {} } : undefined }, [renderTemplate, renderPrompt]);
  };
  const chips = h(
    'div',
    { class: 'chips', role: 'group', 'aria-label': t('Mockup kind') },
    h('button', { type: 'button', class: 'chip-button', 'data-template': '', 'data-key': 'template:none', 'aria-pressed': String(!current), onclick: () => choose(undefined) }, t('Free prompt')),
    ...init.templates.map((t) =>
      h('button', { type: 'button', class: 'chip-button', 'data-template': t.id, 'data-key': `template:${t.id}`, 'aria-pressed': String(current === t.id), title: t.description, onclick: () => choose(t.id) }, t.name),
    ),
  );
  const template = init.templates.find((t) => t.id === current);
  const fields = template
    ? h(
        'div',
        { class: 'template-fields' },
        h('p', { class: 'hint' }, template.description),
        ...template.fields.map((f) => {
          const input = h('input', { type: 'text', id: `field-${f.id}`, 'data-key': `field-${f.id}`, placeholder: f.example, value: state.draft.template?.fields[f.id] ?? '', 'aria-required': String(f.required) });
          input.addEventListener('input', () => {
            const fieldsNow = { ...(state.draft.template?.fields ?? {}), [f.id]: input.value };
            if (state.draft.template) setDraft({ template: { id: state.draft.template.id, fields: fieldsNow } });
          });
          return h('label', { class: 'field', for: `field-${f.id}` }, h('span', { class: 'label' }, f.label, f.required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : ''), input);
        }),
      )
    : '';
  replace(templateSection, heading('h-template', t('Template')), chips, fields);
}

function renderPrompt(): void {
  replace(promptSection, heading('h-prompt', state.draft.template ? t('Further instructions') : t('Prompt')), promptInput, promptCount);
  renderCount();
}

function renderCount(): void {
  if (!init) return;
  const typed = state.draft.prompt.length;
  const sent = planned?.composed.length ? Math.max(...planned.composed.map((c) => c.sentChars)) : typed;
  promptCount.className = `count${sent > init.limits.promptMax ? ' over' : sent > init.limits.promptWarn ? ' warn' : ''}`;
  promptCount.textContent = `${t('{0} typed · {1} / {2} sent', typed.toLocaleString(displayLanguage()), sent.toLocaleString(displayLanguage()), init.limits.promptMax.toLocaleString(displayLanguage()))}${sent > init.limits.promptWarn && sent <= init.limits.promptMax ? t(' (some deployments accept only {0})', init.limits.promptWarn.toLocaleString(displayLanguage())) : ''}`;
}

function renderStyle(): void {
  if (!init) return;
  const guide = init.styleGuide;
  const body = !guide
    ? h('p', { class: 'hint' }, t('No style guide. '), h('button', { type: 'button', class: 'link', onclick: () => post({ type: 'openStyleGuideSetting' }) }, t('Set foundryMockups.styleGuide')), t(' to add brand colours, type and tone to every prompt.'))
    : guide.error
      ? h('p', { class: 'problem', role: 'status' }, guide.error)
      : h(
          'div',
          { class: 'design' },
          guide.summary ? designSummary(guide.summary) : '',
          guide.omitted ? h('p', { class: 'hint', id: 'design-omitted' }, t("Not sent (over the block's budget): {0}", guide.omitted)) : '',
          h('details', { class: 'guide' }, h('summary', {}, t('{0} is added to every prompt', guide.file)), h('p', { class: 'guide-text' }, guide.text ?? ''), ...guide.warnings.map((w) => h('p', { class: 'hint' }, w))),
        );
  replace(styleSection, heading('h-style', t('Design system')), body);
}

/** The design system at a glance: its colours as swatches and its type styles as samples. */
function designSummary(summary: NonNullable<NonNullable<Init['styleGuide']>['summary']>): HTMLElement {
  const swatches = summary.swatches.slice(0, 24).map((swatch) => {
    const chip = h('span', { class: 'swatch-chip', 'aria-hidden': 'true' });
    // Through the CSSOM, which the strict CSP allows (a style attribute it would not).
    if (/^#[0-9a-f]{3,8}$/i.test(swatch.hex)) chip.style.backgroundColor = swatch.hex;
    return h('li', { class: 'swatch', 'data-hex': swatch.hex.toLowerCase(), title: `${swatch.name}${swatch.role ? ` (${swatch.role})` : ''}: ${swatch.hex}` }, chip, h('span', { class: 'swatch-name' }, `${swatch.name} ${swatch.hex}`));
  });
  const samples = summary.typeSamples.slice(0, 8).map((sample) => {
    const specimen = h('span', { class: 'type-specimen', 'aria-hidden': 'true' }, 'Aa');
    if (sample.family) specimen.style.fontFamily = sample.family;
    if (sample.weight) specimen.style.fontWeight = String(sample.weight);
    const details = [sample.family, sample.size, sample.weight ? String(sample.weight) : undefined, sample.lineHeight ? `/${sample.lineHeight}` : undefined].filter(Boolean).join(' ');
    return h('li', { class: 'type-sample' }, specimen, h('span', { class: 'type-name' }, `${sample.role}: ${details}`));
  });
  return h(
    'div',
    { class: 'design-summary' },
    h('p', { class: 'dim' }, `${summary.name ? `${summary.name} · ` : ''}${summary.kindLabel}`),
    swatches.length ? h('ul', { class: 'swatches', 'aria-label': t('Colours') }, ...swatches) : '',
    samples.length ? h('ul', { class: 'type-samples', 'aria-label': t('Type styles') }, ...samples) : '',
  );
}

function renderLocales(): void {
  if (!init) return;
  const selected = new Set(state.draft.locales);
  const toggle = (tag: string): void => {
    const locales = selected.has(tag) ? state.draft.locales.filter((t) => t !== tag) : [...state.draft.locales, tag];
    setDraft({ locales }, [renderLocales]);
  };
  const chips = h(
    'div',
    { class: 'chips', role: 'group', 'aria-label': t('Languages of the visible text') },
    ...init.locales.map((l) =>
      h('button', { type: 'button', class: 'chip-button', 'data-locale': l.tag, 'data-key': `locale:${l.tag}`, 'aria-pressed': String(selected.has(l.tag)), title: l.englishName, lang: l.tag, onclick: () => toggle(l.tag) }, l.nativeName),
    ),
  );
  const verbatim = state.draft.locales.map((tag) => {
    const locale = init?.locales.find((l) => l.tag === tag);
    const area = h('textarea', { rows: 2, id: `verbatim-${tag}`, 'data-key': `verbatim-${tag}`, dir: locale?.direction ?? 'auto', lang: tag, placeholder: t('One string per line, used word for word') });
    area.value = (state.draft.verbatim[tag] ?? []).join('\n');
    area.addEventListener('input', () =>
      setDraft({
        verbatim: {
          ...state.draft.verbatim,
          [tag]: area.value
            .split('\n')
            .map((s) => s.trim())
            .filter(Boolean),
        },
      }),
    );
    return h('label', { class: 'field', for: `verbatim-${tag}` }, h('span', { class: 'label' }, t('Exact strings · {0}', locale?.englishName ?? tag)), area);
  });
  const count = state.draft.locales.length;
  replace(
    localeSection,
    heading('h-locales', t('Languages'), h('span', { class: 'hint' }, count ? t('{0} selected, one asset each', count) : t('none: no language instruction'))),
    chips,
    verbatim.length ? h('details', { class: 'verbatim' }, h('summary', {}, t('Exact strings per language')), ...verbatim) : '',
  );
}

function toggleSize(size: string): void {
  const selected = state.draft.sizes;
  const sizes = selected.includes(size) ? selected.filter((s) => s !== size) : [...selected, size].slice(0, init?.limits.maxSizes ?? 20);
  setDraft({ sizes }, [renderSizes]);
}

function addCustomSize(): void {
  const value = customSize.value.trim().replace(/\s+/g, '');
  if (!value) return;
  if (!state.draft.sizes.includes(value)) toggleSize(value);
  customSize.value = '';
}

// Built once, so that a plan arriving while the user types does not clear them.
const customSize = h('input', { type: 'text', id: 'custom-size', 'data-key': 'custom-size', placeholder: t('WxH or WxH@2x'), 'aria-label': t('Custom size, such as 390x844@3x') });
customSize.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') {
    e.preventDefault();
    addCustomSize();
  }
});
const planList = h('ul', { class: 'plan-list', id: 'plan-list', 'aria-label': t('Chosen sizes and their plans') });

/** The chosen sizes with their live plans: generation size, post-processing and warnings. */
function renderPlanList(): void {
  const selected = state.draft.sizes;
  replace(
    planList,
    ...(selected.length ? selected : ['auto']).map((size) => {
      const info = planned?.sizes.find((s) => s.size === size);
      const preset = init?.presets.find((p) => p.id === size);
      return h(
        'li',
        { class: `plan${info && !info.ok ? ' bad' : ''}`, 'data-size': size },
        h(
          'div',
          { class: 'plan-head' },
          h('strong', {}, preset ? preset.name : size),
          h('span', { class: 'dim' }, info?.ok ? ` ${info.target}` : ''),
          selected.length ? h('button', { type: 'button', class: 'icon', 'aria-label': t('Remove {0}', size), 'data-key': `remove:${size}`, onclick: () => toggleSize(size) }, '×') : h('span', { class: 'dim' }, t(' the service picks')),
        ),
        info ? h('div', { class: info.ok ? 'plan-text' : 'problem' }, info.ok ? info.explanation : info.target) : '',
        ...(info?.warnings ?? []).map((w) => h('div', { class: 'warning' }, w)),
      );
    }),
  );
}

function renderSizes(): void {
  if (!init) return;
  const selected = state.draft.sizes;
  const search = h('input', { type: 'search', id: 'size-search', 'data-key': 'size-search', placeholder: t('Search presets: iphone, og, 1080...'), value: state.sizeSearch, 'aria-label': t('Search size presets') });
  search.addEventListener('input', () => {
    state.sizeSearch = search.value;
    save();
    renderPresetList();
  });
  renderPlanList();
  const list = h('div', { class: 'preset-list', id: 'preset-list', role: 'group', 'aria-label': t('Size presets') });
  const renderPresetList = (): void => {
    const words = state.sizeSearch.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = (init?.presets ?? []).filter((p) => words.every((w) => `${p.id} ${p.name} ${p.group} ${p.css} ${p.pixels}`.toLowerCase().includes(w)));
    const groups = new Map<string, typeof matches>();
    for (const p of matches) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
    replace(
      list,
      ...[...groups.entries()].map(([group, presets]) =>
        h(
          'div',
          { class: 'preset-group' },
          h('div', { class: 'group-name' }, group),
          ...presets.map((p) =>
            h(
              'button',
              { type: 'button', class: 'preset', 'data-preset': p.id, 'data-key': `preset:${p.id}`, 'aria-pressed': String(selected.includes(p.id)), onclick: () => toggleSize(p.id) },
              h('span', { class: 'preset-name' }, p.name),
              h('span', { class: 'dim' }, `${p.css} · ${p.pixels}`),
            ),
          ),
        ),
      ),
      matches.length ? '' : h('p', { class: 'hint' }, t('No preset matches. Add a custom size below.')),
    );
  };
  renderPresetList();
  replace(
    sizeSection,
    heading('h-sizes', t('Sizes'), h('span', { class: 'hint' }, selected.length ? t('{0} chosen', selected.length) : t('auto chosen'))),
    planList,
    search,
    list,
    h('div', { class: 'row' }, customSize, h('button', { type: 'button', class: 'secondary', id: 'add-size', onclick: addCustomSize }, t('Add'))),
  );
}

function renderAnchor(): void {
  replace(
    anchorArea,
    ...anchorSection({
      anchor: state.anchor,
      picking: pickingAnchor,
      images: workspaceImages,
      onTogglePicker: () => {
        pickingAnchor = !pickingAnchor;
        if (pickingAnchor) requests.request({ type: 'listImages' }).then(onImages, ignoreFailed);
        renderAnchor();
      },
      onChoose: (anchor) => setAnchor(anchor),
      onClear: () => {
        setAnchor(undefined);
        document.getElementById('pick-anchor')?.focus();
      },
    }),
  );
}

/** Makes `anchor` the set's anchor (or clears it): the plan is asked again, with it. */
function setAnchor(anchor: AnchorView | undefined): void {
  state.anchor = anchor;
  save();
  requestPlan();
  renderAnchor();
  renderResults();
  if (history) renderHistory();
  if (anchor) notice('info', t('{0} is the anchor: every image generated now takes its look.', anchor.name));
}

function renderOptions(): void {
  const d = state.draft;
  const rerender = [renderOptions];
  const compression = h('input', { type: 'number', id: 'compression', 'data-key': 'compression', min: 0, max: 100, value: d.compression ?? 85, disabled: d.format !== 'jpeg', 'aria-label': t('JPEG compression, 0 to 100') });
  compression.addEventListener('change', () => {
    const value = Math.max(0, Math.min(100, Math.round(Number(compression.value))));
    setDraft({ compression: Number.isFinite(value) ? value : undefined });
  });
  const folder = h('input', { type: 'text', id: 'folder', 'data-key': 'folder', value: d.folder, placeholder: init?.outputFolder ?? 'mockups', 'aria-label': t('Output folder in the workspace') });
  folder.addEventListener('input', () => {
    state.draft = { ...state.draft, folder: folder.value.trim() };
    save();
  });
  folder.addEventListener('change', () => setDraft({ folder: folder.value.trim() }));
  replace(
    optionSection,
    heading('h-options', t('Options')),
    h(
      'div',
      { class: 'options' },
      segmented(t('Quality'), 'quality', QUALITIES, d.quality, (quality) => setDraft({ quality }, rerender)),
      segmented(t('Variants'), 'n', [1, 2, 3, 4] as const, d.n as 1 | 2 | 3 | 4, (n) => setDraft({ n }, rerender)),
      segmented(t('Format'), 'format', IMAGE_FORMATS, d.format, (format) => setDraft({ format }, rerender)),
      segmented(t('Background'), 'background', BACKGROUNDS, d.background, (background) => setDraft({ background }, rerender)),
      segmented(t('Fit'), 'fit', FITS, d.fit, (fit) => setDraft({ fit }, rerender)),
      segmented(t('Previews'), 'partials', ['auto', 0, 1, 2, 3] as const, (d.partialImages ?? 'auto') as 'auto' | 0 | 1 | 2 | 3, (value) => setDraft({ partialImages: value === 'auto' ? undefined : value }, rerender), (v) => (v === 'auto' ? t('auto ({0})', planned?.previewsPerImage ?? '…') : String(v))),
      h('label', { class: 'field', for: 'compression' }, h('span', { class: 'label' }, t('Compression')), compression),
      h('label', { class: 'field', for: 'folder' }, h('span', { class: 'label' }, t('Folder')), folder),
    ),
  );
}

function renderSent(): void {
  const composed = planned?.composed ?? [];
  const body = composed.length
    ? composed.map((c) =>
        h(
          'div',
          { class: 'sent' },
          h('div', { class: 'sent-head' }, c.locale ? `${c.locale}` : t('Prompt'), h('span', { class: 'dim' }, t(' · {0} characters', c.sentChars.toLocaleString(displayLanguage())))),
          ...c.parts.map((p) => h('p', { class: `part part-${p.kind}` }, h('span', { class: 'part-kind' }, partName(p.kind)), p.text)),
        ),
      )
    : [h('p', { class: 'hint' }, planned?.error ?? t('Write a prompt or fill in a template to see what is sent.'))];
  // Re-rendered on every plan: keep it open when the user opened it.
  const details = h('details', { class: 'sent-details', open: sentOpen }, h('summary', { id: 'h-sent', 'data-key': 'h-sent' }, t('What is sent')), ...body);
  details.addEventListener('toggle', () => (sentOpen = details.open));
  replace(sentSection, details);
}

function partName(kind: string): string {
  return { instruction: t('Instruction'), template: t('Template'), text: t('Your text'), context: t('The image'), styleGuide: t('Design system'), locale: t('Language') }[kind] ?? kind;
}

function renderFooter(): void {
  const running = job && !job.done;
  const estimate = planned
    ? planned.estimateUsd !== undefined
      ? h(
          'div',
          { class: 'estimate', id: 'estimate', title: planned.summary },
          h('strong', {}, `≈ ${formatUsd(planned.estimateUsd)}`),
          h('span', { class: 'dim' }, `${t(' · {0} image(s) in {1} request(s)', planned.images, planned.requests)}${planned.previewsUsd > 0 ? t(' · previews {0}', formatUsd(planned.previewsUsd)) : ''}`),
        )
      : h('div', { class: 'estimate', id: 'estimate' }, h('span', { class: 'dim' }, planned.missing ?? planned.summary))
    : h('div', { class: 'estimate', id: 'estimate' }, h('span', { class: 'dim' }, t('Estimating...')));
  // Beside the estimate of the next request: what the requests since the Studio opened cost.
  if (state.spentUsd !== undefined) estimate.append(h('span', { class: 'dim spent', id: 'spent', title: t('What the requests since the Studio opened cost, as the service counted their tokens') }, t(' · spent {0}', formatUsd(state.spentUsd))));
  const empty = !state.draft.prompt.trim() && !Object.values(state.draft.template?.fields ?? {}).some((v) => v.trim());
  const generateButton = h('button', { type: 'button', class: 'primary', id: 'generate', 'data-key': 'generate', disabled: empty || !!running, title: t('Generate (Ctrl+Enter)'), onclick: generate }, running ? t('Generating...') : t('Generate'));
  const cancel = running ? h('button', { type: 'button', class: 'secondary', id: 'cancel', 'data-key': 'cancel', onclick: () => job && post({ type: 'cancel', jobId: job.jobId }) }, t('Cancel')) : '';
  replace(footer, estimate, h('div', { class: 'actions' }, cancel, generateButton));
}

function generate(): void {
  if (!init || (job && !job.done)) return;
  state.error = undefined;
  renderError();
  post({ type: 'generate', draft: draftToSend(), ...anchorToSend() });
}

function renderError(): void {
  const e = state.error;
  if (!e) {
    errorArea.replaceChildren();
    return;
  }
  replace(
    errorArea,
    h(
      'div',
      { class: 'error-banner', role: 'alert' },
      h('div', { class: 'error-title' }, e.kind === 'cancelled' ? t('Cancelled') : t('The request failed')),
      h('p', { class: 'error-message' }, e.message),
      h('div', { class: 'dim' }, t('Kind: {0}', e.kind), e.requestId && !e.message.includes(e.requestId) ? t(' · Request ID: {0}', e.requestId) : ''),
      h(
        'div',
        { class: 'actions failure-actions', role: 'group', 'aria-label': t('Actions for this failure') },
        // The actions the notification offers for the same failure (the host decides which, and labels them).
        ...(e.actions ?? []).map(({ action, label }) =>
          h('button', { type: 'button', class: action === 'retry' ? 'primary' : 'secondary', 'data-failure-action': action, 'data-key': `failure:${action}`, onclick: () => failureAction(e, action) }, label),
        ),
        h('button', { type: 'button', class: 'secondary', 'data-key': 'dismiss-error', onclick: () => ((state.error = undefined), save(), renderError()) }, t('Dismiss')),
      ),
    ),
  );
}

/** Runs one of the banner's actions on the host; Retry clears the banner, as Generate does, while the request is sent again. */
function failureAction(failure: ShownFailure, action: FailureAction): void {
  if (!failure.id) return;
  post({ type: 'failureAction', failure: failure.id, action });
  if (action !== 'retry') return;
  state.error = undefined;
  save();
  renderError();
  live.textContent = t('Sending the request again.');
  // The banner and its buttons are gone: keep the keyboard where the request is sent from.
  document.getElementById(state.iterate ? 'send-edit' : 'generate')?.focus();
}

function tileKey(request: number, variant: number): string {
  return `${request}:${variant}`;
}

function renderJob(): void {
  if (!job) {
    jobArea.replaceChildren();
    return;
  }
  const j = job;
  const rows = j.requests.map((label, request) =>
    h(
      'div',
      { class: 'job-row' },
      h('div', { class: 'job-label' }, label),
      h(
        'div',
        { class: 'tiles' },
        ...Array.from({ length: j.variants }, (_, v) => {
          const tile = j.tiles.get(tileKey(request, v + 1)) ?? { label: t('Variant {0}', v + 1), state: 'waiting' as const };
          const img = tile.preview ? h('img', { class: 'partial', alt: t('Preview of {0}, variant {1}', label, v + 1), src: tile.preview, 'data-partial-key': tile.key ?? '' }) : h('div', { class: 'placeholder', 'aria-hidden': 'true' });
          return h('figure', { class: `tile ${tile.state}`, 'data-state': tile.state, 'data-tile': tileKey(request, v + 1) }, img, h('figcaption', {}, t('Variant {0} · {1}', v + 1, { waiting: t('waiting'), streaming: t('streaming'), done: t('done'), failed: t('failed'), cancelled: t('cancelled'), notSent: t('not sent') }[tile.state])));
        }),
      ),
    ),
  );
  replace(
    jobArea,
    h('div', { class: 'job-head' }, h('h2', {}, j.mode === 'generate' ? t('Generating') : j.mode === 'refine' ? t('Refining') : t('Inpainting')), h('span', { class: 'dim job-status', role: 'status' }, j.status)),
    ...rows,
  );
}

function setTile(request: number, variant: number, change: Partial<Tile>): Tile {
  if (!job) throw new Error('no job');
  const key = tileKey(request, variant);
  const tile = { ...(job.tiles.get(key) ?? { label: t('Variant {0}', variant), state: 'waiting' as const }), ...change };
  job.tiles.set(key, tile);
  return tile;
}

/** Shows a streamed preview in its tile and acknowledges it once painted (for the display-time figure). */
function showPartial(message: Extract<HostToWebview, { type: 'partial' }>): void {
  if (!job || job.jobId !== message.jobId) return;
  setTile(message.request, message.variant, { state: 'streaming', preview: message.dataUrl, key: message.key });
  const figure = jobArea.querySelector<HTMLElement>(`[data-tile="${tileKey(message.request, message.variant)}"]`);
  if (!figure) {
    renderJob();
  } else {
    let img = figure.querySelector('img');
    if (!img) {
      img = h('img', { class: 'partial', alt: t('Preview, variant {0}', message.variant) });
      figure.querySelector('.placeholder')?.replaceWith(img);
    }
    img.setAttribute('data-partial-key', message.key);
    img.src = message.dataUrl;
    figure.dataset.state = 'streaming';
    figure.className = 'tile streaming';
    const caption = figure.querySelector('figcaption');
    if (caption) caption.textContent = t('Variant {0} · preview {1}', message.variant, message.index + 1);
  }
  const img = jobArea.querySelector<HTMLImageElement>(`[data-tile="${tileKey(message.request, message.variant)}"] img`);
  const ack = (): void => afterPaint(() => post({ type: 'partialShown', key: message.key }));
  if (img?.complete) ack();
  else img?.addEventListener('load', ack, { once: true });
}

function renderIterate(): void {
  const it = state.iterate;
  if (!it) {
    iterateArea.replaceChildren();
    mask = undefined;
    maskFor = undefined;
    return;
  }
  const item = it.item;
  const alt = it.mode === 'inpaint' ? t('The image to inpaint: {0}', item.name) : t('The image to refine: {0}', item.name);
  if (it.mode === 'inpaint') {
    // Kept across renders (and so its mask and undo history) while the same image is inpainted.
    if (!mask || maskFor !== item.file) {
      mask = new FmMaskPainter();
      mask.src = item.uri;
      mask.dataset.key = 'mask-painter';
      if (item.width && item.height) [mask.naturalWidth, mask.naturalHeight] = [item.width, item.height];
      mask.addEventListener('mask-change', () => renderSendState());
      maskFor = item.file;
    }
    mask.alt = alt;
  } else {
    mask = undefined;
    maskFor = undefined;
    if (hero?.src !== item.uri) {
      hero = new FmViewport();
      hero.src = item.uri;
      hero.dataset.key = 'hero';
      if (item.width && item.height) [hero.naturalWidth, hero.naturalHeight] = [item.width, item.height];
    }
    hero.alt = alt;
  }
  const chain = item.chain.length
    ? h(
        'ol',
        { class: 'chain', 'aria-label': t('Steps that led to this image') },
        ...item.chain.map((step, i) => h('li', { class: step.file === item.file ? 'current' : '' }, h('span', { class: 'step-kind' }, i === 0 ? t('Generated') : t('Edited')), h('span', { class: 'step-prompt', title: step.file }, step.prompt || step.file))),
      )
    : '';
  const editPrompt = h('textarea', { id: 'edit-prompt', 'data-key': 'edit-prompt', rows: 3, placeholder: it.mode === 'inpaint' ? t('What should the painted area show?') : t('What should change? (for example: make the primary button green)'), 'aria-label': t('Edit prompt') });
  editPrompt.value = it.prompt;
  editPrompt.addEventListener('input', () => {
    it.prompt = editPrompt.value;
    save();
    renderSendState();
  });
  editPrompt.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      void sendEdit();
    }
  });
  const refs = h(
    'div',
    { class: 'references' },
    h('span', { class: 'label' }, t('Reference images')),
    ...it.references.map((r) => h('span', { class: 'chip' }, r.split('/').pop() ?? r, h('button', { type: 'button', class: 'icon', 'aria-label': t('Remove reference {0}', r), onclick: () => ((it.references = it.references.filter((x) => x !== r)), save(), renderIterate()) }, '×'))),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'pick-references',
        'data-key': 'pick-references',
        'aria-expanded': String(pickingReferences),
        onclick: () => {
          pickingReferences = !pickingReferences;
          if (pickingReferences) requests.request({ type: 'listImages' }).then(onImages, ignoreFailed);
          renderIterate();
        },
      },
      pickingReferences ? t('Done') : t('Add from workspace'),
    ),
  );
  const picker =
    pickingReferences && workspaceImages
      ? imagePicker(
          workspaceImages.filter((w) => w.file !== item.file),
          {
            label: t('Workspace images'),
            keyPrefix: 'ref',
            pressed: (file) => it.references.includes(file),
            onPick: ({ file }) => {
              it.references = it.references.includes(file) ? it.references.filter((x) => x !== file) : [...it.references, file].slice(0, 15);
              save();
              renderIterate();
            },
          },
        )
      : '';
  const send = h('button', { type: 'button', class: 'primary', id: 'send-edit', 'data-key': 'send-edit', onclick: () => void sendEdit() }, it.mode === 'inpaint' ? t('Inpaint') : t('Refine'));
  const modes = segmented(t('Mode'), 'mode', ['refine', 'inpaint'] as const, it.mode, (mode) => ((it.mode = mode), save(), renderIterate()), (m) => (m === 'refine' ? t('Refine') : t('Inpaint')));
  replace(
    iterateArea,
    h(
      'div',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, it.mode === 'inpaint' ? t('Inpaint {0}', item.name) : t('Refine {0}', item.name)), h('span', { class: 'dim' }, item.sizeLabel), h('div', { class: 'spacer' }), h('button', { type: 'button', class: 'icon', 'aria-label': t('Close refine'), 'data-key': 'close-iterate', onclick: closeIterate }, '×')),
      chain,
      h(
        'div',
        { class: 'iterate-body' },
        h('div', { class: 'iterate-visual' }, it.mode === 'inpaint' ? mask : hero),
        h(
          'div',
          { class: 'iterate-form' },
          modes,
          h('label', { class: 'field', for: 'edit-prompt' }, h('span', { class: 'label' }, t('Prompt')), editPrompt),
          refs,
          picker,
          segmented(t('Quality'), 'edit-quality', QUALITIES, it.quality, (q) => ((it.quality = q), save(), renderIterate())),
          segmented(t('Variants'), 'edit-n', [1, 2, 3, 4] as const, it.n as 1 | 2 | 3 | 4, (n) => ((it.n = n), save(), renderIterate())),
          h('div', { class: 'actions' }, h('span', { class: 'dim', id: 'send-hint' }), send),
        ),
      ),
    ),
  );
  renderSendState();
}

function renderSendState(): void {
  const it = state.iterate;
  const send = document.getElementById('send-edit') as HTMLButtonElement | null;
  const hint = document.getElementById('send-hint');
  if (!it || !send || !hint) return;
  const painted = mask?.paintedCount() ?? 0;
  const problem = !it.prompt.trim() ? t('Describe the change.') : it.mode === 'inpaint' && painted === 0 ? t('Paint the area to repaint.') : job && !job.done ? t('Wait for the running request.') : '';
  send.disabled = problem !== '';
  hint.textContent = problem;
}

async function sendEdit(): Promise<void> {
  const it = state.iterate;
  if (!it || (job && !job.done)) return;
  state.error = undefined;
  renderError();
  const maskData = it.mode === 'inpaint' && mask ? await mask.toBase64Png() : undefined;
  post({ type: 'edit', mode: it.mode, image: it.item.file, prompt: it.prompt, references: it.references, ...(maskData ? { mask: maskData } : {}), quality: it.quality, n: it.n, ...(state.draft.partialImages !== undefined ? { partialImages: state.draft.partialImages } : {}) });
}

function openIterate(item: MockupItem, mode: 'refine' | 'inpaint'): void {
  state.iterate = { item, mode, prompt: state.iterate?.item.file === item.file ? state.iterate.prompt : '', references: [], quality: state.draft.quality, n: 1 };
  state.view = 'create';
  save();
  renderTopbar();
  showView();
  renderIterate();
  iterateArea.scrollIntoView({ block: 'start' });
  (document.getElementById('edit-prompt'))?.focus();
}

function closeIterate(): void {
  state.iterate = undefined;
  save();
  renderIterate();
}

function renderCode(): void {
  if (!code) {
    codeArea.replaceChildren();
    return;
  }
  replace(
    codeArea,
    h(
      'div',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, t('Request as {0}', languageName(code.language))), h('span', { class: 'dim' }, t('copied to the clipboard · the key is read from AZURE_OPENAI_API_KEY')), h('div', { class: 'spacer' }), h('button', { type: 'button', class: 'icon', 'aria-label': t('Close code'), 'data-key': 'close-code', onclick: () => ((code = undefined), renderCode()) }, '×')),
      h('pre', { class: 'code', tabindex: 0, id: 'code-text' }, code.text),
    ),
  );
}

function languageName(language: CodeLanguage): string {
  return { curl: 'curl', typescript: 'TypeScript', python: 'Python', csharp: 'C#' }[language];
}

function renderCompare(): void {
  const items = state.compare.map((f) => state.results.find((r) => r.file === f)).filter((r): r is MockupItem => !!r);
  if (!showCompare || items.length < 2) {
    compareArea.replaceChildren();
    return;
  }
  let compare = compareArea.querySelector('fm-compare');
  if (!compare) {
    compare = document.createElement('fm-compare');
    compare.addEventListener('close', () => {
      showCompare = false;
      renderCompare();
      renderResults();
      resultsArea.querySelector<HTMLElement>('[data-action="compare"][aria-pressed="true"]')?.focus();
    });
    compareArea.replaceChildren(compare);
  }
  compare.items = items;
}

/** The actions of a mockup, as the card's icon toolbar and its overflow menu offer them. */
function cardActions(item: MockupItem, where: 'results' | 'history'): ResultAction[] {
  const compared = state.compare.includes(item.file);
  const anchored = state.anchor?.file === item.file;
  const anchor: ResultAction = { id: 'anchor', label: anchored ? t('Anchor') : t('Use as anchor'), icon: 'pinned', pressed: anchored, overflow: true };
  const reveal: ResultAction = { id: 'reveal', label: t('Reveal'), icon: 'folder-opened' };
  if (where === 'history') {
    return [
      { id: 'open', label: t('Open'), icon: 'edit' },
      { id: 'reuse', label: t('Reuse settings'), icon: 'history' },
      reveal,
      ...(item.designStatus === 'older' ? [{ id: 'regenerate-design', label: t('Regenerate with the current design system'), icon: 'sync' }] : []),
      { id: 'view', label: t('View larger'), icon: 'screen-full', overflow: true },
      anchor,
    ];
  }
  return [
    { id: 'refine', label: t('Refine'), icon: 'edit' },
    { id: 'inpaint', label: t('Inpaint'), icon: 'paintcan' },
    { id: 'compare', label: compared ? t('Comparing') : t('Compare'), icon: 'diff', pressed: compared },
    { id: 'regenerate', label: t('Regenerate'), icon: 'refresh' },
    reveal,
    { id: 'code', label: t('Copy the request as code'), icon: 'code', menu: (['curl', 'typescript', 'python', 'csharp'] as const).map((language) => ({ id: language, label: languageName(language) })) },
    { id: 'view', label: t('View larger'), icon: 'screen-full', overflow: true },
    { id: 'copy-prompt', label: t('Copy prompt'), icon: 'copy', overflow: true },
    anchor,
  ];
}

function onCardAction(item: MockupItem, where: 'results' | 'history', action: string, choice: string | undefined, set: readonly MockupItem[]): void {
  switch (action) {
    case 'refine':
    case 'inpaint':
      openIterate(item, action);
      return;
    case 'compare': {
      const compared = state.compare.includes(item.file);
      state.compare = compared ? state.compare.filter((f) => f !== item.file) : [...state.compare, item.file].slice(-4);
      showCompare = state.compare.length >= 2;
      save();
      renderResults();
      renderCompare();
      return;
    }
    case 'regenerate':
      regenerate(item);
      return;
    case 'anchor':
      setAnchor(state.anchor?.file === item.file ? undefined : anchorOf(item));
      return;
    case 'copy-prompt':
      post({ type: 'copyPrompt', file: item.file });
      return;
    case 'reveal':
      post({ type: 'reveal', file: item.file });
      return;
    case 'code':
      if (choice === 'curl' || choice === 'typescript' || choice === 'python' || choice === 'csharp') requests.request({ type: 'copyCode', file: item.file, language: choice }).then(onCode, ignoreFailed);
      return;
    case 'view':
      showLightbox(set, item);
      return;
    case 'open':
      void requests.request({ type: 'select', file: item.file }).then((answer) => openIterate(answer.item, answer.focus), ignoreFailed);
      return;
    case 'reuse':
      reuse(item);
      return;
    case 'regenerate-design':
      if (where === 'history') post({ type: 'regenerate', file: item.file });
      return;
  }
}

/** The lightbox over the Studio: one image of `set` large, the others a key away. */
const lightbox = document.createElement('fm-lightbox');
function showLightbox(set: readonly MockupItem[], item: MockupItem): void {
  const labels = compareLabels(set, t);
  lightbox.images = set.map((m, i) => ({ uri: m.uri, label: labels[i] ?? m.name, name: m.name, alt: m.promptTyped ? t('Mockup: {0}', m.promptTyped.slice(0, 120)) : m.name }));
  if (!lightbox.isConnected) document.body.append(lightbox);
  lightbox.show(Math.max(0, set.indexOf(item)));
}

/**
 * A mockup's card: the image (a click shows it larger), the name by what tells it from the others
 * of `set` (the full name on hover), its figures, and its actions as icons.
 */
function card(item: MockupItem, where: 'results' | 'history', label: string, set: readonly MockupItem[]): HTMLElement {
  const stats = [
    item.sizeLabel,
    item.locale,
    item.tokens !== undefined ? t('{0} tokens', item.tokens.toLocaleString(displayLanguage())) : undefined,
    item.costUsd !== undefined ? formatUsd(item.costUsd) : undefined,
    item.durationMs !== undefined ? formatMs(item.durationMs) : undefined,
  ].filter(Boolean);
  const actions = document.createElement('fm-result-actions');
  actions.className = 'card-actions';
  actions.name = item.name;
  actions.actions = cardActions(item, where);
  actions.addEventListener('result-action', (e) => onCardAction(item, where, e.detail.action, e.detail.choice, set));
  return h(
    'article',
    { class: 'card', 'data-file': item.file, 'aria-label': item.name },
    h('button', { type: 'button', class: 'thumb', 'aria-label': t('View {0} larger', item.name), onclick: () => showLightbox(set, item) }, h('img', { src: item.uri, alt: item.promptTyped ? t('Mockup: {0}', item.promptTyped.slice(0, 120)) : item.name, loading: 'lazy' })),
    actions,
    h(
      'div',
      { class: 'card-body' },
      h('div', { class: 'card-title', title: item.file }, label),
      state.anchor?.file === item.file ? h('div', { class: 'badge anchor-badge' }, t('Anchor')) : '',
      h('div', { class: 'stats' }, stats.join(' · ')),
      item.designStatus === 'older' ? h('div', { class: 'stats design-older' }, t('Made with an older version of the design system')) : '',
      item.requestId ? h('div', { class: 'dim request-id', title: t('Service request ID') }, t('Request {0}', item.requestId)) : '',
      item.promptTyped ? h('p', { class: 'card-prompt' }, item.promptTyped) : '',
      item.chain.length > 1 ? h('div', { class: 'dim' }, t('{0} edit step(s)', item.chain.length - 1)) : '',
    ),
  );
}

/** Cards for a set of mockups, each named by what tells it from the others. */
function cards(items: readonly MockupItem[], where: 'results' | 'history'): HTMLElement[] {
  const labels = compareLabels(items, t);
  return items.map((item, i) => card(item, where, labels[i] ?? item.name, items));
}

function renderResults(): void {
  const items = state.results;
  replace(
    resultsArea,
    h(
      'div',
      { class: 'block-head' },
      h('h2', { id: 'h-results' }, t('Results')),
      h('span', { class: 'hint' }, items.length ? t('{0} image(s) this session', items.length) : ''),
      state.compare.length >= 2 && !showCompare ? h('button', { type: 'button', class: 'secondary', onclick: () => ((showCompare = true), renderCompare()) }, t('Compare {0}', state.compare.length)) : '',
    ),
    items.length ? h('div', { class: 'grid results' }, ...cards(items, 'results')) : h('div', { class: 'empty' }, h('p', {}, t('Compose on the left and press Generate. Images land in the workspace, each with a sidecar describing it.'))),
  );
}

function regenerate(item: MockupItem): void {
  if (!item.reuse) return;
  applyReuse(item);
  generate();
}

function applyReuse(item: MockupItem): void {
  const r = item.reuse ?? {};
  state.draft = {
    ...state.draft,
    prompt: r.prompt ?? state.draft.prompt,
    template: r.template,
    locales: r.locales ?? [],
    sizes: r.sizes ?? state.draft.sizes,
    quality: r.quality ?? state.draft.quality,
    format: r.format ?? state.draft.format,
    background: r.background ?? 'auto',
    n: r.n ?? 1,
    fit: r.fit ?? state.draft.fit,
    ...(r.compression !== undefined ? { compression: r.compression } : {}),
  };
  promptInput.value = state.draft.prompt;
  save();
  requestPlan();
  renderTemplate();
  renderPrompt();
  renderLocales();
  renderSizes();
  renderOptions();
  renderFooter();
}

function reuse(item: MockupItem): void {
  applyReuse(item);
  switchView('create');
  notice('info', t('Loaded the settings of {0}.', item.name));
  promptInput.focus();
}

function renderHistory(): void {
  const q = state.historyQuery;
  const search = h('input', { type: 'search', id: 'history-search', 'data-key': 'history-search', placeholder: t('Search prompts and file names'), value: q.text, 'aria-label': t('Search history by prompt') });
  search.addEventListener('input', () => {
    state.historyQuery = { ...state.historyQuery, text: search.value };
    save();
    requestHistory();
  });
  const facet = (label: string, key: 'size' | 'locale' | 'model', values: readonly string[]): HTMLElement =>
    h(
      'div',
      { class: 'facet' },
      h('span', { class: 'label' }, label),
      h(
        'div',
        { class: 'chips', role: 'group', 'aria-label': t('Filter by {0}', label.toLowerCase()) },
        ...['', ...values].map((v) =>
          h(
            'button',
            {
              type: 'button',
              class: 'chip-button',
              'data-filter': `${key}:${v}`,
              'data-key': `filter:${key}:${v}`,
              'aria-pressed': String(q[key] === v),
              onclick: () => {
                state.historyQuery = { ...state.historyQuery, [key]: v };
                save();
                requestHistory();
                renderHistory();
              },
            },
            v || t('All'),
          ),
        ),
      ),
    );
  const facets = history?.facets ?? { sizes: [], locales: [], models: [] };
  const entries = history?.entries ?? [];
  replace(
    historyView,
    h('div', { class: 'history-head' }, h('h2', {}, t('History')), h('span', { class: 'hint', role: 'status', id: 'history-count' }, history ? t('{0} of {1} mockup(s)', entries.length, history.total) : t('Reading sidecars...'))),
    search,
    h('div', { class: 'facets' }, facet(t('Size'), 'size', facets.sizes), facet(t('Language'), 'locale', facets.locales), facet(t('Model'), 'model', facets.models)),
    entries.length ? h('div', { class: 'grid history-grid' }, ...cards(entries, 'history')) : h('div', { class: 'empty' }, h('p', {}, history ? t('No mockup matches.') : '')),
  );
}

function notice(level: 'info' | 'error', message: string): void {
  const el = h('div', { class: `notice ${level}`, role: level === 'error' ? 'alert' : 'status' }, message);
  notices.appendChild(el);
  // At most three at a time: a burst (for example of refused requests) must not cover the Studio.
  while (notices.childElementCount > 3) notices.firstElementChild?.remove();
  setTimeout(() => el.remove(), 4000);
}

// ---- messages from the host ----------------------------------------------------------------

function onPlanned(message: Planned): void {
  planned = message;
  renderPlanList();
  renderSent();
  renderCount();
  renderFooter();
}

function onImages(message: Extract<HostToWebview, { type: 'images' }>): void {
  workspaceImages = [...message.items];
  renderIterate();
  renderAnchor();
}

function onHistory(message: Extract<HostToWebview, { type: 'history' }>): void {
  history = message;
  renderHistory();
}

function onCode(message: Extract<HostToWebview, { type: 'code' }>): void {
  code = { language: message.language, text: message.text };
  renderCode();
  codeArea.scrollIntoView({ block: 'nearest' });
}

/** A request the host could not answer: its reason arrives as a notice too. */
function ignoreFailed(): void {}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  if (requests.settle(message)) return;
  switch (message.type) {
    case 'init': {
      const first = !init;
      init = message;
      setBundle(message.l10n.bundle, message.l10n.language);
      renderAll();
      requestPlan();
      if (state.view === 'history') requestHistory();
      if (first) afterPaint(() => post({ type: 'painted' }));
      return;
    }
    case 'jobStarted':
      job = { jobId: message.jobId, mode: message.mode, requests: [...message.requests], variants: message.variants, tiles: new Map(), status: t('Sending...'), started: performance.now(), done: false };
      live.textContent = message.mode === 'generate' ? t('Generating: {0} request(s).', message.requests.length) : t('Editing: {0} request(s).', message.requests.length);
      renderJob();
      renderFooter();
      renderSendState();
      return;
    case 'progress':
      if (!job || job.jobId !== message.jobId) return;
      job.status = `${message.request + 1}/${job.requests.length}: ${message.message}`;
      if ((job.tiles.get(tileKey(message.request, message.variant))?.state ?? 'waiting') === 'waiting') setTile(message.request, message.variant, { state: 'streaming' });
      {
        const status = jobArea.querySelector('.job-status');
        if (status) status.textContent = job.status;
        else renderJob();
      }
      return;
    case 'partial':
      showPartial(message);
      return;
    case 'result':
      if (job && job.jobId === message.jobId) {
        for (let v = 1; v <= job.variants; v++) setTile(message.request, v, { state: 'done' });
        renderJob();
      }
      state.results = [...message.items, ...state.results].slice(0, 60);
      if (state.iterate && message.items[0] && job?.mode !== 'generate') state.iterate = { ...state.iterate, item: message.items[0], prompt: '' };
      save();
      renderResults();
      if (job?.mode !== 'generate') renderIterate();
      live.textContent = t('{0} image(s) saved.', message.items.length);
      return;
    case 'jobFailed':
      state.error = message.error;
      if (job && job.jobId === message.jobId) {
        job.done = true;
        for (const tile of job.tiles.values()) if (tile.state !== 'done') tile.state = 'failed';
        // The requests the failure stopped before they were sent: not "waiting" for ever.
        for (let r = 0; r < job.requests.length; r++) for (let v = 1; v <= job.variants; v++) if (!job.tiles.has(tileKey(r, v))) setTile(r, v, { state: 'notSent' });
        job.status = t('Failed');
      }
      save();
      renderError();
      renderJob();
      renderFooter();
      renderSendState();
      // The banner holds the failure's actions: keep it in view.
      errorArea.scrollIntoView({ block: 'start' });
      live.textContent = t('Failed: {0}', message.error.message);
      return;
    case 'jobDone':
      state.spentUsd = message.spentUsd;
      save();
      if (job && job.jobId === message.jobId) {
        job.done = true;
        job.status = message.cancelled
          ? t('Cancelled; nothing more was written.')
          : message.costUsd !== undefined
            ? t('Done: {0} image(s) in {1}, {2}.', message.written, formatMs(performance.now() - job.started), formatUsd(message.costUsd))
            : t('Done: {0} image(s) in {1}.', message.written, formatMs(performance.now() - job.started));
        if (message.cancelled) for (const tile of job.tiles.values()) if (tile.state !== 'done') tile.state = 'cancelled';
        if (message.cancelled) for (let r = 0; r < job.requests.length; r++) for (let v = 1; v <= job.variants; v++) if (!job.tiles.has(tileKey(r, v))) setTile(r, v, { state: 'cancelled' });
      }
      renderJob();
      renderFooter();
      renderSendState();
      live.textContent = job?.status ?? '';
      if (state.view === 'history') requestHistory();
      return;
    case 'selected':
      openIterate(message.item, message.focus);
      return;
    case 'notice':
      notice(message.level, message.message);
      return;
    case 'rejected':
      notice('error', t('The Studio refused a request: {0}', message.error));
      return;
  }
});

window.addEventListener('keydown', (e) => {
  // A menu or the lightbox that closed on this Escape has taken it.
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  if (code) {
    code = undefined;
    renderCode();
  } else if (showCompare) {
    showCompare = false;
    renderCompare();
  } else if (pickingReferences) {
    pickingReferences = false;
    renderIterate();
  } else if (pickingAnchor) {
    pickingAnchor = false;
    renderAnchor();
  } else if (job && !job.done) {
    post({ type: 'cancel', jobId: job.jobId });
  }
});

window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: `${e.message} at ${e.filename}:${e.lineno}`.slice(0, 4000) }));

post({ type: 'ready' });
