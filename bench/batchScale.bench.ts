/**
 * Large batch files, with nothing sent: `foundry-mockups estimate` and the expansion phase of
 * `foundry-mockups run` (parse, expand, fingerprint, index what is done, and the report of a run
 * stopped before its first request) for 10,000 and 100,000 jobs, each in its own process, with
 * the wall time and the peak memory (max RSS) of the process. Aim: under 3 s and 300 MB for
 * 100,000 jobs, growing linearly. Figures are printed, never asserted.
 *
 * The batch: assets x 10 sizes x 10 locales x 1 variant (10 assets per 1,000 jobs), the shape of a
 * localised campaign.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main as cli } from '../src/cli/main';

const SIZES = ['1024x1024', '1536x1024', '1024x1536', '1200x630', 'iphone-16', '1920x1080', '390x844@3x', '1280x720', '600x200', '2048x1152'];
const LOCALES = ['en', 'ja', 'ko', 'zh-Hans', 'hi', 'bn', 'ar', 'he', 'de', 'fr'];

async function makeWorkspace(jobs: number): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-scale-bench-'));
  const assets = Array.from({ length: Math.ceil(jobs / (SIZES.length * LOCALES.length)) }, (_, i) => ({ id: `screen-${i}`, prompt: `Screen ${i} of a travel booking app with a search form`, sizes: SIZES }));
  const spec = { defaults: { quality: 'low' }, locales: Object.fromEntries(LOCALES.map((tag) => [tag, {}])), assets };
  await fs.writeFile(path.join(root, 'scale.mockups.json'), JSON.stringify(spec, null, 1));
  return root;
}

/** One measurement in this process: `estimate` or `run` (stopped before sending) of `jobs` jobs. */
async function child(kind: 'estimate' | 'run', jobs: number): Promise<void> {
  const root = await makeWorkspace(jobs);
  let out = '';
  let err = '';
  const env = { AZURE_OPENAI_ENDPOINT: 'http://127.0.0.1:9', AZURE_OPENAI_DEPLOYMENT: 'gpt-image-2', AZURE_OPENAI_API_KEY: 'bench-key-not-sent', CI: 'true' };
  const stopped = new AbortController();
  stopped.abort();
  const args = kind === 'estimate' ? ['estimate', 'scale.mockups.json', '--json'] : (process.env['BENCH_NO_YES'] ? ['run', 'scale.mockups.json', '--json'] : ['run', 'scale.mockups.json', '--yes', '--json']);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const code = await cli(args, { stdout: (t) => (out += t.length > 200 ? t.slice(0, 200) : t), stderr: (t) => (err += t.slice(0, 2000)), cwd: root, env, signal: stopped.signal });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  await fs.rm(root, { recursive: true, force: true });
  console.log(JSON.stringify({ kind, jobs, code, seconds: Math.round(seconds * 100) / 100, cpuSeconds: Math.round(cpuSeconds * 100) / 100, maxRssMb: Math.round(maxRssMb), err: code === 0 || kind === 'run' ? undefined : err.slice(0, 300) }));
}

function main(): void {
  if (process.argv[2] === 'child') {
    void child(process.argv[3] as 'estimate' | 'run', Number(process.argv[4]));
    return;
  }
  const counts = (process.env['SCALE_JOBS'] ?? '10000,100000,1000000').split(',').map(Number);
  for (const kind of ['estimate', 'run'] as const) {
    const rows: string[] = [];
    for (const jobs of counts) {
      const result = spawnSync(process.execPath, ['--expose-gc', __filename, 'child', kind, String(jobs)], { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 24 });
      const line = result.stdout.trim().split('\n').pop() ?? '';
      if (result.status !== 0 || !line.startsWith('{')) {
        rows.push(`${jobs.toLocaleString('en-US')} jobs: the process failed (exit ${String(result.status)}${result.signal ? `, ${result.signal}` : ''}): ${result.stderr.slice(0, 300)}`);
        continue;
      }
      const figure = JSON.parse(line) as { code: number; seconds: number; cpuSeconds: number; maxRssMb: number; err?: string };
      rows.push(`${jobs.toLocaleString('en-US')} jobs: ${figure.seconds.toFixed(2)} s (CPU ${figure.cpuSeconds.toFixed(2)} s), max RSS ${figure.maxRssMb} MB (exit ${figure.code})${figure.err ? `: ${figure.err}` : ''}`);
    }
    console.log(`${kind === 'estimate' ? 'estimate' : 'run, expansion only (stopped before the first request)'}:`);
    for (const row of rows) console.log(`  ${row}`);
  }
  console.log('  aim: 100,000 jobs under 3 s and 300 MB, growing linearly');
}

main();
