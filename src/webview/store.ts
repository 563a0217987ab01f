/**
 * The Studio's one store: everything the app shows, what the user composed (kept with setState so
 * that a hidden or reloaded panel comes back as it was) and what the host last said. Components
 * read it and call its actions; every change notifies them once (a microtask later), so nothing
 * keeps a list of what to re-render. It talks to the host only through the typed protocol in
 * src/studio/protocol.ts.
 */
import { type CodeLanguage, type Draft, type FailureAction, type FailureInfo, type HistoryQuery, type HostToWebview, type MockupItem, RequestClient, type WebviewToHost } from '../studio/protocol';
import { type AnchorView } from './anchor';
import { compareLabels } from './compareModel';
import { formatMs, formatUsd } from './format';
import { setBundle, t } from './l10n';
import { clampWidth } from './railModel';

export type Init = Extract<HostToWebview, { type: 'init' }>;
export type Planned = Extract<HostToWebview, { type: 'planned' }>;
export type HistoryAnswer = Extract<HostToWebview, { type: 'history' }>;

/** What the store schedules with: debounced saves, plans and history queries. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface Iterate {
  item: MockupItem;
  mode: 'refine' | 'inpaint';
  prompt: string;
  references: string[];
  quality: Draft['quality'];
  n: number;
}

export type ShownFailure = Omit<FailureInfo, 'id' | 'actions'> & Partial<Pick<FailureInfo, 'id' | 'actions'>>;

/** What setState keeps. Fields added later are optional, so that an older page's state still restores. */
export interface Persisted {
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
  /** The mockup shown large on the canvas (a file of the results or the history); none shows the set. */
  selected?: string;
  /** The settings rail: its width in pixels, and whether it is folded away. */
  rail?: { width: number; collapsed: boolean };
}

export type TileState = 'waiting' | 'streaming' | 'done' | 'failed' | 'cancelled' | 'notSent';
export interface Tile {
  state: TileState;
  preview?: string;
  key?: string;
  /** Which streamed preview is shown (0-based). */
  index?: number;
}
export interface JobView {
  jobId: number;
  mode: 'generate' | 'refine' | 'inpaint';
  requests: string[];
  variants: number;
  tiles: Map<string, Tile>;
  status: string;
  started: number;
  done: boolean;
}

export interface Notice {
  id: number;
  level: 'info' | 'error';
  message: string;
}

export const DEFAULT_DRAFT: Draft = {
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

export const RAIL = { width: 360, min: 260, max: 640, step: 16 } as const;

export function tileKey(request: number, variant: number): string {
  return `${request}:${variant}`;
}

/** Results kept in the page's state (the history holds the rest). */
const KEPT_RESULTS = 60;

export class StudioStore {
  readonly state: Persisted;
  init: Init | undefined;
  planned: Planned | undefined;
  job: JobView | undefined;
  history: HistoryAnswer | undefined;
  workspaceImages: Array<{ file: string; uri: string }> | undefined;
  showCompare = false;
  code: { language: CodeLanguage; text: string } | undefined;
  pickingReferences = false;
  pickingAnchor = false;
  sentOpen = false;
  /** Pixels painted in the inpaint mask (the painter reports it; Send waits for some). */
  maskPainted = 0;
  notices: Notice[] = [];
  /** What the screen reader's live region says. */
  announcement = '';
  /** An element (by id) to focus, and one to scroll into view, once the views rendered the change that asked. */
  pendingFocus: { focus?: string; scroll?: string } | undefined;
  /** What the lightbox shows; `seq` counts the requests to open it. */
  lightbox: { images: Array<{ uri: string; label: string; name: string; alt: string }>; index: number; seq: number } | undefined;
  /** Set by the canvas while inpainting: reads the painted mask as a base64 PNG. */
  readMask: (() => Promise<string | undefined>) | undefined;

  readonly requests: RequestClient;
  private readonly listeners = new Set<() => void>();
  private notifying = false;
  private saveTimer: unknown;
  private planTimer: unknown;
  private historyTimer: unknown;
  private noticeId = 0;

  constructor(
    private readonly vscode: VsCodeApi,
    /** Where this page's request ids start (see RequestClient). */
    firstId: number,
    /** Runs after the page painted (a frame, then a task). */
    private readonly afterPaint: (fn: () => void) => void,
    /** The page's timers (tests run them by hand). */
    private readonly timers: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id as Parameters<typeof clearTimeout>[0]) },
  ) {
    this.requests = new RequestClient((message) => this.post(message), firstId);
    const restored = vscode.getState() as Persisted | undefined;
    this.state =
      restored?.version === 1
        ? restored
        : { version: 1, draft: { ...DEFAULT_DRAFT }, view: 'create', results: [], compare: [], sizeSearch: '', historyQuery: { text: '', size: '', locale: '', model: '' } };
  }

  post(message: WebviewToHost): void {
    this.vscode.postMessage(message);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every component once, after the current task's changes. */
  changed(): void {
    if (this.notifying) return;
    this.notifying = true;
    queueMicrotask(() => {
      this.notifying = false;
      for (const listener of [...this.listeners]) listener();
    });
  }

  /** Keeps the persisted state (at most every 100 ms) and notifies. */
  save(): void {
    this.changed();
    if (this.saveTimer !== undefined) return;
    this.saveTimer = this.timers.setTimeout(() => {
      this.saveTimer = undefined;
      this.vscode.setState({ ...this.state, results: this.state.results.slice(0, KEPT_RESULTS) });
    }, 100);
  }

  /** Focuses the element `focus` and scrolls `scroll` into view after the views render. */
  requestFocus(focus: string | undefined, scroll?: string): void {
    this.pendingFocus = { focus, scroll };
    this.changed();
  }

  // ---- composing -----------------------------------------------------------------------------

  draftToSend(): Draft {
    const d = this.state.draft;
    return { ...d, folder: d.folder || this.init?.outputFolder || 'mockups', ...(d.format === 'jpeg' ? {} : { compression: undefined }) };
  }

  private anchorToSend(): { anchor?: string } {
    return this.state.anchor ? { anchor: this.state.anchor.file } : {};
  }

  setDraft(change: Partial<Draft>, plan = true): void {
    this.state.draft = { ...this.state.draft, ...change };
    this.save();
    if (plan) this.requestPlan();
  }

  requestPlan(): void {
    if (!this.init) return;
    this.timers.clearTimeout(this.planTimer);
    this.planTimer = this.timers.setTimeout(() => {
      this.requests.request({ type: 'plan', draft: this.draftToSend(), ...this.anchorToSend() }).then((answer) => {
        if (!this.requests.isLatest('plan', answer.id)) return;
        this.planned = answer;
        this.changed();
      }, ignoreFailed);
    }, 120);
  }

  /**
   * The history, for the History view and the filmstrip. While the History view is not shown, only
   * the mockups the page can load already: showing one from another folder widens the webview's
   * resource roots, which reloads the page, and that is for the user to ask by opening History.
   */
  requestHistory(): void {
    this.timers.clearTimeout(this.historyTimer);
    this.historyTimer = this.timers.setTimeout(() => {
      const reach = this.state.view === 'history' ? 'all' : 'loadable';
      void this.requests.request({ type: 'history', query: this.state.historyQuery, reach }).then((answer) => {
        if (!this.requests.isLatest('history', answer.id)) return;
        this.history = answer;
        this.changed();
      }, ignoreFailed);
    }, 120);
  }

  setHistoryQuery(change: Partial<HistoryQuery>): void {
    this.state.historyQuery = { ...this.state.historyQuery, ...change };
    this.save();
    this.requestHistory();
  }

  toggleSize(size: string): void {
    const selected = this.state.draft.sizes;
    this.setDraft({ sizes: selected.includes(size) ? selected.filter((s) => s !== size) : [...selected, size].slice(0, this.init?.limits.maxSizes ?? 20) });
  }

  toggleLocale(tag: string): void {
    const locales = this.state.draft.locales;
    this.setDraft({ locales: locales.includes(tag) ? locales.filter((l) => l !== tag) : [...locales, tag] });
  }

  chooseTemplate(id: string | undefined): void {
    const template = this.init?.templates.find((x) => x.id === id);
    const kept = this.state.draft.template;
    this.setDraft({ template: template ? { id: template.id, fields: kept && kept.id === id ? kept.fields : {} } : undefined });
  }

  /** Whether nothing is written that a request could be made of. */
  get draftEmpty(): boolean {
    const d = this.state.draft;
    return !d.prompt.trim() && !Object.values(d.template?.fields ?? {}).some((v) => v.trim());
  }

  get running(): boolean {
    return !!this.job && !this.job.done;
  }

  listImages(): void {
    this.requests.request({ type: 'listImages' }).then((answer) => {
      this.workspaceImages = [...answer.items];
      this.changed();
    }, ignoreFailed);
  }

  togglePickingAnchor(): void {
    this.pickingAnchor = !this.pickingAnchor;
    if (this.pickingAnchor) this.listImages();
    this.changed();
  }

  togglePickingReferences(): void {
    this.pickingReferences = !this.pickingReferences;
    if (this.pickingReferences) this.listImages();
    this.changed();
  }

  /** Makes `anchor` the set's anchor (or clears it): the plan is asked again, with it. */
  setAnchor(anchor: AnchorView | undefined): void {
    this.state.anchor = anchor;
    this.save();
    this.requestPlan();
    if (anchor) this.notice('info', t('{0} is the anchor: every image generated now takes its look.', anchor.name));
  }

  setRail(change: Partial<NonNullable<Persisted['rail']>>): void {
    const rail = { width: RAIL.width, collapsed: false, ...this.state.rail, ...change };
    this.state.rail = { width: clampWidth(rail.width, RAIL), collapsed: rail.collapsed };
    this.save();
  }

  switchView(view: Persisted['view']): void {
    this.state.view = view;
    this.save();
    if (view === 'history') this.requestHistory();
    this.requestFocus(`tab-${view}`);
  }

  // ---- requests ------------------------------------------------------------------------------

  generate(): void {
    if (!this.init || this.running) return;
    this.state.error = undefined;
    this.save();
    this.post({ type: 'generate', draft: this.draftToSend(), ...this.anchorToSend() });
  }

  /** Why the edit cannot be sent now, or '' when it can. */
  get editProblem(): string {
    const it = this.state.iterate;
    if (!it) return '';
    if (!it.prompt.trim()) return t('Describe the change.');
    if (it.mode === 'inpaint' && this.maskPainted === 0) return t('Paint the area to repaint.');
    if (this.running) return t('Wait for the running request.');
    return '';
  }

  async sendEdit(): Promise<void> {
    const it = this.state.iterate;
    if (!it || this.editProblem) return;
    this.state.error = undefined;
    this.save();
    const mask = it.mode === 'inpaint' ? await this.readMask?.() : undefined;
    const partials = this.state.draft.partialImages;
    this.post({ type: 'edit', mode: it.mode, image: it.item.file, prompt: it.prompt, references: it.references, ...(mask ? { mask } : {}), quality: it.quality, n: it.n, ...(partials !== undefined ? { partialImages: partials } : {}) });
  }

  updateIterate(change: Partial<Iterate>): void {
    if (!this.state.iterate) return;
    this.state.iterate = { ...this.state.iterate, ...change };
    this.save();
  }

  openIterate(item: MockupItem, mode: 'refine' | 'inpaint'): void {
    const kept = this.state.iterate?.item.file === item.file ? this.state.iterate.prompt : '';
    this.state.iterate = { item, mode, prompt: kept, references: [], quality: this.state.draft.quality, n: 1 };
    this.state.view = 'create';
    this.maskPainted = 0;
    this.save();
    this.requestFocus('edit-prompt', 'iterate');
  }

  closeIterate(): void {
    this.state.iterate = undefined;
    this.pickingReferences = false;
    this.save();
  }

  cancel(): void {
    if (this.job && !this.job.done) this.post({ type: 'cancel', jobId: this.job.jobId });
  }

  /** Runs one of the banner's actions on the host; Retry clears the banner, as Generate does, while the request is sent again. */
  failureAction(action: FailureAction): void {
    const failure = this.state.error;
    if (!failure?.id) return;
    this.post({ type: 'failureAction', failure: failure.id, action });
    if (action !== 'retry') return;
    this.state.error = undefined;
    this.announcement = t('Sending the request again.');
    this.save();
    // The banner and its buttons are gone: keep the keyboard where the request is sent from.
    this.requestFocus(this.state.iterate ? 'send-edit' : 'generate');
  }

  dismissError(): void {
    this.state.error = undefined;
    this.save();
  }

  copyCode(file: string, language: CodeLanguage): void {
    this.requests.request({ type: 'copyCode', file, language }).then((answer) => {
      this.code = { language: answer.language, text: answer.text };
      this.requestFocus(undefined, 'code-text');
    }, ignoreFailed);
  }

  closeCode(): void {
    this.code = undefined;
    this.changed();
  }

  toggleCompare(file: string): void {
    const compared = this.state.compare.includes(file);
    this.state.compare = compared ? this.state.compare.filter((f) => f !== file) : [...this.state.compare, file].slice(-4);
    this.showCompare = this.state.compare.length >= 2;
    this.save();
  }

  setShowCompare(show: boolean): void {
    this.showCompare = show;
    this.changed();
  }

  /** Shows `file` large on the canvas (undefined: the whole set). */
  select(file: string | undefined): void {
    this.state.selected = file;
    this.save();
  }

  /** The lightbox over the Studio: one image of `set` large, the others a key away. */
  showLightbox(set: readonly MockupItem[], item: MockupItem): void {
    const labels = compareLabels(set, t);
    const images = set.map((m, i) => ({ uri: m.uri, label: labels[i] ?? m.name, name: m.name, alt: m.promptTyped ? t('Mockup: {0}', m.promptTyped.slice(0, 120)) : m.name }));
    this.lightbox = { images, index: Math.max(0, set.indexOf(item)), seq: (this.lightbox?.seq ?? 0) + 1 };
    this.changed();
  }

  /** A history image opened for editing: the host answers with its item and whether to inpaint. */
  openFromHistory(file: string): void {
    void this.requests.request({ type: 'select', file }).then((answer) => this.openIterate(answer.item, answer.focus), ignoreFailed);
  }

  /** Loads a mockup's settings into the composer. */
  applyReuse(item: MockupItem): void {
    const r = item.reuse ?? {};
    const d = this.state.draft;
    this.setDraft({
      prompt: r.prompt ?? d.prompt,
      template: r.template,
      locales: r.locales ?? [],
      sizes: r.sizes ?? d.sizes,
      quality: r.quality ?? d.quality,
      format: r.format ?? d.format,
      background: r.background ?? 'auto',
      n: r.n ?? 1,
      fit: r.fit ?? d.fit,
      ...(r.compression !== undefined ? { compression: r.compression } : {}),
    });
  }

  reuse(item: MockupItem): void {
    this.applyReuse(item);
    this.switchView('create');
    this.notice('info', t('Loaded the settings of {0}.', item.name));
    this.requestFocus('prompt');
  }

  regenerate(item: MockupItem): void {
    if (!item.reuse) return;
    this.applyReuse(item);
    this.generate();
  }

  notice(level: Notice['level'], message: string): void {
    const notice = { id: ++this.noticeId, level, message };
    // At most three at a time: a burst (for example of refused requests) must not cover the Studio.
    this.notices = [...this.notices, notice].slice(-3);
    this.changed();
    this.timers.setTimeout(() => {
      this.notices = this.notices.filter((n) => n !== notice);
      this.changed();
    }, 4000);
  }

  /** The Escape key: closes what is open, innermost first, or cancels the running job. */
  escape(): void {
    if (this.code) this.code = undefined;
    else if (this.showCompare) this.showCompare = false;
    else if (this.pickingReferences) this.pickingReferences = false;
    else if (this.pickingAnchor) this.pickingAnchor = false;
    else if (this.running) this.cancel();
    else if (this.state.selected && !this.state.iterate) this.state.selected = undefined;
    this.save();
  }

  // ---- messages from the host ----------------------------------------------------------------

  private setTile(request: number, variant: number, change: Partial<Tile>): void {
    if (!this.job) return;
    const key = tileKey(request, variant);
    this.job.tiles.set(key, { ...(this.job.tiles.get(key) ?? { state: 'waiting' }), ...change });
  }

  /** Marks the tiles not done as `state`, and those never reported as `unreported`. */
  private endTiles(state: TileState, unreported: TileState = state): void {
    const job = this.job;
    if (!job) return;
    for (const tile of job.tiles.values()) if (tile.state !== 'done') tile.state = state;
    for (let r = 0; r < job.requests.length; r++) for (let v = 1; v <= job.variants; v++) if (!job.tiles.has(tileKey(r, v))) this.setTile(r, v, { state: unreported });
  }

  /** Handles a message from the host. */
  receive(message: HostToWebview): void {
    if (this.requests.settle(message)) return;
    switch (message.type) {
      case 'init': {
        const first = !this.init;
        this.init = message;
        setBundle(message.l10n.bundle, message.l10n.language);
        this.requestPlan();
        // The filmstrip shows the history too.
        this.requestHistory();
        this.changed();
        if (first) this.afterPaint(() => this.post({ type: 'painted' }));
        return;
      }
      case 'jobStarted':
        this.job = { jobId: message.jobId, mode: message.mode, requests: [...message.requests], variants: message.variants, tiles: new Map(), status: t('Sending...'), started: performance.now(), done: false };
        this.announcement = message.mode === 'generate' ? t('Generating: {0} request(s).', message.requests.length) : t('Editing: {0} request(s).', message.requests.length);
        // The canvas shows the job's progress, then its results.
        if (message.mode === 'generate') this.state.selected = undefined;
        this.save();
        return;
      case 'progress':
        if (!this.job || this.job.jobId !== message.jobId) return;
        this.job.status = `${message.request + 1}/${this.job.requests.length}: ${message.message}`;
        if ((this.job.tiles.get(tileKey(message.request, message.variant))?.state ?? 'waiting') === 'waiting') this.setTile(message.request, message.variant, { state: 'streaming' });
        this.changed();
        return;
      case 'partial':
        if (!this.job || this.job.jobId !== message.jobId) return;
        this.setTile(message.request, message.variant, { state: 'streaming', preview: message.dataUrl, key: message.key, index: message.index });
        this.changed();
        return;
      case 'result':
        if (this.job && this.job.jobId === message.jobId) for (let v = 1; v <= this.job.variants; v++) this.setTile(message.request, v, { state: 'done' });
        this.state.results = [...message.items, ...this.state.results].slice(0, KEPT_RESULTS);
        if (this.state.iterate && message.items[0] && this.job?.mode !== 'generate') {
          this.state.iterate = { ...this.state.iterate, item: message.items[0], prompt: '' };
          this.maskPainted = 0;
        }
        this.announcement = t('{0} image(s) saved.', message.items.length);
        this.save();
        return;
      case 'jobFailed':
        this.state.error = message.error;
        if (this.job && this.job.jobId === message.jobId) {
          this.job.done = true;
          // The requests the failure stopped before they were sent: not "waiting" for ever.
          this.endTiles('failed', 'notSent');
          this.job.status = t('Failed');
        }
        this.announcement = t('Failed: {0}', message.error.message);
        this.save();
        // The banner holds the failure's actions: keep it in view.
        this.requestFocus(undefined, 'error-banner');
        return;
      case 'jobDone': {
        this.state.spentUsd = message.spentUsd;
        const job = this.job;
        if (job && job.jobId === message.jobId) {
          job.done = true;
          const took = formatMs(performance.now() - job.started);
          job.status = message.cancelled
            ? t('Cancelled; nothing more was written.')
            : message.costUsd !== undefined
              ? t('Done: {0} image(s) in {1}, {2}.', message.written, took, formatUsd(message.costUsd))
              : t('Done: {0} image(s) in {1}.', message.written, took);
          if (message.cancelled) this.endTiles('cancelled');
        }
        this.announcement = job?.status ?? '';
        this.requestHistory();
        this.save();
        return;
      }
      case 'selected':
        this.openIterate(message.item, message.focus);
        return;
      case 'notice':
        this.notice(message.level, message.message);
        return;
      case 'rejected':
        this.notice('error', t('The Studio refused a request: {0}', message.error));
        return;
    }
  }
}

/** A request the host could not answer: its reason arrives as a notice too. */
function ignoreFailed(): void {}
