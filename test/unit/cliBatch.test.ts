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

  describe('faults end to end: exit code, message, files on disk, requests the service saw', () => {
    const one = { defaults: { quality: 'low' }, assets: [{ id: 'login', prompt: 'Login screen', sizes: ['1024x1024'] }] };

    const FAULTS = [
      ['badBase64', /the image data is not base64/],
      ['notImage', /bytes are not an image/],
      ['truncatedImage', /the PNG is cut short/],
      ['malformedJson', /its body is not valid JSON/],
    ] as const;

    it('run: a service that keeps sending broken answers fails each job after 4 requests, exit 1, nothing written', async () => {
      const { root } = await makeWorkspace({ defaults: { quality: 'low' }, assets: FAULTS.map(([fault]) => ({ id: fault.toLowerCase(), prompt: `Login screen [fault:${fault}]`, sizes: ['1024x1024'] })) });
      const result = await run(['run', 'campaign.mockups.json', '--json', '--concurrency', '4'], root);
      assert.equal(result.code, 1, result.err);
      const report = JSON.parse(result.out) as { summary: { requests: number }; jobs: Array<{ errorKind: string; reason: string; requestId: string; attempts: number }> };
      FAULTS.forEach(([, reason], i) => {
        const job = report.jobs[i];
        assert.equal(job.errorKind, 'invalidResponse');
        assert.match(job.reason, reason);
        assert.match(job.reason, /^The service at 127\.0\.0\.1:\d+ answered, but the answer was broken: .*\(request id [0-9a-f-]{36}\)$/);
        assert.match(job.requestId, /^[0-9a-f-]{36}$/);
        assert.equal(job.attempts, 4);
      });
      assert.deepEqual([report.summary.requests, emulator.requests.length], [16, 16], 'what the report counts is what the service received');
      assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
      assert.deepEqual((await listTree(path.join(root, 'mockups/campaign'))).filter((f) => !f.includes('.report.')), [], 'no image, no sidecar');
      // A resume does not count them as done.
      emulator.reset();
      assert.equal((await run(['run', 'campaign.mockups.json'], root)).code, 1);
      assert.equal(emulator.requests.length, 16);
    });

    for (const [fault, reason] of FAULTS) {
      it(`generate: one ${fault} answer is retried by the client, with the same rule as a batch run`, async () => {
        const { root } = await makeWorkspace(one);
        emulator.inject({ type: fault });
        const ok = await run(['generate', '--prompt', 'Login screen', '--size', '1024x1024', '--out', 'gen', '--json'], root);
        assert.equal(ok.code, 0, ok.err);
        assert.equal(emulator.requests.length, 2, `the broken answer (${String(reason)}) and its retry`);
        assert.equal((await listTree(path.join(root, 'gen'))).length, 2, 'one image and its sidecar');
      });
    }

    it('generate: a service that keeps sending a cut-short image is exit 1 with the request id; nothing written', async () => {
      const { root } = await makeWorkspace(one);
      const failed = await run(['generate', '--prompt', 'Signup screen [fault:truncatedImage]', '--size', '1200x630', '--out', 'gen'], root);
      assert.equal(failed.code, 1);
      assert.match(failed.err, /^the answer was broken, retrying in \d+ s \(attempt 2 of 4\)$/m, 'each retry is shown');
      assert.match(failed.err, /^foundry-mockups generate: The service at .* answered, but the answer was broken: the PNG is cut short.*\(request id [0-9a-f-]{36}\)\n$/m);
      assert.equal(emulator.requests.length, 4);
      assert.ok(!existsSync(path.join(root, 'gen')) || (await listTree(path.join(root, 'gen'))).length === 0, 'nothing written');
    });

    it('generate: an image libvips cannot process is exit 1 with a clear message and the request id, no stack, nothing written', async () => {
      const { root } = await makeWorkspace(one);
      emulator.inject({ type: 'undecodableImage' });
      const result = await run(['generate', '--prompt', 'Pricing', '--size', '1200x630', '--out', 'gen'], root);
      assert.equal(result.code, 1);
      assert.match(result.err, /^foundry-mockups generate: The image the service returned could not be processed to the target size: .*Unsupported JPEG data precision 12.*\(request id [0-9a-f-]{36}\)\n$/);
      assert.equal(emulator.requests.length, 1, 'not retried: a processing failure is not the service\'s');
      assert.ok(!existsSync(path.join(root, 'gen')) || (await listTree(path.join(root, 'gen'))).length === 0);
    });

    it('a key echoed in a header never reaches --json output or the report; a key pasted into --endpoint is not echoed', async () => {
      const { root } = await makeWorkspace({ ...one, assets: [{ ...one.assets[0], sizes: ['1024x1024', '1536x1024'] }] });
      emulator.inject([{ type: 'echoKey' }, { type: 'echoKey', status: 400 }]);
      const result = await run(['run', 'campaign.mockups.json', '--json', '--concurrency', '1'], root);
      assert.equal(result.code, 1);
      for (const text of [result.out, result.err, ...(await Promise.all((await listTree(path.join(root, 'mockups/campaign'))).map((f) => fs.readFile(path.join(root, 'mockups/campaign', f), 'latin1'))))]) {
        assert.ok(!text.includes(emulator.apiKey), 'the key is in no output and no file');
      }
      const pasted = await run(['run', 'campaign.mockups.json', '--endpoint', emulator.apiKey], root);
      assert.equal(pasted.code, 2);
      assert.ok(!pasted.err.includes(emulator.apiKey), pasted.err);
      assert.match(pasted.err, /endpoint is not a URL/);
    });
  });

  it('two CLI runs of one batch at once: one is refused naming the other process, every job is paid once', async () => {
    assert.ok(existsSync(cli), `${cli} exists: run "npm run build" first`);
    const slow = await startEmulator({ apiKey: emulator.apiKey, latencyMs: 100 });
    try {
      const { root } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Feed', sizes: ['1024x1024'], variants: 6 }] });
      const childEnv = { ...process.env, AZURE_OPENAI_ENDPOINT: slow.endpoint, AZURE_OPENAI_DEPLOYMENT: slow.deployment, AZURE_OPENAI_API_KEY: slow.apiKey, CI: 'true' };
      const start = (): Promise<{ code: number | null; err: string; pid: number | undefined }> => {
        const child = spawn(process.execPath, [cli, 'run', 'campaign.mockups.json'], { cwd: root, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        return new Promise((resolve) => child.once('exit', (code) => resolve({ code, err, pid: child.pid })));
      };
      const [a, b] = await Promise.all([start(), start()]);
      const [winner, refused] = a.code === 0 ? [a, b] : [b, a];
      assert.equal(winner.code, 0, winner.err);
      assert.equal(refused.code, 1, refused.err);
      assert.match(refused.err, new RegExp(`Another run of campaign\\.mockups\\.json is in progress \\(process ${String(winner.pid)} on this machine, started .* from the command line\\), so this run sent nothing`));
      assert.equal(slow.requests.length, 6, 'six jobs, six paid requests');
      assert.equal((await listTree(path.join(root, 'mockups/campaign'))).filter((f) => f.endsWith('.png')).length, 6, 'no -2 duplicates');
    } finally {
      await slow.close();
    }
  });

  it('huge inputs are diagnostics: 50,000 levels of nesting and a million jobs get file:line:col and exit 2', async () => {
    const { root } = await makeWorkspace(spec);
    await fs.writeFile(path.join(root, 'deep.mockups.json'), `{\n  "assets": ${'['.repeat(50_000)}${']'.repeat(50_000)}\n}\n`);
    const deep = await run(['estimate', 'deep.mockups.json'], root, {});
    assert.equal(deep.code, 2);
    assert.match(deep.err, /deep\.mockups\.json:2:\d+: error: Not valid JSON: Objects and arrays are nested more than 64 levels deep/);
    assert.doesNotMatch(deep.err, /RangeError|\n\s+at /);

    const million = { locales: Object.fromEntries(['en', 'ja', 'ko', 'de', 'fr', 'es', 'it', 'ar', 'he', 'hi'].map((t) => [t, {}])), assets: Array.from({ length: 10_000 }, (_, i) => ({ id: `s${i}`, prompt: `Screen ${i}`, sizes: ['1024x1024', '1536x1024', '1024x1536', '1200x630', '1280x720', '1920x1080', '600x200', '2048x1152', '1088x1088', '1536x864'] })) };
    await fs.writeFile(path.join(root, 'million.mockups.json'), JSON.stringify(million, null, 1));
    const huge = await run(['estimate', 'million.mockups.json'], root, {});
    assert.equal(huge.code, 2);
    assert.match(huge.err, /million\.mockups\.json:\d+:\d+: error: This batch makes 100,\d{3} jobs or more .* at most 100,000\. Split it into several batch files\./);
  });

  it('a run above the job or cost cap needs --yes; a fatal 401 prints one line per cause, not one per job', async () => {
    const { root } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Search', sizes: ['1024x1024', '1536x1024', '1024x1536'], variants: 10 }] });
    const many = await run(['run', 'campaign.mockups.json', '--max-jobs', '20'], root);
    assert.equal(many.code, 2);
    assert.match(many.err, /this run would send 30 requests \(about \$[\d.]+\), more than --max-jobs 20; nothing was sent\. Add --yes/);
    const costly = await run(['run', 'campaign.mockups.json', '--max-cost', '0.01'], root);
    assert.equal(costly.code, 2);
    assert.match(costly.err, /estimated to cost about \$[\d.]+ for 30 request\(s\), more than --max-cost \$0\.010?; nothing was sent/);
    assert.equal(emulator.requests.length, 0);

    const unauthorized = await run(['run', 'campaign.mockups.json', '--max-jobs', '20', '--yes', '--concurrency', '1', '--api-key', 'wrong-key-0123456789'], root);
    assert.equal(unauthorized.code, 1);
    assert.equal(emulator.requests.length, 1, 'the run stops at the first credential failure');
    assert.equal(unauthorized.err.split('\n').filter((l) => /Not sent/.test(l)).length, 0, 'no line per job not sent');
    assert.match(unauthorized.err, /^not sent: 29 job\(s\): The run stopped: The API key was not accepted by 127\.0\.0\.1:\d+\./m);
    assert.ok(!unauthorized.err.includes('wrong-key-0123456789'), 'the key given on the command line is not echoed');
  });

  it('report: merges the reports of every shard and earlier run; a shard that never ran is named', async () => {
    const { root } = await makeWorkspace({ ...spec, assets: [...spec.assets, { id: 'map', prompt: 'Map screen', sizes: ['1024x1024', '1536x1024', '1024x1536'] }] });
    for (const shard of ['1/3', '2/3', '3/3']) assert.equal((await run(['run', 'campaign.mockups.json', '--shard', shard], root)).code, 0);
    const merged = await run(['report', 'campaign.mockups.json', '--json'], root, {});
    assert.equal(merged.code, 0, merged.err);
    const report = JSON.parse(merged.out) as { summary: { done: number; failed: number; requests: number; costUsd: number }; overall: { complete: number; jobs: number; runs: number }; runs: unknown[]; mergedFrom: string[] };
    assert.deepEqual([report.overall.complete, report.overall.jobs, report.overall.runs, report.summary.requests], [14, 14, 3, 14]);
    assert.equal(report.mergedFrom.length, 3);
    const shardCosts = await Promise.all(['1-of-3', '2-of-3', '3-of-3'].map(async (s) => (JSON.parse(await fs.readFile(path.join(root, `mockups/campaign/campaign.shard-${s}.report.json`), 'utf8')) as { summary: { costUsd: number } }).summary.costUsd));
    assert.ok(Math.abs(report.summary.costUsd - shardCosts.reduce((a, b) => a + b, 0)) < 1e-6, 'the cost adds up');
    assert.match(await fs.readFile(path.join(root, 'mockups/campaign/campaign.report.md'), 'utf8'), /all shards and runs/);

    // A rerun of everything adds a run that made nothing; a missing shard report leaves jobs never run.
    emulator.reset();
    assert.equal((await run(['run', 'campaign.mockups.json'], root)).code, 0);
    assert.equal(emulator.requests.length, 0);
    await fs.rm(path.join(root, 'mockups/campaign/campaign.shard-2-of-3.report.json'));
    await fs.rm(path.join(root, 'mockups/campaign/campaign.report.json'));
    const partial = await run(['report', 'campaign.mockups.json'], root, {});
    assert.equal(partial.code, 1);
    assert.match(partial.out, /never run: \d+ job\(s\) of the batch are in no report/);
  });
});
