import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sidecarFileName } from '../core/assets/sidecar';
import { isFoundryError, readImageInfo } from '../core/foundry';
import { type GenerationEnv, type GenerationInput, type InputFile, prepareGeneration, type PreparedGeneration, runGeneration, type WrittenMockup } from '../core/generation';
import { LOCALES, TEMPLATES } from '../core/prompts';
import { presetPixels } from '../core/sizes/presets';
import { filterHistory, historyEntryOf, historyFacets } from '../core/studio/history';
import { decodeBase64 } from '../core/studio/mask';
import { isCovered, withFoldersOf } from '../core/studio/resourceRoots';
import { assertNoSecret, requestAsCode, type RequestSpec } from '../core/studio/requestCode';
import { type ModelFamily, PROMPT_MAX_CHARS, PROMPT_WARN_CHARS } from '../core/vocabulary';
import { confirmEstimate } from '../host/confirmSpend';
import { configuredModel, configuredPricing, connect, NotConnectedError, readConnectionSettings, type ReadyConnection } from '../host/connection';
import { generationEnv, requireSendable } from '../host/generation';
import { loadPresets } from '../host/presets';
import { type Services, toolVersion } from '../host/services';
import { outputFolder, setting } from '../host/settings';
import { findWorkspaceImages, IMAGE_GLOB, readWorkspaceFile, resolveWorkspacePath } from '../host/workspace';
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
        await vscode.commands.executeCommand('workbench.action.openSettings', 'foundryMockups.styleGuide');
        return;
    }
  }

  private model(): { model: ModelFamily; deployment: string; connected: boolean; problem?: string } {
    const read = readConnectionSettings();
    if ('settings' in read) return { model: read.settings.model, deployment: read.settings.deployment, connected: true };
    return { model: configuredModel(), deployment: '', connected: false, problem: read.problems[0]?.message };
  }

  private async init(): Promise<HostToWebview> {
    const { model, deployment, connected, problem } = this.model();
    const catalogue = await loadPresets(this.services);
    const state = await this.services.design.get();
    const guide = state.design
      ? { file: state.design.file, text: state.design.text, warnings: state.design.warnings }
      : state.error
        ? { file: setting('styleGuide'), error: state.error, warnings: [] }
        : undefined;
    return {
      type: 'init',
      version: toolVersion(this.services),
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
      limits: { promptMax: PROMPT_MAX_CHARS, promptWarn: PROMPT_WARN_CHARS, maxSizes: MAX_SIZES, maxLocales: MAX_LOCALES, maxVariants: MAX_VARIANTS },
      ...(guide ? { styleGuide: guide } : {}),
      outputFolder: outputFolder(),
    };
  }

  /** The use case's input for what the user composed. */
  private draftInput(draft: Draft): GenerationInput {
    const folder = resolveWorkspacePath(draft.folder, 'write');
    return {
      prompt: draft.prompt,
      ...(draft.template ? { template: draft.template } : {}),
      locales: draft.locales,
      verbatim: draft.verbatim,
      sizes: draft.sizes.length ? draft.sizes : ['auto'],
      fit: draft.fit,
      quality: draft.quality,
      n: draft.n,
      format: draft.format,
      ...(draft.format === 'jpeg' && draft.compression !== undefined ? { compression: draft.compression } : {}),
      background: draft.background,
      ...(draft.partialImages !== undefined ? { partialImages: draft.partialImages } : {}),
      folder: folder.absolute,
      folderRelative: folder.relative,
      sizeInName: true,
    };
  }

  /** The environment of the use case; a style guide that cannot be read is shown by init and left out here. */
  private async env(model: ModelFamily): Promise<GenerationEnv> {
    return generationEnv(this.services, model).catch(async () => ({ model, catalogue: await loadPresets(this.services), pricing: configuredPricing(model) }));
  }

  private async plan(seq: number, draft: Draft): Promise<HostToWebview> {
    const { model } = this.model();
    let prepared: PreparedGeneration;
    try {
      prepared = prepareGeneration(this.draftInput(draft), await this.env(model));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { type: 'planned', seq, sizes: [], composed: [], requests: 0, images: 0, missing: message, previewsUsd: 0, previewsPerImage: 0, summary: message, warnings: [], error: message };
    }
    const sizes: SizePlanInfo[] = prepared.plans.map((p) =>
      p.ok ? { ...p.info, ok: true } : { size: p.text, ok: false, target: p.problem, generation: '', badge: '', explanation: '', warnings: [] },
    );
    const composed = prepared.composed.map((c) => ({ ...(c.locale ? { locale: c.locale } : {}), parts: c.parts, sentChars: c.sent.length }));
    const { estimate } = prepared;
    const promptProblem = prepared.problems.find((p) => !prepared.plans.some((plan) => !plan.ok && plan.problem === p));
    return {
      type: 'planned',
      seq,
      sizes,
      composed,
      requests: estimate.requests,
      images: estimate.images,
      ...(estimate.usd !== undefined ? { estimateUsd: estimate.usd } : {}),
      ...(estimate.missing ? { missing: estimate.missing } : {}),
      previewsUsd: estimate.previewsUsd,
      previewsPerImage: estimate.previewsPerImage,
      summary: estimate.summary,
      warnings: prepared.warnings,
      ...(promptProblem ? { error: promptProblem } : {}),
    };
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
      const prepared = prepareGeneration(this.draftInput(draft), await generationEnv(this.services, connection.settings.model));
      requireSendable(prepared);
      if (!(await confirmEstimate(this.services, prepared.estimate, vscode.l10n.t('Generate')))) {
        this.post({ type: 'jobDone', jobId, cancelled: true, written: 0 });
        return;
      }
      this.post({ type: 'jobStarted', jobId, mode: 'generate', requests: prepared.requests.map((r) => r.label), variants: draft.n });
      await this.run(jobId, signal, connection, prepared);
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
      const references = await Promise.all(message.references.map((r) => readInput(r)));
      const parent = await this.history.sidecarOf(message.image);
      const folder = resolveWorkspacePath(path.dirname(message.image), 'write');
      const prepared = prepareGeneration(
        {
          prompt: message.prompt,
          quality: message.quality,
          n: message.n,
          ...(message.partialImages !== undefined ? { partialImages: message.partialImages } : {}),
          folder: folder.absolute,
          folderRelative: folder.relative,
          inpaintSeam: setting('inpaintSeam'),
          edit: {
            mode: message.mode,
            image,
            references,
            // A painted mask is written beside the result only once the service has answered.
            ...(message.mask !== undefined ? { mask: { painted: true, bytes: decodeBase64(message.mask) } } : {}),
            ...(parent ? { parent } : {}),
          },
        },
        await generationEnv(this.services, connection.settings.model),
      );
      if (prepared.problems.length > 0) throw new MaskError(prepared.problems.join(' '));
      if (!(await confirmEstimate(this.services, prepared.estimate, vscode.l10n.t('Generate')))) {
        this.post({ type: 'jobDone', jobId, cancelled: true, written: 0 });
        return;
      }
      this.post({ type: 'jobStarted', jobId, mode: message.mode, requests: [`${message.mode === 'inpaint' ? 'Inpaint' : 'Refine'} ${path.basename(message.image)}`], variants: message.n });
      await this.run(jobId, signal, connection, prepared);
    } catch (error) {
      this.fail(jobId, error);
    } finally {
      this.jobs.delete(jobId);
      this.history.invalidate();
    }
  }

  /** Runs the use case, forwarding its previews, progress, retries and results to the webview. */
  private async run(jobId: number, signal: AbortSignal, connection: ReadyConnection, prepared: PreparedGeneration): Promise<void> {
    let written = 0;
    // Results are posted in order, and all of them before the job's end (also when a later request fails).
    let posting = Promise.resolve();
    const result = await runGeneration(prepared, { client: connection.client, connection: connection.info, pricing: connection.pricing, toolVersion: toolVersion(this.services), signal }, (event) => {
      switch (event.type) {
        case 'requestStarted':
          this.post({ type: 'progress', jobId, request: event.index, variant: 1, message: vscode.l10n.t('Sending {0}', event.request.plan.explanation) });
          return;
        case 'partial': {
          const key = `${jobId}-${event.index}-${event.variant}-${event.partialIndex}`;
          this.post({ type: 'progress', jobId, request: event.index, variant: event.variant, message: vscode.l10n.t('Preview {0} of variant {1}', event.partialIndex + 1, event.variant) });
          if (!this.ready) return;
          const dataUrl = `data:image/${event.format === 'jpeg' ? 'jpeg' : event.format};base64,${Buffer.from(event.bytes).toString('base64')}`;
          if (dataUrl.length > MAX_PARTIAL_DATA_URL_CHARS) return;
          this.partialArrivals.set(key, performance.now());
          if (this.partialArrivals.size > 100) this.partialArrivals.delete(this.partialArrivals.keys().next().value as string);
          this.post({ type: 'partial', jobId, key, request: event.index, variant: event.variant, index: event.partialIndex, dataUrl });
          return;
        }
        case 'retrying':
          this.services.log.info(`Studio: ${event.message}`);
          this.post({ type: 'progress', jobId, request: event.index, variant: 1, message: event.message });
          return;
        case 'requestDone':
          for (const warning of event.outcome.warnings) this.services.log.warn(warning);
          this.services.log.info(`Studio: ${event.log}`);
          written += event.outcome.mockups.length;
          posting = posting.then(async () => this.post({ type: 'result', jobId, request: event.index, items: await Promise.all(event.outcome.mockups.map((m) => this.itemOf(m))) }));
          return;
      }
    }).finally(() => posting);
    this.post({ type: 'jobDone', jobId, cancelled: false, written, ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}) });
  }

  private async itemOf(mockup: WrittenMockup): Promise<MockupItem> {
    const entry = historyEntryOf(mockup.sidecar, workspaceRelative(sidecarFileName(mockup.file)));
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
  const { path: where, bytes } = await readWorkspaceFile(absolute);
  return { bytes, file: where.relative };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
