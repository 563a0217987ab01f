/**
 * The Studio webview app (browser bundle dist/webview.js). It talks to the extension host only
 * through the typed protocol in src/studio/protocol.ts and starts with the ready handshake.
 */
import type { HostToWebview, WebviewToHost } from '../studio/protocol';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const message = event.data;
  if (message.type === 'init') {
    const status = document.getElementById('status');
    if (status) status.textContent = `Foundry Mockups ${message.version}`;
  }
});

vscode.postMessage({ type: 'ready' });
