import { randomBytes, randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SIDECAR_SUFFIX } from '../core/assets/sidecar';
import { isCovered, withFoldersOf } from '../core/studio/resourceRoots';
import type { KeptFailure } from '../host/failure';
import type { Services } from '../host/services';
import { outputFolder } from '../host/settings';
import { IMAGE_GLOB, resolveWorkspacePath } from '../host/workspace';
import { dispatch, type Handlers } from './dispatch';
import { initMessage, selectImage, studioHandlers } from './handlers';
import { HistoryIndex, workspaceRelative } from './history';
import { type HostToWebview, type InitMessage, parseWebviewMessage, type ParseContext, STUDIO_VIEW_TYPE, type WebviewL10n, type WebviewToHost } from './protocol';
import type { StudioMetrics, StudioSession } from './session';
import { webviewL10n } from './webviewL10n';

export { MAX_PARTIAL_DATA_URL_CHARS } from './handlers/compose';

/** Failed jobs kept for their banner's actions (Retry sends the kept request again). */
const MAX_KEPT_FAILURES = 5;

/** What tests and the benchmark can observe of the open Studio (see FoundryMockupsApi.studio). */
export interface StudioProbe {
  /** Messages posted to the webview, in order (partial image data elided). */
  readonly posted: HostToWebview[];
  /** Messages received from the webview that passed validation. */
  readonly received: WebviewToHost[];
  /** Why each rejected message was rejected. */
  readonly rejected: string[];
  readonly metrics: StudioMetrics;
  /** Handles `raw` exactly as if the webview had posted it (for the hostile-message test). */
  receive(raw: unknown): Promise<void>;
  readonly panel: vscode.WebviewPanel;
  /** Whether the page is ready for messages (false while it reloads with wider resource roots). */
  isReady(): boolean;
}

export interface ShowOptions {
  /** An image to open for refining (the explorer's Open in Studio). */
  readonly select?: vscode.Uri;
  /** performance.now() when the open command started, for the first-paint measurement. */
  readonly openedAt?: number;
}

/**
 * The Studio's panel: its lifecycle, its page and CSP, the resource roots images load from, and
 * the message pump (validate with the protocol's schemas, then dispatch to one handler per kind,
 * src/studio/handlers/). It implements the session the handlers use.
 */
export class StudioPanel implements StudioProbe, StudioSession {
  static current: StudioPanel | undefined;

  readonly posted: HostToWebview[] = [];
  readonly received: WebviewToHost[] = [];
  readonly rejected: string[] = [];
  readonly metrics: StudioMetrics = { marks: {}, partialToDisplayMs: [] };
  readonly history = new HistoryIndex();
  readonly partialArrivals = new Map<string, number>();
  readonly openedAt: number | undefined;

  private ready = false;
  private disposed = false;
  private readonly queue: HostToWebview[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private readonly jobs = new Map<number, AbortController>();
  private jobSeq = 0;
  /** Failed jobs the banner can act on, oldest first (an edit's request holds its mask: only a few). */
  private readonly failures = new Map<string, KeptFailure>();
  /** Images the Studio posted to the webview (absolute paths, as given and as resolved). */
  private readonly shown = new Set<string>();
  private readonly handlers: Handlers;
  private readonly parseContext: ParseContext = { resolvePath: (p) => resolveWorkspacePath(p).absolute };
  /** The workspace folders the webview may load images from. */
  private imageFolders: string[] = [];
  /** Folders of the workspace's images found after the first paint and not allowed yet (see allowFoldersOf). */
  private foundFolders: string[] = [];
  private imageFoldersSearched = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** What the jobs since the panel opened cost, in USD. */
  private spentUsd = 0;
  /** Counts the `init` reads started by changes; only the latest is posted. */
  private refreshGeneration = 0;
  /**
   * `init` read while the webview loads (presets, the design system's discovery), for its first
   * ready: the host's reads overlap the page's load instead of following its handshake. Dropped
   * when a setting, the presets or the design system change before that ready.
   */
  private initAhead: Promise<InitMessage> | undefined;

  static show(services: Services, options: ShowOptions = {}): StudioPanel {
    const existing = StudioPanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Active);
      if (options.select) void existing.selectImage(options.select.fsPath, 'refine');
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(STUDIO_VIEW_TYPE, vscode.l10n.t('Mockup Studio'), vscode.ViewColumn.Active, StudioPanel.webviewOptions(services, []));
    const studio = new StudioPanel(services, panel, { openedAt: options.openedAt, ...(options.select ? { showing: [options.select.fsPath] } : {}) });
    if (options.select) void studio.selectImage(options.select.fsPath, 'refine');
    return studio;
  }

  /** Restores the panel VS Code kept across a window reload (the WebviewPanelSerializer). */
  static revive(services: Services, panel: vscode.WebviewPanel): StudioPanel {
    StudioPanel.current?.panel.dispose();
    panel.webview.options = StudioPanel.webviewOptions(services, []);
    return new StudioPanel(services, panel, { restoring: true });
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

  private constructor(
    readonly services: Services,
    readonly panel: vscode.WebviewPanel,
    start: { openedAt?: number; showing?: readonly string[]; restoring?: boolean },
  ) {
    StudioPanel.current = this;
    this.openedAt = start.openedAt;
    this.metrics.marks.opened = start.openedAt;
    this.handlers = studioHandlers(this);
    this.initAhead = initMessage(services);
    // Read again on ready if this read fails; its error is logged then.
    this.initAhead.catch(() => undefined);
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'icon.png');
    // The resource roots are settled before the page loads: changing them later reloads it.
    if (start.restoring) {
      // The page VS Code hands back shows what it showed before the reload, from any folder: its
      // roots are the folders of the workspace's images, found first.
      this.imageFoldersSearched = true;
      void this.workspaceImageFolders().then(
        (folders) => {
          if (this.disposed) return;
          this.imageFolders = withFoldersOf(folders, this.outputFolderProbe());
          panel.webview.options = StudioPanel.webviewOptions(services, this.imageFolders);
          this.setHtml();
        },
        (error: unknown) => {
          services.log.warn(`Studio: could not list the workspace's images: ${String(error)}`);
          if (!this.disposed) this.setHtml();
        },
      );
    } else {
      // A new page shows no image before it asks for one: it loads at once, allowed the output
      // folder (and the image it opens with). The folders of the workspace's other images are
      // searched for after its first paint (the search would slow the page's load) and allowed
      // together when the Studio first shows an image outside the roots.
      this.imageFolders = withFoldersOf([], [...this.outputFolderProbe(), ...(start.showing ?? [])]);
      panel.webview.options = StudioPanel.webviewOptions(services, this.imageFolders);
      this.setHtml();
    }
    const presetsFile = vscode.workspace.createFileSystemWatcher('**/.vscode/mockups.json');
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden the webview is torn down when hidden; it says ready again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
      // Live settings: the connection, presets and design system as they are now; the app keeps what was composed.
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('foundryMockups')) this.refresh();
      }),
      services.design.onDidChange(() => this.refresh()),
      presetsFile,
      presetsFile.onDidChange(() => this.refresh()),
      presetsFile.onDidCreate(() => this.refresh()),
      presetsFile.onDidDelete(() => this.refresh()),
    );
  }

  /** Once, after the first paint: the folders of the workspace's images, to allow with the first image outside the roots. */
  private searchImageFolders(): void {
    if (this.imageFoldersSearched) return;
    this.imageFoldersSearched = true;
    void this.workspaceImageFolders().then(
      (folders) => {
        this.foundFolders = folders.filter((folder) => !isCovered(this.imageFolders, folder));
      },
      (error: unknown) => this.services.log.warn(`Studio: could not list the workspace's images: ${String(error)}`),
    );
  }

  /** The folders of the workspace's images (up to 2,000 images). */
  private async workspaceImageFolders(): Promise<string[]> {
    const images = await vscode.workspace.findFiles(IMAGE_GLOB, '**/node_modules/**', 2000);
    return withFoldersOf([], images.map((uri) => uri.fsPath));
  }

  /** A file in the output folder (where generated images land), to allow that folder; none without one in the workspace. */
  private outputFolderProbe(): string[] {
    try {
      return [path.join(resolveWorkspacePath(outputFolder()).absolute, 'x.png')];
    } catch {
      // no workspace folder, or an output folder outside it: nothing to allow
      return [];
    }
  }

  /** Sends `init` again (coalescing a burst of changes) so the open Studio shows the current settings. */
  private refresh(): void {
    this.initAhead = undefined;
    if (this.disposed || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.disposed || !this.ready) return;
      // Reads overlap when changes come close together; only the latest one started is shown, so a
      // slower read of the state before a change can never replace the state after it.
      const generation = ++this.refreshGeneration;
      void initMessage(this.services).then(
        (init) => {
          if (generation === this.refreshGeneration && !this.disposed) this.post(init);
        },
        (error: unknown) => this.services.log.warn(`Studio: could not read the changed settings: ${String(error)}`),
      );
    }, 100);
  }

  private dispose(): void {
    this.disposed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const job of this.jobs.values()) job.abort();
    this.jobs.clear();
    this.failures.clear();
    for (const d of this.disposables) d.dispose();
    if (StudioPanel.current === this) StudioPanel.current = undefined;
  }

  /** Sets the page, with the strings for the display language (cached after the first read). */
  private setHtml(): void {
    void webviewL10n(this.services).then((l10n) => {
      if (this.disposed) return;
      this.panel.webview.html = this.html(l10n);
      this.metrics.marks.html ??= performance.now();
    });
  }

  /** The page; `l10n` is embedded too, so that what the app builds before `init` arrives is in the display language. */
  private html(l10n: WebviewL10n): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const ext = this.services.context.extensionUri;
    const script = webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'studio.css'));
    const codicons = webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'codicon.css'));
    const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data: blob:`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `font-src ${webview.cspSource}`].join('; ');
    return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${codicons.toString()}">
<title>${escapeHtml(vscode.l10n.t('Mockup Studio'))}</title>
</head>
<body>
<div id="app" aria-busy="true" data-l10n="${escapeHtml(JSON.stringify(l10n))}"><p class="loading">${escapeHtml(vscode.l10n.t('Loading the Studio...'))}</p></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  // --- the session the handlers use -------------------------------------------------------------

  /** Posts now when the webview is ready, else after its ready handshake. Partial previews are dropped while it is not. */
  post(message: HostToWebview): void {
    this.posted.push(message.type === 'partial' ? { ...message, dataUrl: `<${message.dataUrl.length} chars>` } : message);
    if (this.posted.length > 500) this.posted.splice(0, this.posted.length - 500);
    if (this.disposed) return;
    if (!this.ready) {
      // What the next page needs is kept; previews and progress are out of date by then, and an
      // answer belongs to the page that asked, which is gone (the next one starts its ids again).
      if (message.type !== 'partial' && message.type !== 'progress' && !('id' in message && message.id !== undefined)) this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  spend(usd: number): number {
    if (Number.isFinite(usd) && usd > 0) this.spentUsd += usd;
    return this.spentUsd;
  }

  isReady(): boolean {
    return this.ready;
  }

  initForReady(): Promise<InitMessage> {
    const ahead = this.initAhead;
    this.initAhead = undefined;
    return ahead?.catch(() => initMessage(this.services)) ?? initMessage(this.services);
  }

  async becomeReady(init: HostToWebview): Promise<void> {
    this.ready = true;
    this.posted.push(init);
    this.metrics.marks.init ??= performance.now();
    await this.panel.webview.postMessage(init);
    for (const queued of this.queue.splice(0)) void this.panel.webview.postMessage(queued);
  }

  imageUri(absolute: string): string {
    this.allowFoldersOf([absolute]);
    this.shown.add(path.resolve(absolute));
    try {
      this.shown.add(resolveWorkspacePath(absolute).absolute);
    } catch {
      // shown by the path it was given only
    }
    return this.panel.webview.asWebviewUri(vscode.Uri.file(absolute)).toString();
  }

  async designSha256(): Promise<string | undefined> {
    return (await this.services.design.get().catch(() => undefined))?.design?.sha256;
  }

  wasShown(absolute: string): boolean {
    const image = absolute.endsWith(SIDECAR_SUFFIX) ? absolute.slice(0, -SIDECAR_SUFFIX.length) : absolute;
    return this.shown.has(path.resolve(image));
  }

  canLoad(absolute: string): boolean {
    return isCovered(this.imageFolders, absolute);
  }

  /**
   * Lets the webview load `files`: their folders are added to its resource roots when they are not
   * covered yet. Changing the roots reloads the webview's content (VS Code has no other way), so it
   * happens at most once for the folders of the images the workspace held when the Studio opened
   * (they come along with the first one shown once they are found), and then only for a new
   * folder; the app restores
   * its state and says ready again, and messages wait for that.
   */
  allowFoldersOf(files: readonly string[]): void {
    if (files.every((file) => this.canLoad(file))) return;
    // The folders found at open come along, so that this is the only reload they cause.
    this.imageFolders = withFoldersOf([...this.imageFolders, ...this.foundFolders], files);
    this.foundFolders = [];
    this.services.log.info(`Studio: images may now load from ${this.imageFolders.map((f) => workspaceRelative(f) || '.').join(', ')}.`);
    this.ready = false;
    this.panel.webview.options = StudioPanel.webviewOptions(this.services, this.imageFolders);
  }

  startJob(): { jobId: number; signal: AbortSignal } {
    const jobId = ++this.jobSeq;
    const controller = new AbortController();
    this.jobs.set(jobId, controller);
    return { jobId, signal: controller.signal };
  }

  cancelJob(jobId: number): void {
    this.jobs.get(jobId)?.abort();
  }

  endJob(jobId: number): void {
    this.jobs.delete(jobId);
  }

  keepFailure(failure: KeptFailure): string {
    const id = randomUUID();
    this.failures.set(id, failure);
    while (this.failures.size > MAX_KEPT_FAILURES) this.failures.delete(this.failures.keys().next().value as string);
    return id;
  }

  keptFailure(id: string): KeptFailure | undefined {
    return this.failures.get(id);
  }

  forgetFailure(id: string): void {
    this.failures.delete(id);
  }

  // --- messages ---------------------------------------------------------------------------------

  async receive(raw: unknown): Promise<void> {
    if (this.disposed) return;
    const parsed = parseWebviewMessage(raw, this.parseContext);
    if (!parsed.ok) {
      this.rejected.push(parsed.error);
      this.services.log.warn(`Studio: rejected a message from the webview: ${parsed.error}`);
      if (this.ready) void this.panel.webview.postMessage({ type: 'rejected', error: parsed.error } satisfies HostToWebview);
      return;
    }
    const message = parsed.value;
    if (message.type === 'ready') this.metrics.marks.ready ??= performance.now();
    if (message.type === 'painted') this.searchImageFolders();
    this.received.push(message.type === 'edit' && message.mask ? { ...message, mask: `<${message.mask.length} chars>` } : message);
    if (this.received.length > 500) this.received.splice(0, this.received.length - 500);
    try {
      await dispatch(this.handlers, message, (answer) => this.post(answer));
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      this.services.log.error(`Studio: ${message.type} failed: ${text}`);
      this.post({ type: 'notice', level: 'error', message: text });
    }
  }

  /** Shows an image ready to refine or inpaint (the explorer's Open in Studio). */
  selectImage(file: string, focus: 'refine' | 'inpaint'): Promise<void> {
    return selectImage(this, file, focus);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
