import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { type Emulator, startEmulator } from '../emulator/server';
import { assertOnlyCompleteGroups, listTree, makeWorkspace } from '../fixtures/batch/workspace';

const cli = path.resolve(__dirname, '../../../dist/cli.js');

describe('CLI: run, estimate, generate', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let env: Record<string, string>;

  before(async () => {
    emulator = await startEmulator();
    env = { AZURE_OPENAI_ENDPOINT: emulator.endpoint, AZURE_OPENAI_DEPLOYMENT: emulator.deployment, AZURE_OPENAI_API_KEY: emulator.apiKey, CI: 'true' };
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  async function run(args: string[], cwd: string, extraEnv: Record<string, string> = env): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd, env: extraEnv });
    return { code, out, err };
  }

  const spec = {
    defaults: { quality: 'low' },
    locales: { ja: {}, ar: {} },
    assets: [
      { id: 'home', prompt: 'Home screen of a travel app', sizes: ['1024x1024', '1536x1024'] },
      { id: 'card', prompt: 'Boarding pass card', sizes: ['1024x1536'], variants: 2 },
    ],
  };

  it('estimate: the plan table and total with zero requests; run: exit 0 and a JSON report; rerun skips everything', async () => {
    const { root } = await makeWorkspace(spec);
    const estimate = await run(['estimate', 'campaign.mockups.json'], root, {});
    assert.equal(estimate.code, 0, estimate.err);
    assert.match(estimate.out, /home\/1024x1024\/ja\/v1 +1024x1024 +1024x1024 +\$/);
    assert.match(estimate.out, /8 job\(s\) on gpt-image-2, about \$0\.0\d+ in all/);
    assert.equal(emulator.requests.length, 0, 'estimating sends nothing');

    const first = await run(['run', 'campaign.mockups.json', '--json'], root);
    assert.equal(first.code, 0, first.err);
    const report = JSON.parse(first.out) as { summary: { done: number; failed: number }; jobs: Array<{ status: string }> };
    assert.deepEqual([report.summary.done, report.summary.failed], [8, 0]);
    assert.match(first.err, /\[8\/8\] done /, 'plain progress lines in CI');

    const estimateAfter = await run(['estimate', 'campaign.mockups.json', '--json'], root);
    assert.equal((JSON.parse(estimateAfter.out) as { toSend: number }).toSend, 0, 'estimate knows what is done');

    emulator.reset();
    const second = await run(['run', 'campaign.mockups.json'], root);
    assert.equal(second.code, 0);
    assert.match(second.out, /0 done, 8 skipped \(already done\), 0 failed of 8 job\(s\); 0 request\(s\)/);
    assert.equal(emulator.requests.length, 0);
  });

  it('exit code 1 when a job fails, 2 for an invalid batch file or missing connection', async () => {
    const { root } = await makeWorkspace(spec);
    emulator.inject({ type: 'safety', shape: 'moderationBlocked' });
    const failed = await run(['run', 'campaign.mockups.json', '--concurrency', '1'], root);
    assert.equal(failed.code, 1);
    assert.match(failed.err, /failed home\/1024x1024\/ja\/v1: .*safety/);

    await fs.writeFile(path.join(root, 'bad.mockups.json'), '{\n  "assets": [\n    { "id": "x", "prompt": "p", "sizes": ["iphone-99"] }\n  ]\n}\n');
    const invalid = await run(['run', 'bad.mockups.json'], root);
    assert.equal(invalid.code, 2);
    assert.match(invalid.err, /bad\.mockups\.json:3:43: error: Unknown preset id: "iphone-99"/);

    const noConnection = await run(['run', 'campaign.mockups.json'], root, {});
    assert.equal(noConnection.code, 2);
    assert.match(noConnection.err, /AZURE_OPENAI_ENDPOINT/);
    assert.equal((await run(['run', 'campaign.mockups.json', '--shard', '3/2'], root)).code, 2);
    assert.equal((await run(['run', 'campaign.mockups.json', '--concurrency', '0'], root)).code, 2);
  });

  it('--shard i/n: shards share the batch without overlap and together make every job', async () => {
    const { root } = await makeWorkspace({ ...spec, assets: [...spec.assets, { id: 'map', prompt: 'Map screen', sizes: ['1024x1024', '1536x1024', '1024x1536'] }] });
    const ids: string[][] = [];
    for (const shard of ['1/3', '2/3', '3/3']) {
      const result = await run(['run', 'campaign.mockups.json', '--shard', shard, '--json'], root);
      assert.equal(result.code, 0, result.err);
      const report = JSON.parse(result.out) as { shard: string; jobs: Array<{ id: string; status: string }> };
      assert.equal(report.shard, shard);
      assert.ok(report.jobs.every((j) => j.status === 'done'));
      ids.push(report.jobs.map((j) => j.id));
    }
    const all = ids.flat();
    assert.equal(all.length, 14);
    assert.equal(new Set(all).size, 14);
    assert.equal(emulator.requests.length, 14, 'each job sent by exactly one shard');
    const files = await listTree(path.join(root, 'mockups/campaign'));
    assert.deepEqual(files.filter((f) => f.endsWith('.report.json')), ['campaign.shard-1-of-3.report.json', 'campaign.shard-2-of-3.report.json', 'campaign.shard-3-of-3.report.json']);
  });

  it('generate --prompt --size --out writes exact-size images with sidecars; --out may not leave the folder', async () => {
    const { root } = await makeWorkspace(spec);
    const result = await run(['generate', '--prompt', 'Pricing page', '--size', 'og-image', '--size', '1024x1024', '--out', 'out/gen', '--quality', 'low', '--locale', 'he', '--json'], root);
    assert.equal(result.code, 0, result.err);
    const written = JSON.parse(result.out) as { files: Array<{ file: string; sidecar: string }> };
    assert.deepEqual(written.files.map((f) => path.relative(root, f.file)), [path.join('out/gen', 'pricing-page-og-image-he.png'), path.join('out/gen', 'pricing-page-1024x1024-he.png')]);
    const sidecar = JSON.parse(await fs.readFile(written.files[0].sidecar, 'utf8')) as { prompt: { sent: string } };
    assert.match(sidecar.prompt.sent, /Hebrew \(עברית\).*right to left/);
    const outside = await run(['generate', '--prompt', 'x', '--out', '../elsewhere'], root);
    assert.equal(outside.code, 2);
    assert.match(outside.err, /leaves the current folder/);
    assert.equal((await run(['generate', '--size', '1024x1024'], root)).code, 2, '--prompt is required');
  });

  it('a run killed mid-way resumes without re-requesting finished jobs and leaves only complete files', async () => {
    assert.ok(existsSync(cli), `${cli} exists: run "npm run build" first`);
    const slow = await startEmulator({ apiKey: emulator.apiKey, latencyMs: 150 });
    try {
      const { root } = await makeWorkspace({ defaults: { quality: 'low' }, assets: Array.from({ length: 6 }, (_, i) => ({ id: `s${i}`, prompt: `Screen ${i} of a music app`, sizes: ['1024x1024', '1536x1024', '1200x630'] })) });
      const childEnv = { ...process.env, AZURE_OPENAI_ENDPOINT: slow.endpoint, AZURE_OPENAI_DEPLOYMENT: slow.deployment, AZURE_OPENAI_API_KEY: slow.apiKey, CI: 'true' };
      const folder = path.join(root, 'mockups/campaign');

      // First run: killed (SIGKILL: no cleanup at all) once the emulator has seen 7 requests.
      const child = spawn(process.execPath, [cli, 'run', 'campaign.mockups.json', '--concurrency', '3'], { cwd: root, env: childEnv, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      for (let waited = 0; slow.requests.length < 7 && waited < 30_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      child.kill('SIGKILL');
      await exited;
      assert.ok(slow.requests.length >= 7 && slow.requests.length < 18, `killed mid-way (${slow.requests.length} requests)`);

      // What was finished before the kill: groups whose sidecar (written first) and image (written
      // last) both exist. A sidecar without its image is a group the kill interrupted.
      const before = existsSync(folder) ? await listTree(folder) : [];
      const finished = new Set<string>();
      for (const s of before.filter((f) => f.endsWith('.mockup.json'))) {
        const sidecar = JSON.parse(await fs.readFile(path.join(folder, s), 'utf8')) as { prompt: { sent: string }; request: { size: string }; output: { file: string } };
        if (existsSync(path.join(folder, path.dirname(s), sidecar.output.file))) finished.add(`${sidecar.prompt.sent}|${sidecar.request.size}`);
      }

      slow.reset();
      const rerun = spawn(process.execPath, [cli, 'run', 'campaign.mockups.json', '--json'], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      rerun.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => rerun.once('exit', resolve));
      assert.equal(code, 0);
      const report = JSON.parse(out) as { summary: { done: number; skipped: number; failed: number } };
      assert.equal(report.summary.failed, 0);
      assert.equal(report.summary.skipped, finished.size);
      assert.equal(report.summary.done + report.summary.skipped, 18);
      for (const r of slow.requests) assert.ok(!finished.has(`${String(r.body?.['prompt'])}|${String(r.body?.['size'])}`), 'no request for a job finished before the kill');
      assert.equal(slow.requests.length, 18 - finished.size);
      assert.equal(await assertOnlyCompleteGroups(folder), 18);
    } finally {
      await slow.close();
    }
  });
});
