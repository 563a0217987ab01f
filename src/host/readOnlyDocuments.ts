import * as vscode from 'vscode';

/** The URI scheme of the documents the extension shows read-only (the batch estimate). */
export const READ_ONLY_SCHEME = 'foundry-mockups';
/** Documents kept for their previews (the last ones shown; each is a few KB of Markdown). */
const MAX_DOCUMENTS = 20;

/**
 * Read-only virtual documents: text a command shows (a Markdown estimate and its preview)
 * without an Untitled document, so nothing is dirty and closing asks nothing. Registered by the
 * activation shell (src/extension.ts) and handed to the features; the texts live for the session.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Sets the text at `path` and returns its URI; a document or preview open there shows the new text. */
  show(path: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path: path.startsWith('/') ? path : `/${path}` });
    const key = uri.toString();
    const had = this.texts.delete(key);
    this.texts.set(key, text);
    while (this.texts.size > MAX_DOCUMENTS) this.texts.delete(this.texts.keys().next().value as string);
    if (had) this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    // After a window reload VS Code may restore a preview whose text was not kept.
    return this.texts.get(uri.toString()) ?? vscode.l10n.t('This document was shown by Foundry Mockups in an earlier session; run the command again.');
  }

  dispose(): void {
    this.changed.dispose();
    this.texts.clear();
  }
}
