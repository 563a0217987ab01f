import * as vscode from 'vscode';

/**
 * Runs `task` under a cancellable progress notification; the notification's Cancel button aborts
 * the AbortSignal handed to the task (and so the HTTP request).
 */
export function withCancellableProgress<T>(title: string, task: (progress: vscode.Progress<{ message?: string; increment?: number }>, signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      return await task(progress, controller.signal);
    } finally {
      subscription.dispose();
    }
  });
}
