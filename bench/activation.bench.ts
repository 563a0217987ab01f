/**
 * Activation in the real host (code-server's Node extension host), on the production build:
 * - the time from asking VS Code to activate the extension to `activate()` resolving (loading,
 *   evaluating and running the shell), and the JavaScript bytes of the extension evaluated by then;
 * - the first command's cost: loading dist/features.js (the rest of the extension) and running
 *   Show Log, with its bytes.
 * Each run starts a fresh host on an empty folder, so that nothing activates the extension before
 * the measurement. Run by `npm run bench activation`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { FoundryMockupsApi } from '../src/extension';

const RUNS = Number(process.env['BENCH_ACTIVATION_RUNS'] ?? 5);

/** Inside the extension host: one measurement, printed as a `[bench-run]` JSON line. */
export async function run(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode') as typeof vscodeTypes;
  const extension = vscode.extensions.getExtension<FoundryMockupsApi>('foundry-mockups.foundry-mockups');
  if (!extension) throw new Error('the extension is not loaded');
  if (extension.isActive) throw new Error('the extension was activated before the measurement');
  const started = performance.now();
  const api = await extension.activate();
  const activateMs = performance.now() - started;
  const bytes = (files: readonly string[]): number => files.reduce((sum, file) => sum + statSync(path.join(extension.extensionPath, file)).size, 0);
  const ours = (files: readonly string[]): string[] => files.filter((file) => file.startsWith('dist/'));
  const atActivation = ours(api.loadedAtActivation);

  const commandStarted = performance.now();
  await vscode.commands.executeCommand('foundryMockups.showLog');
  const firstCommandMs = performance.now() - commandStarted;
  const root = extension.extensionPath + path.sep;
  const afterCommand = ours(
    Object.keys(require.cache)
      .filter((file) => file.startsWith(root))
      .map((file) => file.slice(root.length)),
  );
  console.log(`[bench-run] ${JSON.stringify({ activateMs, insideActivateMs: api.activationMs, evaluationMs: api.evaluationMs, activationBytes: bytes(atActivation), atActivation, firstCommandMs, afterCommandBytes: bytes(afterCommand), afterCommand })}`);
}

interface RunResult {
  activateMs: number;
  insideActivateMs: number;
  evaluationMs: number;
  activationBytes: number;
  atActivation: string[];
  firstCommandMs: number;
  afterCommandBytes: number;
  afterCommand: string[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** In plain Node: a production build, then RUNS fresh hosts. */
async function main(): Promise<void> {
  const { REPO_ROOT, startHost } = await import('../test/host/host.js');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'esbuild.mjs'), '--production'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const results: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    let result: RunResult | undefined;
    const host = await startHost({
      extensionTestsPath: __filename,
      folder: mkdtempSync(path.join(os.tmpdir(), 'fm-bench-activation-')),
      onLog: (_type, text) => {
        const at = text.indexOf('[bench-run] ');
        if (at >= 0) result = JSON.parse(text.slice(at + '[bench-run] '.length)) as RunResult;
        else if (/error/i.test(text)) console.log(text);
      },
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const code = await Promise.race([host.testsExited, host.broken, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(124), 120_000)))]);
      if (code !== 0 || !result) throw new Error(`the activation benchmark failed (exit ${code})`);
      results.push(result);
    } finally {
      clearTimeout(timer);
      await host.close();
    }
  }
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
  const last = results[results.length - 1];
  const share = results.map((r) => r.evaluationMs + r.insideActivateMs);
  console.log(`[bench] activation, the extension's share (shell evaluated + activate() run, production build): median ${median(share).toFixed(2)} ms (evaluation ${median(results.map((r) => r.evaluationMs)).toFixed(3)} ms, activate() ${median(results.map((r) => r.insideActivateMs)).toFixed(2)} ms), n=${results.length}`);
  console.log(`[bench] activation as VS Code runs it (extension.activate() requested -> resolved, context and storage set up included): median ${median(results.map((r) => r.activateMs)).toFixed(1)} ms, min ${Math.min(...results.map((r) => r.activateMs)).toFixed(1)} ms`);
  console.log(`[bench] JavaScript evaluated at activation: ${kb(last.activationBytes)} (${last.atActivation.join(', ')})`);
  console.log(`[bench] first command (Show Log, loads the features): median ${median(results.map((r) => r.firstCommandMs)).toFixed(1)} ms; ${kb(last.afterCommandBytes)} loaded by then (${last.afterCommand.join(', ')})`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
