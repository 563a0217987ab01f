/**
 * Keeps the Problems panel up to date for batch files (`*.mockups.json`): on open, edit (after a
 * short pause), save, and when a file changes on disk (a file watcher). The activation shell
 * starts it when a batch file is open or in the workspace.
 */
import * as vscode from 'vscode';
import type { Services } from '../host/services';
import type { BatchDiagnostics } from './diagnostics';

const EDIT_DELAY_MS = 300;

export function isBatchFile(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && uri.path.toLowerCase().endsWith('.mockups.json');
}

export function startBatchDiagnostics(services: Services): void {
  const subscriptions = services.context.subscriptions;
  let diagnostics: Promise<BatchDiagnostics> | undefined;
  const get = (): Promise<BatchDiagnostics> =>
    (diagnostics ??= import('./diagnostics.js').then(({ BatchDiagnostics }) => {
      const created = new BatchDiagnostics(services);
      subscriptions.push(created);
      return created;
    }));
  const timers = new Map<string, NodeJS.Timeout>();
  const check = (uri: vscode.Uri, delay = 0): void => {
    if (!isBatchFile(uri)) return;
    const key = uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
        void get()
          .then((d) => d.update(uri, open?.getText()))
          .catch((error: unknown) => services.log.warn(`Checking ${uri.fsPath} failed: ${String(error)}`));
      }, delay),
    );
  };

  subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => check(d.uri)),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document.uri, EDIT_DELAY_MS)),
    vscode.workspace.onDidSaveTextDocument((d) => check(d.uri)),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.mockups.json');
  subscriptions.push(
    watcher,
    watcher.onDidCreate((uri) => check(uri)),
    watcher.onDidChange((uri) => check(uri, EDIT_DELAY_MS)),
    watcher.onDidDelete((uri) => void diagnostics?.then((d) => d.delete(uri))),
  );
  // Batch files already open when this started (the one whose opening started it among them):
  // their open event came before the listener.
  for (const document of vscode.workspace.textDocuments) check(document.uri);
  // Batch files that are not open still get their problems listed (workspaceContains activation).
  void vscode.workspace.findFiles('**/*.mockups.json', '**/node_modules/**', 200).then(
    (uris) => uris.forEach((uri) => check(uri)),
    () => undefined,
  );
}
