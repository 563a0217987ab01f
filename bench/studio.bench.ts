/**
 * The Studio's responsiveness in the real host (code-server + headless Chromium):
 * - open command -> the webview's first paint (its `painted` message after the ready handshake),
 *   for a fresh panel each time;
 * - a streamed partial image's arrival in the extension host -> the webview's acknowledgement that
 *   it is displayed (img loaded and a frame painted), over the emulator's streaming.
 * Run by `npm run bench` (plain Node): it starts the host with this same file as the extension
 * tests entry; inside the extension host `run()` measures and prints `[bench]` lines.
 */
import type * as vscodeTypes from 'vscode';
import type { FoundryMockupsApi } from '../src/extension';
import type { StudioOpenMarks } from '../src/studio/session';

const OPEN_RUNS = Number(process.env['BENCH_STUDIO_OPENS'] ?? 7);
const STREAM_RUNS = Number(process.env['BENCH_STUDIO_STREAMS'] ?? 4);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summary(label: string, values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `[bench] ${label}: median ${median(values).toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (n=${values.length})`;
}

async function until<T>(fn: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = fn();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error('bench: timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const STEPS = ['command', 'page', 'webview', 'init', 'paint', 'total'] as const;
type Step = (typeof STEPS)[number];

/**
 * Where an open's time went, from the panel's marks (all on the extension host's clock):
 * command: executeCommand -> the open command runs (the first time: loading dist/features.js);
 * page: -> the page is handed to the webview; webview: -> its script ran and said ready (the
 * workbench creating the iframe, loading webview.js and studio.css); init: -> `init` posted (what
 * the host still read after ready); paint: -> the webview painted it; total: executeCommand -> paint.
 */
function breakdown(invoked: number, marks: StudioOpenMarks): Record<Step, number> {
  const at = (mark: keyof StudioOpenMarks): number => marks[mark] ?? Number.NaN;
  return {
    command: at('opened') - invoked,
    page: at('html') - at('opened'),
    webview: at('ready') - at('html'),
    init: at('init') - at('ready'),
    paint: at('painted') - at('init'),
    total: at('painted') - invoked,
  };
}

/** Inside the extension host: the measurements. */
export async function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof vscodeTypes;
  const { startEmulator } = await import('../test/emulator/server.js');
  const extension = vscode.extensions.getExtension<FoundryMockupsApi>('foundry-mockups.foundry-mockups');
  if (!extension) throw new Error('the extension is not loaded');
  const api = await extension.activate();

  const opens: number[] = [];
  const steps: Array<Record<Step, number>> = [];
  for (let i = 0; i < OPEN_RUNS; i++) {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until(() => api.studio.current() === undefined || undefined, 10_000).catch(() => undefined);
    const invoked = performance.now();
    await vscode.commands.executeCommand('foundryMockups.openStudio');
    const probe = await until(() => api.studio.current());
    opens.push(await until(() => probe.metrics.openToPaintMs));
    steps.push(breakdown(invoked, probe.metrics.marks));
  }
  console.log(summary('open command -> first paint', opens));
  console.log(`[bench] first open (cold webview): ${opens[0].toFixed(0)} ms; later opens median ${median(opens.slice(1)).toFixed(0)} ms`);
  const line = (values: Record<Step, number>): string => STEPS.map((step) => `${step} ${values[step].toFixed(0)}`).join(', ');
  console.log(`[bench] first open, by step (ms): ${line(steps[0])}`);
  const later = Object.fromEntries(STEPS.map((step) => [step, median(steps.slice(1).map((s) => s[step]))])) as Record<Step, number>;
  console.log(`[bench] later opens, by step (median ms): ${line(later)}`);

  const emulator = await startEmulator({ apiKey: 'bench-key-0123456789abcdef0123', streamIntervalMs: 40 });
  try {
    await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: 'apiKey' });
    await vscode.commands.executeCommand('foundryMockups.setApiKey', emulator.apiKey);
    await vscode.workspace.getConfiguration('foundryMockups').update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
    const probe = await until(() => api.studio.current());
    for (let i = 0; i < STREAM_RUNS; i++) {
      const mark = probe.posted.length;
      await probe.receive({
        type: 'generate',
        draft: { prompt: `Bench dashboard ${i}`, locales: [], verbatim: {}, sizes: ['1024x1024'], quality: 'low', format: 'png', background: 'auto', n: 1, fit: 'cover', partialImages: 3, folder: 'mockups/bench' },
      });
      await until(() => probe.posted.slice(mark).some((m) => m.type === 'jobDone' || m.type === 'jobFailed'), 60_000);
    }
    await new Promise((r) => setTimeout(r, 300));
    const shown = probe.metrics.partialToDisplayMs;
    if (shown.length === 0) throw new Error('no partial image was acknowledged by the webview');
    console.log(summary('partial image arrival (host) -> displayed (webview ack), 1024x1024 PNG', shown));
  } finally {
    await emulator.close();
  }
}

/** In plain Node (`npm run bench`): start the host with this file as the tests entry. */
async function main(): Promise<void> {
  const { startHost } = await import('../test/host/host.js');
  const host = await startHost({
    extensionTestsPath: __filename,
    onLog: (_type, text) => {
      if (text.includes('[bench]') || /error/i.test(text)) console.log(text.replace(/^.*?\[bench\]/, '[bench]'));
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([host.testsExited, host.broken, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(124), 300_000)))]);
    if (code !== 0) throw new Error(`the Studio benchmark failed (exit ${code})`);
  } finally {
    clearTimeout(timer);
    await host.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
