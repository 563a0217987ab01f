import * as vscode from 'vscode';
import { discoverDesignSystem, type DesignSummary, summarizeDesign } from '../core/design';
import { promptDesign, type PromptDesign } from '../core/generation';
import { affects, setting } from './settings';

/** What the workspace's design system is now, as the surfaces use and show it. */
export interface DesignState {
  /** The block and record sent with every prompt; absent when there is none (or nothing to send). */
  readonly design?: PromptDesign;
  /** Swatches and type samples for the Studio. */
  readonly summary?: DesignSummary;
  /** Why a pinned design system is not used, naming the setting. */
  readonly error?: string;
  /** The files discovery found, for the log. */
  readonly problems: readonly string[];
}

/**
 * Files whose change may change the design system (what discovery reads). One level of braces only:
 * VS Code's glob does not match nested groups, and a pattern with them silently matches nothing.
 */
const WATCHED = '**/{DESIGN.md,design.md,*.tokens,tailwind.config.*,*.css,style-guide.*,styleguide.*,brand-guide.*,*.json}';

/**
 * The workspace design system: discovered in the first workspace folder (or the file or folder the
 * `foundryMockups.styleGuide` setting pins), kept until a design file or the setting changes, so the
 * Studio can prepare on every keystroke without walking the workspace again.
 */
export class DesignSystemSource implements vscode.Disposable {
  private current: Promise<DesignState> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fired when the design system may have changed (the open Studio shows it again). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher(WATCHED);
    const invalidate = (): void => this.invalidate();
    this.disposables.push(
      watcher,
      watcher.onDidCreate(invalidate),
      watcher.onDidChange(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affects(event, 'styleGuide')) invalidate();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(invalidate),
      this.changed,
    );
  }

  get(): Promise<DesignState> {
    return (this.current ??= this.discover());
  }

  invalidate(): void {
    if (!this.current) return;
    this.current = undefined;
    this.changed.fire();
  }

  private async discover(): Promise<DesignState> {
    const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
    if (!root) return { problems: [] };
    const pinned = setting('styleGuide');
    const pinnedBy = vscode.l10n.t('the setting foundryMockups.styleGuide');
    try {
      const found = await discoverDesignSystem(root, { ...(pinned ? { pinned } : {}), pinnedBy });
      const problems = found.problems.map((p) => p.text);
      for (const problem of problems) this.log.warn(`Design system: ${problem}`);
      if (!found.context) {
        const error = pinned ? (found.problems.find((p) => p.severity === 'error')?.text ?? vscode.l10n.t('{0} holds no design system.', pinned)) : undefined;
        return { problems, ...(error ? { error } : {}) };
      }
      const design = promptDesign(found.context, found.problems.filter((p) => p.severity === 'warning'));
      if (design) this.log.info(`Design system: ${design.file} (${design.kind}, sha256 ${design.sha256.slice(0, 12)}), ${design.text.length} characters with every prompt.`);
      return { ...(design ? { design } : {}), summary: summarizeDesign(found.context), problems };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn(`Design system: ${message}`);
      return { problems: [message], ...(pinned ? { error: message } : {}) };
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
