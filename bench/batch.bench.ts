/**
 * Batch runs against the emulator:
 * 1. Throughput under a quota (60 images per 2 s window): how full the run keeps each quota
 *    window (aim: at least 95%), with the scheduler pacing itself on the emulator's 429s.
 * 2. Memory of runs of 20, 100 and 300 images at 4K (3840x2160, cropped and resized from the
 *    generated size): live memory (heap + external after a collection) and max RSS. Live memory
 *    should not grow with the batch, because
 *    nothing of an image is kept once its files are written. Each runs in its own process.
 * Everything is bounded in time.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseBatch, runBatch, type Batch } from '../src/core/batch';
import { createFoundryClient } from '../src/core/foundry';
import { DEFAULT_PRICING } from '../src/core/pricing';
import { startEmulator, type Emulator } from '../test/emulator/server';

async function makeBatch(jobs: number, size: string, variantsPerAsset: number): Promise<{ batch: Batch; root: string }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-batch-bench-'));
  const file = path.join(root, 'bench.mockups.json');
  // One prompt for every asset: the emulator renders it once and serves it from its cache, so the
  // figures measure the batch runner, not the emulator's drawing.
  const assets = Array.from({ length: Math.ceil(jobs / variantsPerAsset) }, (_, i) => ({ id: `a${i}`, prompt: 'Dashboard of a logistics app', sizes: [size], variants: variantsPerAsset }));
  const text = JSON.stringify({ defaults: { quality: 'low' }, assets });
  await fs.writeFile(file, text);
  const parsed = parseBatch(text, { batchFile: file, root, model: 'gpt-image-2', fileExists: () => false, readText: () => undefined });
  if (!parsed.batch) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return { batch: { ...parsed.batch, jobs: parsed.batch.jobs.slice(0, jobs) }, root };
}

function options(emulator: Emulator, concurrency: number): Parameters<typeof runBatch>[1] {
  return {
    client: createFoundryClient({ endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: { kind: 'apiKey', apiKey: emulator.apiKey }, maxRetries: 0 }),
    connection: { deployment: emulator.deployment, model: 'gpt-image-2', endpointHost: new URL(emulator.endpoint).host, apiMode: 'v1' },
    pricing: DEFAULT_PRICING['gpt-image-2'],
    toolVersion: 'bench',
    concurrency,
    writeReport: false,
    signal: AbortSignal.timeout(120_000),
  };
}

async function throughput(): Promise<void> {
  const quota = { images: 60, windowMs: 2000 };
  const jobs = 360; // six windows' worth
  const emulator = await startEmulator({ quota });
  const { batch, root } = await makeBatch(jobs, '1024x1024', 10);
  try {
    const started = Date.now();
    const result = await runBatch(batch, options(emulator, 8));
    const elapsed = Date.now() - started;
    // Rebuild the emulator's fixed windows from the accepted requests: a window opens with the
    // first request after the previous one expired.
    const accepted = emulator.requests.filter((r) => r.status === 200).map((r) => r.receivedAt).sort((a, b) => a - b);
    const windows: number[] = [];
    let windowStart = -Infinity;
    for (const t of accepted) {
      if (t >= windowStart + quota.windowMs) {
        windowStart = t;
        windows.push(0);
      }
      windows[windows.length - 1]++;
    }
    const full = windows.slice(0, -1); // the last window only holds what was left
    const fill = full.reduce((s, n) => s + n, 0) / (full.length * quota.images);
    const throttled = emulator.requests.filter((r) => r.status === 429).length;
    console.log(`throughput: ${result.report.summary.done}/${jobs} images in ${(elapsed / 1000).toFixed(1)} s under a quota of ${quota.images} per ${quota.windowMs} ms`);
    console.log(`  images per quota window: ${windows.join(', ')}; full windows filled to ${(fill * 100).toFixed(1)}% of the quota (aim >= 95%)`);
    console.log(`  ${throttled} request(s) answered 429 (${((throttled / emulator.requests.length) * 100).toFixed(1)}% of ${emulator.requests.length}); effective ${(result.report.summary.done / (elapsed / 1000)).toFixed(1)} images/s vs quota ${(quota.images / (quota.windowMs / 1000)).toFixed(1)}/s`);
  } finally {
    await emulator.close();
    await fs.rm(root, { recursive: true, force: true });
  }
}

async function memoryChild(count: number): Promise<void> {
  const emulator = await startEmulator();
  const { batch, root } = await makeBatch(count, '3800x2100', 10);
  // Live memory: heap and external memory right after a full collection, sampled during the run.
  // Max RSS also counts garbage not yet collected, so it depends on when V8 collects.
  const gc = (globalThis as { gc?: () => void }).gc;
  let maxLiveMb = 0;
  const sampler = setInterval(() => {
    gc?.();
    const m = process.memoryUsage();
    maxLiveMb = Math.max(maxLiveMb, (m.heapUsed + m.external) / 1024 / 1024);
  }, 250);
  try {
    const started = Date.now();
    const result = await runBatch(batch, options(emulator, 2));
    const maxRssMb = process.resourceUsage().maxRSS / 1024;
    console.log(JSON.stringify({ count, done: result.report.summary.done, maxRssMb: Math.round(maxRssMb), maxLiveMb: Math.round(maxLiveMb), seconds: Math.round((Date.now() - started) / 100) / 10 }));
  } finally {
    clearInterval(sampler);
    await emulator.close();
    await fs.rm(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'memory') {
    await memoryChild(Number(process.argv[3]));
    return;
  }
  await throughput();
  const figures: Array<{ count: number; done: number; maxRssMb: number; maxLiveMb: number; seconds: number }> = [];
  for (const count of [20, 100, 300]) {
    const child = spawnSync(process.execPath, ['--expose-gc', __filename, 'memory', String(count)], { encoding: 'utf8', timeout: 240_000 });
    if (child.status !== 0) throw new Error(`memory run of ${count} failed: ${child.stderr}`);
    figures.push(JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as (typeof figures)[number]);
  }
  for (const f of figures) {
    console.log(`memory: ${f.done}/${f.count} images at 3800x2100 (generated 3840x2160) in ${f.seconds} s: live (heap + external after GC) at most ${f.maxLiveMb} MB, max RSS ${f.maxRssMb} MB`);
  }
  const [small, , large] = figures;
  const change = (a: number, b: number): string => `${b - a >= 0 ? '+' : ''}${b - a} MB`;
  console.log(`  300 images vs 20: live ${change(small.maxLiveMb, large.maxLiveMb)}, max RSS ${change(small.maxRssMb, large.maxRssMb)} (aim: live memory does not grow with the batch)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
