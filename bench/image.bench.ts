/**
 * Image processing benchmark: decode + plan steps + encode, wasm-vips (what the product ships)
 * against sharp (native libvips, a dev dependency used only here) in the same run.
 * Cases: 3840x2160 -> 1920x1080 PNG, and 1184x2544 -> 1170x2532 PNG (the iPhone 14 plan).
 * Inputs are synthetic UI screenshots with gradients and noise (not flat colours).
 * Prints the first call and the median of several runs in ms, and peak RSS, for each library.
 */
import sharp from 'sharp';
import { applyPlan, shutdownImageEngine } from '../src/core/image/index';
import { loadVips } from '../src/core/image/engine';
import { renderSyntheticImage } from '../test/fixtures/syntheticImage';
import { planSize, planSteps, type PlanStep, type SizePlan } from '../src/core/sizes/planner';

const RUNS = 7;

interface Case {
  readonly name: string;
  readonly source: { width: number; height: number };
  readonly plan: SizePlan;
}

const cases: Case[] = [
  { name: '3840x2160 -> 1920x1080 PNG', source: { width: 3840, height: 2160 }, plan: planSize({ width: 1920, height: 1080 }, 'gpt-image-2') },
  { name: '1184x2544 -> 1170x2532 PNG', source: { width: 1184, height: 2544 }, plan: planSize({ width: 1170, height: 2532 }, 'gpt-image-2') },
];
/** The same steps libvips runs, expressed in sharp (extract before resize, as sharp orders them). */
function sharpApply(bytes: Uint8Array, steps: readonly PlanStep[]): Promise<Buffer> {
  let image = sharp(bytes);
  for (const step of steps) {
    if (step.kind === 'crop') image = image.extract({ left: step.left, top: step.top, width: step.width, height: step.height });
    else if (step.kind === 'resize') image = image.resize(step.width, step.height, { fit: 'fill', kernel: 'lanczos3' });
    else throw new Error('pad is not benchmarked');
  }
  return image.png({ compressionLevel: 6 }).toBuffer();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 5);

async function measure(label: string, fn: () => Promise<{ width: number; height: number }>, expected: { width: number; height: number }): Promise<{ first: number; median: number; peakMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  peakRss = process.memoryUsage.rss();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const out = await fn();
    times.push(performance.now() - t0);
    if (out.width !== expected.width || out.height !== expected.height) throw new Error(`${label}: got ${out.width}x${out.height}`);
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { first: times[0] ?? Number.NaN, median: median(times.slice(1)), peakMb: peakRss / 2 ** 20 };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  await loadVips();
  console.log(`wasm-vips init: ${(performance.now() - t0).toFixed(0)} ms`);
  const rows: string[] = [];
  for (const c of cases) {
    const source = await renderSyntheticImage({ ...c.source, seed: 5 });
    const target = c.plan.target === 'auto' ? c.source : c.plan.target;
    // The 4K source is not the planned generation size (1920x1088): applyPlan recomputes the steps
    // for it, as here for sharp.
    const steps = planSteps(c.source, target, 'cover');
    const vipsResult = await measure(`wasm-vips ${c.name}`, () => applyPlan(source, c.plan, { format: 'png' }), target);
    const sharpResult = await measure(
      `sharp ${c.name}`,
      async () => {
        const info = await sharp(await sharpApply(source, steps)).metadata();
        return { width: info.width, height: info.height };
      },
      target,
    );
    console.log(`${c.name}: steps ${steps.map((s) => s.kind).join(' + ') || 'none'}; out ${target.width}x${target.height}`);
    rows.push(
      `| ${c.name} (${(source.length / 2 ** 20).toFixed(1)} MB in) | ${vipsResult.first.toFixed(0)} | ${vipsResult.median.toFixed(0)} | ${vipsResult.peakMb.toFixed(0)} | ${sharpResult.first.toFixed(0)} | ${sharpResult.median.toFixed(0)} | ${sharpResult.peakMb.toFixed(0)} | ${(vipsResult.median / sharpResult.median).toFixed(2)} |`,
    );
  }
  console.log(`\n${RUNS} runs each; median of runs 2-${RUNS}; peak RSS of the process while measuring (cumulative, sharp measured after wasm-vips).`);
  console.log('| case | wasm-vips first ms | wasm-vips median ms | wasm-vips peak RSS MB | sharp first ms | sharp median ms | sharp peak RSS MB | ratio wasm-vips/sharp |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  clearInterval(sampler);
  await shutdownImageEngine();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
