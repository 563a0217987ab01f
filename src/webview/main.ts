/**
 * The Studio webview app (browser bundle dist/webview.js): the store, the root component around it,
 * the host's messages into the store, and the ready handshake. Everything else is in the views
 * (src/webview/views/) and components (src/webview/components/).
 */
import type { HostToWebview } from '../studio/protocol';
import { displayLanguage, useEmbeddedBundle } from './l10n';
import { StudioStore, type VsCodeApi } from './store';
import { afterPaint } from './views/parts';
import type { FmStudio } from './views/studio';
import './views/studio';

declare function acquireVsCodeApi(): VsCodeApi;

const app = document.getElementById('app') as HTMLElement;
// The strings of the display language before anything renders (init brings them again).
useEmbeddedBundle(app.dataset.l10n);

// A page's request ids start from its load time (see RequestClient).
const store = new StudioStore(acquireVsCodeApi(), Math.floor(performance.timeOrigin) * 1000, afterPaint);

const root = document.createElement('fm-studio') as FmStudio;
root.store = store;
app.replaceChildren(root);
store.subscribe(() => {
  if (store.init) app.removeAttribute('aria-busy');
  document.documentElement.lang = displayLanguage();
});

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => store.receive(event.data));

window.addEventListener('keydown', (e) => {
  // A menu, the lightbox or the comparison that closed on this Escape has taken it.
  if (e.key === 'Escape' && !e.defaultPrevented) store.escape();
});

window.addEventListener('error', (e) => store.post({ type: 'log', level: 'error', message: `${e.message} at ${e.filename}:${e.lineno}`.slice(0, 4000) }));

store.post({ type: 'ready' });
