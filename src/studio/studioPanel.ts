import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type ReadyConnection, connect, NotConnectedError, readConnectionSettings } from '../connection';
import { writeGroupAtomic } from '../core/assets/atomicWrite';
import { isFoundryError, readImageInfo } from '../core/foundry';
import { createMockups, type InputFile, type MockupRequest, type WrittenMockup } from '../core/mockups';
import { estimateCost, formatUsd, resolvePricing } from '../core/pricing';
import { composePrompt, LOCALES, parseStyleGuide, requireLocale, type StyleGuide, TEMPLATES } from '../core/prompts';
import type { PresetCatalogue } from '../core/sizes/designSystem';
import { planSize, type SizePlan } from '../core/sizes/planner';
import { presetPixels } from '../core/sizes/presets';
import { formatSize, isModelFamily, type ModelFamily } from '../core/sizes/rules';
import { pixelTarget } from '../core/sizes/target';
import { filterHistory, historyFacets } from '../core/studio/history';
import { decodeBase64, maskProblem } from '../core/studio/mask';
import { isCovered, withFoldersOf } from '../core/studio/resourceRoots';
import { editStem } from '../core/assets/naming';
import { assertNoSecret, requestAsCode, type RequestSpec } from '../core/studio/requestCode';
import { confirmSpend } from '../commands/shared/confirmSpend';
import { planAll } from '../commands/shared/generation';
import { loadPresets } from '../presetSource';
import type { Services } from '../services';
import { findWorkspaceImages, IMAGE_GLOB, resolveWorkspacePath } from '../workspace';
import { HistoryIndex, toItem, workspaceAbsolute, workspaceRelative } from './history';
import {
  type Draft,
  type FailureInfo,
  type HostToWebview,
  MAX_LOCALES,
  MAX_SIZES,
  MAX_VARIANTS,
  type MockupItem,
  parseWebviewMessage,
  type SizePlanInfo,
  STUDIO_VIEW_TYPE,
  type WebviewToHost,
} from './protocol';

/** Partial images larger than this (as a data URL) are not forwarded to the webview. */
export const MAX_PARTIAL_DATA_URL_CHARS = 16 * 1024 * 1024;
const STYLE_GUIDE_SETTING = 'styleGuide';

/** What tests and the benchmark can observe of the open Studio (see FoundryMockupsApi.studio). */
export interface StudioProbe {
  /** Messages posted to the webview, in order (partial image data elided). */
  readonly posted: HostToWebview[];
  /** Messages received from the webview that passed validation. */
  readonly received: WebviewToHost[];
  /** Why each rejected message was rejected. */
  readonly rejected: string[];
  readonly metrics: { openToPaintMs?: number; readonly partialToDisplayMs: number[] };
  /** Handles `raw` exactly as if the webview had posted it (for the hostile-message test). */
  receive(raw: unknown): Promise<void>;
  readonly panel: vscode.WebviewPanel;
}

interface Job {
  readonly controller: AbortController;
}

export interface ShowOptions {
  /** An image to open for refining (the explorer's Open in Studio). */
  readonly select?: vscode.Uri;
  /** performance.now() when the open command started, for the first-paint measurement. */
  readonly openedAt?: number;
}

export class StudioPanel implements StudioProbe {
  static current: StudioPanel | undefined;

  readonly posted: HostToWebview[] = [];
  readonly received: WebviewToHost[] = [];
  readonly rejected: string[] = [];
  readonly metrics: { openToPaintMs?: number; partialToDisplayMs: number[] } = { partialToDisplayMs: [] };

  private ready = false;
  private readonly queue: HostToWebview[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly partialArrivals = new Map<string, number>();
  private readonly history = new HistoryIndex();
  private jobSeq = 0;
  private openedAt: number | undefined;

  static show(services: Services, options: ShowOptions = {}): StudioPanel {
    const existing = StudioPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      if (options.select) void existing.selectImage(options.select.fsPath, 'refine');
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(STUDIO_VIEW_TYPE, vscode.l10n.t('Mockup Studio'), vscode.ViewColumn.Active, StudioPanel.webviewOptions(services, []));
    const studio = new StudioPanel(services, panel, options.openedAt);
    if (options.select) void studio.selectImage(options.select.fsPath, 'refine');
    return studio;
  }

  /** Restores the panel VS Code kept across a window reload (the WebviewPanelSerializer). */
  static revive(services: Services, panel: vscode.WebviewPanel): StudioPanel {
    StudioPanel.current?.panel.dispose();
    panel.webview.options = StudioPanel.webviewOptions(services, []);
    return new StudioPanel(services, panel, undefined);
  }

  /**
   * Scripts only; resources only from the extension's dist and media folders and `folders`: the
   * workspace folders that hold the images the Studio shows (see `allowFoldersOf`), never the
   * whole workspace, so its other files stay out of the webview's reach.
   */
  static webviewOptions(services: Services, folders: readonly string[]): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    const ext = services.context.extensionUri;
    return {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(ext, 'dist'), vscode.Uri.joinPath(ext, 'media'), ...folders.map((folder) => vscode.Uri.file(folder))],
    };
  }

  /** The workspace folders the webview may load images from. */
  private imageFolders: string[] = [];

  /**
   * Lets the webview load `files`: their folders are added to its resource roots when they are not
   * covered yet. Changing the roots reloads the webview's content (VS Code has no other way), so it
   * happens only for a folder that was not there when the Studio opened; the app restores its
   * state and says ready again, and messages wait for that.
   */
  private allowFoldersOf(files: readonly string[]): void {
    if (files.every((file) => isCovered(this.imageFolders, file))) return;
    this.imageFolders = withFoldersOf(this.imageFolders, files);
    this.services.log.info(`Studio: images may now load from ${this.imageFolders.map((f) => workspaceRelative(f) || '.').join(', ')}.`);
    this.ready = false;
    this.panel.webview.options = StudioPanel.webviewOptions(this.services, this.imageFolders);
  }

  /** The webview URI of a workspace image, its folder allowed first. */
  private imageUri(absolute: string): string {
    this.allowFoldersOf([absolute]);
    return this.panel.webview.asWebviewUri(vscode.Uri.file(absolute)).toString();
  }

  /** The folders of the workspace's images and the output folder, found before the Studio's page loads. */
  private async initialFolders(): Promise<string[]> {
    const images = await vscode.workspace.findFiles(IMAGE_GLOB, '**/node_modules/**', 2000);
    let output: string[] = [];
    try {
      output = [path.join(resolveWorkspacePath(vscode.workspace.getConfiguration('foundryMockups').get<string>('outputFolder', 'mockups') || 'mockups').absolute, 'x.png')];
    } catch {
      // no workspace folder, or an output folder outside it: nothing to allow
    }
    return withFoldersOf([], [...images.map((uri) => uri.fsPath), ...output]);
  }

  private constructor(
    private readonly services: Services,
    readonly panel: vscode.WebviewPanel,
    openedAt: number | undefined,
  ) {
    StudioPanel.current = this;
    this.openedAt = openedAt;
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'icon.png');
    // The resource roots are settled before the page loads: changing them later reloads it.
    void this.initialFolders().then(
      (folders) => {
        if (this.disposed) return;
        this.imageFolders = folders;
        panel.webview.options = StudioPanel.webviewOptions(services, folders);
        panel.webview.html = this.html();
      },
      (error: unknown) => {
        services.log.warn(`Studio: could not list the workspace's images: ${String(error)}`);
        if (!this.disposed) panel.webview.html = this.html();
      },
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden the webview is torn down when hidden; it says ready again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private disposed = false;

  private dispose(): void {
    this.disposed = true;
    for (const job of this.jobs.values()) job.controller.abort();
    this.jobs.clear();
    for (const d of this.disposables) d.dispose();
    if (StudioPanel.current === this) StudioPanel.current = undefined;
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const ext = this.services.context.extensionUri;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'studio.css'));
    const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data: blob:`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `font-src ${webview.cspSource}`].join('; ');
    return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${escapeHtml(vscode.l10n.t('Mockup Studio'))}</title>
</head>
<body>
<div id="app" aria-busy="true"><p class="loading">${escapeHtml(vscode.l10n.t('Loading the Studio...'))}</p></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  /** Posts now when the webview is ready, else after its ready handshake. Partial previews are dropped while it is not. */
  private post(message: HostToWebview): void {
    this.posted.push(message.type === 'partial' ? { ...message, dataUrl: `<${message.dataUrl.length} chars>` } : message);
    if (this.posted.length > 500) this.posted.splice(0, this.posted.length - 500);
    if (this.disposed) return;
    if (!this.ready) {
      if (message.type !== 'partial' && message.type !== 'progress') this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  async receive(raw: unknown): Promise<void> {
    if (this.disposed) return;
    const parsed = parseWebviewMessage(raw, { resolvePath: (p) => resolveWorkspacePath(p).absolute });
    if (!parsed.ok) {
      this.rejected.push(parsed.error);
      this.services.log.warn(`Studio: rejected a message from the webview: ${parsed.error}`);
      if (this.ready) void this.panel.webview.postMessage({ type: 'rejected', error: parsed.error } satisfies HostToWebview);
      return;
    }
    const message = parsed.value;
    this.received.push(message.type === 'edit' && message.mask ? { ...message, mask: `<${message.mask.length} chars>` } : message);
    if (this.received.length > 500) this.received.splice(0, this.received.length - 500);
    try {
      await this.dispatch(message);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.services.log.error(`Studio: ${message.type} failed: ${text}`);
      this.post({ type: 'notice', level: 'error', message: text });
    }
  }

  private async dispatch(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready': {
        const init = await this.init();
        this.ready = true;
        this.posted.push(init);
        await this.panel.webview.postMessage(init);
        for (const queued of this.queue.splice(0)) void this.panel.webview.postMessage(queued);
        return;
      }
      case 'painted':
        if (this.openedAt !== undefined && this.metrics.openToPaintMs === undefined) {
          this.metrics.openToPaintMs = performance.now() - this.openedAt;
          this.services.log.info(`Studio: first paint ${this.metrics.openToPaintMs.toFixed(0)} ms after the open command.`);
        }
        return;
      case 'log':
        this.services.log[message.level](`Studio webview: ${message.message}`);
        return;
      case 'plan':
        this.post(await this.plan(message.seq, message.draft));
        return;
      case 'generate':
        await this.generate(message.draft);
        return;
      case 'cancel':
        this.jobs.get(message.jobId)?.controller.abort();
        return;
      case 'edit':
        await this.edit(message);
        return;
      case 'listImages':
        this.post({ type: 'images', items: await this.workspaceImages() });
        return;
      case 'history': {
        const entries = await this.history.entries();
        const matching = filterHistory(entries, message.query).slice(0, 200);
        const byFile = new Map(entries.map((e) => [e.file, e]));
        const items = matching.map((e) => {
          const chain: Array<MockupItem['chain'][number]> = [];
          for (let at: string | undefined = e.file, i = 0; at && i < 20; i++) {
            const step = byFile.get(at);
            if (!step) break;
            chain.unshift({ file: step.file, operation: step.operation ?? 'generate', prompt: step.promptTyped ?? '' });
            at = step.parentFile;
          }
          return toItem(this.imageUri(workspaceAbsolute(e.file)), workspaceAbsolute(e.file), e, chain);
        });
        this.post({ type: 'history', entries: items, total: entries.length, facets: historyFacets(entries) });
        return;
      }
      case 'select':
        await this.selectImage(message.file, 'refine');
        return;
      case 'openFile':
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(message.file), { viewColumn: vscode.ViewColumn.Beside, preview: true });
        return;
      case 'reveal':
        await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(message.file));
        return;
      case 'copyPrompt': {
        const entry = await this.history.entryOf(message.file);
        if (!entry?.promptTyped) throw new Error(vscode.l10n.t('{0} has no sidecar with a prompt.', path.basename(message.file)));
        await vscode.env.clipboard.writeText(entry.promptTyped);
        this.post({ type: 'notice', level: 'info', message: vscode.l10n.t('Prompt copied.') });
        return;
      }
      case 'copyCode': {
        const code = await this.requestCode(message.file, message.language);
        this.post({ type: 'code', language: message.language, text: code });
        await vscode.env.clipboard.writeText(code).then(undefined, () => this.post({ type: 'notice', level: 'error', message: vscode.l10n.t('The code could not be copied to the clipboard; select it in the Studio instead.') }));
        return;
      }
      case 'partialShown': {
        const arrived = this.partialArrivals.get(message.key);
        if (arrived !== undefined) {
          this.partialArrivals.delete(message.key);
          this.metrics.partialToDisplayMs.push(performance.now() - arrived);
          if (this.metrics.partialToDisplayMs.length > 1000) this.metrics.partialToDisplayMs.shift();
        }
        return;
      }
      case 'openStyleGuideSetting':
        await vscode.commands.executeCommand('workbench.action.openSettings', `foundryMockups.${STYLE_GUIDE_SETTING}`);
        return;
    }
  }

  private version(): string {
    const version = (this.services.context.extension.packageJSON as { version?: unknown }).version;
    return typeof version === 'string' ? version : '0.0.0';
  }

  private model(): { model: ModelFamily; deployment: string; connected: boolean; problem?: string } {
    const read = readConnectionSettings();
    if ('settings' in read) return { model: read.settings.model, deployment: read.settings.deployment, connected: true };
    const configured = vscode.workspace.getConfiguration('foundryMockups').get<string>('model', 'gpt-image-2');
    return { model: isModelFamily(configured) ? configured : 'gpt-image-2', deployment: '', connected: false, problem: read.problems[0]?.message };
  }

  private async init(): Promise<HostToWebview> {
    const { model, deployment, connected, problem } = this.model();
    const catalogue = await loadPresets(this.services);
    const guide = await this.readStyleGuide().then(
      (g) => (g ? { file: g.file, text: g.text, warnings: g.warnings } : undefined),
      (error: unknown) => ({ file: this.styleGuideSetting(), error: error instanceof Error ? error.message : String(error), warnings: [] }),
    );
    const version = this.version();
    return {
      type: 'init',
      version,
      model,
      deployment,
      connected,
      ...(problem ? { connectionProblem: problem } : {}),
      presets: catalogue.presets.map((p) => {
        const px = presetPixels(p);
        return { id: p.id, name: p.name, group: p.group, css: `${p.width}x${p.height}@${p.density}x`, pixels: `${px.width}x${px.height}` };
      }),
      templates: TEMPLATES.map((t) => ({ id: t.id, name: t.name, description: t.description, fields: t.fields.map((f) => ({ id: f.id, label: f.label, example: f.example, required: f.required === true })) })),
      locales: LOCALES.map((l) => ({ tag: l.tag, englishName: l.englishName, nativeName: l.nativeName, direction: l.direction })),
      limits: { promptMax: 32_000, promptWarn: 4_000, maxSizes: MAX_SIZES, maxLocales: MAX_LOCALES, maxVariants: MAX_VARIANTS },
      ...(guide ? { styleGuide: guide } : {}),
      outputFolder: vscode.workspace.getConfiguration('foundryMockups').get<string>('outputFolder', 'mockups') || 'mockups',
    };
  }

  private styleGuideSetting(): string {
    return vscode.workspace.getConfiguration('foundryMockups').get<string>(STYLE_GUIDE_SETTING, '').trim();
  }

  /** The workspace style guide of the `foundryMockups.styleGuide` setting; undefined when none is set. */
  private async readStyleGuide(): Promise<StyleGuide | undefined> {
    const setting = this.styleGuideSetting();
    if (!setting) return undefined;
    const where = resolveWorkspacePath(setting);
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(where.absolute));
    } catch {
      throw new Error(vscode.l10n.t('The style guide {0} (setting foundryMockups.styleGuide) cannot be read.', where.relative));
    }
    return parseStyleGuide(new TextDecoder().decode(bytes.slice(0, 256 * 1024)), where.relative);
  }

  private async plan(seq: number, draft: Draft): Promise<HostToWebview> {
    const { model } = this.model();
    const catalogue = await loadPresets(this.services);
    const sizes = draft.sizes.length ? draft.sizes : ['auto'];
    const plans: Array<SizePlan | undefined> = [];
    const infos: SizePlanInfo[] = sizes.map((size) => {
      try {
        const plan = planAll([size], catalogue, model, draft.fit)[0];
        plans.push(plan);
        return { size, ok: true, target: plan.target === 'auto' ? 'auto' : formatSize(plan.target), generation: plan.generation === 'auto' ? 'auto' : formatSize(plan.generation), explanation: plan.explanation, warnings: plan.warnings };
      } catch (error) {
        plans.push(undefined);
        return { size, ok: false, target: error instanceof Error ? error.message : String(error), generation: '', explanation: '', warnings: [] };
      }
    });
    let guide: StyleGuide | undefined;
    try {
      guide = await this.readStyleGuide();
    } catch {
      guide = undefined; // shown by init; generation reports it
    }
    const locales = draft.locales.length ? draft.locales : [undefined];
    const composed = [];
    let error: string | undefined;
    for (const tag of locales) {
      try {
        const c = composePrompt({ text: draft.prompt, ...(draft.template ? { template: draft.template } : {}), ...(guide ? { styleGuide: guide } : {}), ...(tag ? { locale: requireLocale(tag), verbatim: draft.verbatim[tag] ?? [] } : {}) });
        composed.push({ ...(tag ? { locale: tag } : {}), parts: c.parts, sentChars: c.sent.length });
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    const pricing = resolvePricing(model, vscode.workspace.getConfiguration('foundryMockups').get('pricing'));
    let estimateUsd = 0;
    for (const plan of plans) {
      if (!plan) continue;
      for (const c of composed) estimateUsd += estimateCost({ model, size: plan.generation, quality: draft.quality, n: draft.n, promptChars: c.sentChars, partialImages: draft.partialImages }, pricing).usd;
    }
    const requests = plans.filter(Boolean).length * locales.length;
    return { type: 'planned', seq, sizes: infos, composed, requests, images: requests * draft.n, estimateUsd, ...(error ? { error } : {}) };
  }

  private startJob(): { jobId: number; signal: AbortSignal } {
    const jobId = ++this.jobSeq;
    const controller = new AbortController();
    this.jobs.set(jobId, { controller });
    return { jobId, signal: controller.signal };
  }

  private async generate(draft: Draft): Promise<void> {
    const { jobId, signal } = this.startJob();
    try {
      const connection = await connect(this.services);
      const catalogue: PresetCatalogue = await loadPresets(this.services);
      const guide = await this.readStyleGuide();
      const plans = planAll(draft.sizes.length ? draft.sizes : ['auto'], catalogue, connection.settings.model, draft.fit);
      const locales = draft.locales.length ? draft.locales.map(requireLocale) : [undefined];
      const requests: MockupRequest[] = [];
      const labels: string[] = [];
      for (const plan of plans) {
        for (const locale of locales) {
          const composed = composePrompt({ text: draft.prompt, ...(draft.template ? { template: draft.template } : {}), ...(guide ? { styleGuide: guide } : {}), ...(locale ? { locale, verbatim: draft.verbatim[locale.tag] ?? [] } : {}) });
          requests.push({
            promptTyped: composed.typed,
            promptSent: composed.sent,
            ...(draft.template ? { template: draft.template } : {}),
            ...(locale ? { locale: locale.tag } : {}),
            ...(guide ? { styleGuide: guide.file } : {}),
            plan,
            folder: draft.folder,
            quality: draft.quality,
            n: draft.n,
            outputFormat: draft.format,
            ...(draft.format === 'jpeg' && draft.compression !== undefined ? { outputCompression: draft.compression } : {}),
            ...(draft.background !== 'auto' ? { background: draft.background } : {}),
            ...(draft.partialImages ? { partialImages: draft.partialImages } : {}),
            sizeInName: true,
          });
          labels.push(`${plan.target === 'auto' ? 'auto' : formatSize(plan.target)}${plan.target !== 'auto' && plan.target.presetId ? ` (${plan.target.presetId})` : ''}${locale ? ` · ${locale.tag}` : ''}`);
        }
      }
      const estimate = requests.reduce(
        (sum, r) => sum + estimateCost({ model: connection.settings.model, size: r.plan.generation, quality: draft.quality, n: draft.n, promptChars: r.promptSent.length, partialImages: draft.partialImages }, connection.pricing).usd,
        0,
      );
      const confirmed = await confirmSpend(
        this.services,
        estimate,
        vscode.l10n.t('This request is estimated to cost about {0}.', formatUsd(estimate)),
        vscode.l10n.t('{0} request(s) x {1} variant(s) at {2} quality.', requests.length, draft.n, draft.quality),
        vscode.l10n.t('Generate'),
      );
      if (!confirmed) {
        this.post({ type: 'jobDone', jobId, cancelled: true, written: 0 });
        return;
      }
      this.post({ type: 'jobStarted', jobId, mode: 'generate', requests: labels, variants: draft.n });
      await this.run(jobId, signal, connection, requests);
    } catch (error) {
      this.fail(jobId, error);
    } finally {
      this.jobs.delete(jobId);
      this.history.invalidate();
    }
  }

  private async edit(message: Extract<WebviewToHost, { type: 'edit' }>): Promise<void> {
    const { jobId, signal } = this.startJob();
    try {
      const connection = await connect(this.services);
      const image = await readInput(message.image);
      const info = readImageInfo(image.bytes);
      if (!info) throw new Error(vscode.l10n.t('{0} is not a PNG or JPEG image.', image.file));
      const references = await Promise.all(message.references.map((r) => readInput(r)));
      const folder = path.dirname(message.image);
      const stem = editStem(message.image);
      let mask: InputFile | undefined;
      if (message.mask !== undefined) {
        const bytes = decodeBase64(message.mask);
        const problem = maskProblem(bytes, info);
        if (problem) throw new MaskError(problem);
        // Kept beside the image so that the sidecar's lineage names a file that exists.
        const written = await writeGroupAtomic(folder, `${stem}-mask`, (candidate) => [{ name: `${candidate}.png`, bytes }]);
        mask = { bytes, file: workspaceRelative(written.files[0]) };
      }
      const plan = planSize(pixelTarget(info.width, info.height), connection.settings.model);
      const request: MockupRequest = {
        promptTyped: message.prompt,
        promptSent: message.prompt,
        plan,
        folder,
        name: `${stem}-${message.mode === 'inpaint' ? 'inpainted' : 'refined'}`,
        sizeInName: false,
        outputFormat: info.contentType === 'image/jpeg' ? 'jpeg' : 'png',
        quality: message.quality,
        n: message.n,
        ...(message.partialImages ? { partialImages: message.partialImages } : {}),
        edit: { image, references, ...(mask ? { mask } : {}) },
      };
      const pricing = connection.pricing;
      const estimate = estimateCost({ model: connection.settings.model, size: plan.generation, quality: message.quality, n: message.n, promptChars: message.prompt.length, partialImages: message.partialImages, inputImagePixels: [info.width * info.height] }, pricing).usd;
      const confirmed = await confirmSpend(
        this.services,
        estimate,
        vscode.l10n.t('This request is estimated to cost about {0}.', formatUsd(estimate)),
        vscode.l10n.t('An edit of {0}, {1} variant(s).', image.file, message.n),
        vscode.l10n.t('Generate'),
      );
      if (!confirmed) {
        this.post({ type: 'jobDone', jobId, cancelled: true, written: 0 });
        return;
      }
      this.post({ type: 'jobStarted', jobId, mode: message.mode, requests: [`${message.mode === 'inpaint' ? 'Inpaint' : 'Refine'} ${path.basename(message.image)}`], variants: message.n });
      await this.run(jobId, signal, connection, [request]);
    } catch (error) {
      this.fail(jobId, error);
    } finally {
      this.jobs.delete(jobId);
      this.history.invalidate();
    }
  }

  /** Sends the requests one after another, forwarding previews, results and progress. */
  private async run(jobId: number, signal: AbortSignal, connection: ReadyConnection, requests: readonly MockupRequest[]): Promise<void> {
    let written = 0;
    let cost = 0;
    let costKnown = true;
    const version = this.version();
    for (const [index, request] of requests.entries()) {
      let variant = 0;
      this.post({ type: 'progress', jobId, request: index, variant: 1, message: vscode.l10n.t('Sending {0}', request.plan.explanation) });
      const outcome = await createMockups(request, {
        client: connection.client,
        connection: connection.info,
        pricing: connection.pricing,
        toolVersion: version,
        signal,
        onPartialImage: (partial) => {
          if (partial.index === 0) variant++;
          const v = Math.max(1, variant);
          const key = `${jobId}-${index}-${v}-${partial.index}`;
          this.post({ type: 'progress', jobId, request: index, variant: v, message: vscode.l10n.t('Preview {0} of variant {1}', partial.index + 1, v) });
          if (!this.ready) return;
          const dataUrl = `data:image/${partial.format === 'jpeg' ? 'jpeg' : partial.format};base64,${Buffer.from(partial.bytes).toString('base64')}`;
          if (dataUrl.length > MAX_PARTIAL_DATA_URL_CHARS) return;
          this.partialArrivals.set(key, performance.now());
          if (this.partialArrivals.size > 100) this.partialArrivals.delete(this.partialArrivals.keys().next().value as string);
          this.post({ type: 'partial', jobId, key, request: index, variant: v, index: partial.index, dataUrl });
        },
      });
      for (const warning of outcome.warnings) this.services.log.warn(warning);
      this.services.log.info(`Studio request ${outcome.requestId ?? '(no id)'}: ${request.plan.explanation} x${outcome.mockups.length} in ${Math.round(outcome.durationMs)} ms.`);
      written += outcome.mockups.length;
      if (outcome.costUsd !== undefined) cost += outcome.costUsd;
      else costKnown = false;
      this.post({ type: 'result', jobId, request: index, items: await Promise.all(outcome.mockups.map((m) => this.itemOf(m))) });
    }
    this.post({ type: 'jobDone', jobId, cancelled: false, written, ...(costKnown ? { costUsd: Math.round(cost * 1e6) / 1e6 } : {}) });
  }

  private async itemOf(mockup: WrittenMockup): Promise<MockupItem> {
    const entry = await this.history.entryOf(mockup.file);
    return toItem(this.imageUri(mockup.file), mockup.file, entry, await this.history.chainOf(mockup.file));
  }

  private fail(jobId: number, error: unknown): void {
    if (isFoundryError(error) && error.kind === 'cancelled') {
      this.post({ type: 'jobDone', jobId, cancelled: true, written: 0 });
      return;
    }
    const info: FailureInfo = {
      message: error instanceof Error ? error.message : String(error),
      kind: isFoundryError(error) ? error.kind : error instanceof NotConnectedError ? 'notConnected' : error instanceof MaskError ? 'mask' : 'error',
      ...(isFoundryError(error) && error.requestId ? { requestId: error.requestId } : {}),
    };
    this.services.log.error(`Studio: ${info.message}${info.requestId ? ` (request id ${info.requestId})` : ''}`);
    this.post({ type: 'jobFailed', jobId, error: info });
  }

  async selectImage(file: string, focus: 'refine' | 'inpaint'): Promise<void> {
    const absolute = resolveWorkspacePath(file).absolute;
    if (!/\.(png|jpe?g)$/i.test(absolute)) throw new Error(vscode.l10n.t('{0} is not a PNG or JPEG image.', path.basename(absolute)));
    const entry = await this.history.entryOf(absolute);
    let item = toItem(this.imageUri(absolute), absolute, entry, await this.history.chainOf(absolute));
    if (!entry) {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(absolute));
      const info = readImageInfo(bytes);
      if (info) item = { ...item, width: info.width, height: info.height, sizeLabel: `${info.width}x${info.height}` };
    }
    this.post({ type: 'selected', item, focus });
  }

  private async workspaceImages(): Promise<Array<{ file: string; uri: string }>> {
    // Masks the Studio saved beside their images are not pictures to pick.
    const found = (await findWorkspaceImages(500)).filter((uri) => !/-mask(-\d+)?\.png$/i.test(uri.fsPath));
    this.allowFoldersOf(found.map((uri) => uri.fsPath));
    return found
      .map((uri) => ({ file: workspaceRelative(uri.fsPath), uri: this.imageUri(uri.fsPath) }))
      .sort((a, b) => a.file.localeCompare(b.file));
  }

  private async requestCode(file: string, language: Parameters<typeof requestAsCode>[0]): Promise<string> {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(`${file}.mockup.json`)).then(undefined, () => new Uint8Array()));
    let sidecar: { prompt?: { sent?: unknown }; request?: Record<string, unknown>; lineage?: { parent?: { file?: unknown }; references?: Array<{ file?: unknown }>; mask?: { file?: unknown } } };
    try {
      sidecar = JSON.parse(text) as typeof sidecar;
    } catch {
      throw new Error(vscode.l10n.t('{0} has no sidecar describing its request.', path.basename(file)));
    }
    const read = readConnectionSettings();
    if (!('settings' in read)) throw new Error(vscode.l10n.t('Configure the connection first: the code names your endpoint and deployment.'));
    const { settings } = read;
    const request = sidecar.request ?? {};
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
    const edit = request.operation === 'edit';
    const spec: RequestSpec = {
      endpoint: settings.endpoint,
      deployment: settings.deployment,
      apiMode: settings.apiMode,
      ...(settings.apiVersion ? { apiVersion: settings.apiVersion } : {}),
      operation: edit ? 'edit' : 'generate',
      prompt: str(sidecar.prompt?.sent) ?? '',
      size: str(request.size) ?? 'auto',
      ...(str(request.quality) ? { quality: str(request.quality) } : {}),
      ...(num(request.n) !== undefined ? { n: 1 } : {}),
      ...(str(request.outputFormat) ? { outputFormat: str(request.outputFormat) } : {}),
      ...(num(request.outputCompression) !== undefined ? { outputCompression: num(request.outputCompression) } : {}),
      ...(str(request.background) ? { background: str(request.background) } : {}),
      ...(edit
        ? {
            images: [str(sidecar.lineage?.parent?.file), ...(sidecar.lineage?.references ?? []).map((r) => str(r.file))].filter((f): f is string => !!f),
            ...(str(sidecar.lineage?.mask?.file) ? { mask: str(sidecar.lineage?.mask?.file) } : {}),
          }
        : {}),
    };
    const key = await Promise.resolve(this.services.apiKeys.get()).catch(() => undefined);
    return assertNoSecret(requestAsCode(language, spec), [key]);
  }
}

class MaskError extends Error {
  override readonly name = 'MaskError';
}

async function readInput(absolute: string): Promise<InputFile> {
  if (!/\.(png|jpe?g)$/i.test(absolute)) throw new Error(vscode.l10n.t('{0} is not a PNG or JPEG image: edits take only png, jpg or jpeg files.', path.basename(absolute)));
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(absolute));
  return { bytes, file: workspaceRelative(absolute) };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
