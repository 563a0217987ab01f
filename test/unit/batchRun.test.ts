import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runBatch, type RunOptions } from '../../src/core/batch';
import { assertOnlyCompleteGroups, emulatorRunOptions, loadBatch, makeWorkspace } from '../fixtures/batch/workspace';
import { type Emulator, type EmulatorFault, startEmulator } from '../emulator/server';


/** A request's identity for a job of these tests: its prompt and size (one request per job). */
function bodyKey(body: Record<string, unknown> | undefined): string {
  return `${String(body?.['prompt'])}|${String(body?.['size'])}`;
}

describe('batch runs against the emulator', function () {
  this.timeout(180_000);
  let emulator: Emulator;

  afterEach(async () => {
    await emulator?.close();
  });

  function options(overrides: Partial<RunOptions> = {}): RunOptions {
    return emulatorRunOptions(emulator, { concurrency: 4, backoffBaseMs: 20, ...overrides });
  }

  it('200 jobs with 10% random 429s, 500s and connection resets within a quota window: all accounted for, nothing twice, no partial files', async () => {
    // A quota the run meets however fast the machine is: 8 workers start at once against 6 images
    // per window, and every raise of the concurrency probes it again.
    emulator = await startEmulator({ quota: { images: 6, windowMs: 400 } });
    const sizes = ['1024x1024', '1536x1024', '1024x1536', '1280x720', '1088x1088'];
    const assets = Array.from({ length: 20 }, (_, i) => ({ id: `screen-${i}`, prompt: `Settings screen number ${i} of a banking app`, sizes }));
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, locales: { en: {}, de: {} }, assets });
    const batch = loadBatch(root, file);
    assert.equal(batch.jobs.length, 200);

    // Seeded faults, one slot per request: 10% of requests fail (429 with a wait, 500, reset).
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const faults: EmulatorFault[] = [];
    for (let i = 0; i < 600; i++) {
      const r = random();
      if (r < 0.1) {
        const kind = Math.floor(random() * 3);
        faults.push(kind === 0 ? { type: 'rateLimit', retryAfterMs: 30 } : kind === 1 ? { type: 'status', status: 500 } : { type: 'reset' });
      } else {
        faults.push({ type: 'delay', ms: 0 }); // no fault for this request
      }
    }
    emulator.inject(faults);

    const progress: number[] = [];
    const result = await runBatch(batch, options({ concurrency: 8, onProgress: (p) => progress.push(p.completed) }));
    const faulted = emulator.requests.filter((r) => r.fault && r.fault !== 'delay').length;
    assert.ok(faulted >= 10, `faults were injected (${faulted})`);
    assert.ok(emulator.requests.some((r) => r.status === 429 && r.fault !== 'rateLimit'), 'the quota window limited the rate too');

    // Every job ends done or reported failed with a reason.
    assert.equal(result.results.length, 200);
    for (const r of result.results) {
      assert.ok(r.status === 'done' || (r.status === 'failed' && r.reason), `${r.job.id}: ${r.status}`);
    }
    assert.deepEqual(progress.at(-1), 200, 'progress reaches 200 of 200');
    const done = result.results.filter((r) => r.status === 'done');
    assert.equal(result.report.summary.done, done.length);

    // No job was completed twice: one full 200 response per job at most.
    const completed = new Map<string, number>();
    for (const r of emulator.requests) {
      if (r.status === 200 && r.fault !== 'reset') completed.set(bodyKey(r.body), (completed.get(bodyKey(r.body)) ?? 0) + 1);
    }
    assert.deepEqual([...completed.values()].filter((n) => n > 1), [], 'no duplicate requests for done jobs');
    assert.equal(completed.size, done.length);

    // Files: one complete group per done job, nothing partial; the reports list every job.
    assert.equal(await assertOnlyCompleteGroups(batch.outputRoot), done.length);
    const report = JSON.parse(await fs.readFile(path.join(batch.outputRoot, 'campaign.report.json'), 'utf8')) as { jobs: Array<{ id: string; status: string; requestId?: string; tokens?: number; costUsd?: number }> };
    assert.equal(report.jobs.length, 200);
    for (const job of report.jobs.filter((j) => j.status === 'done')) assert.ok(job.requestId && job.tokens && job.costUsd !== undefined, `${job.id} has its request id, tokens and cost`);
    const markdown = await fs.readFile(path.join(batch.outputRoot, 'campaign.report.md'), 'utf8');
    assert.match(markdown, /<img src="screen-0-1024x1024-en\.png"/);

    // A rerun sends nothing for the done jobs and retries only the failed ones.
    emulator.reset();
    const again = await runBatch(batch, options());
    const failedBefore = new Set(result.results.filter((r) => r.status === 'failed').map((r) => `${r.job.promptSent}|${r.job.plan.generation === 'auto' ? 'auto' : `${r.job.plan.generation.width}x${r.job.plan.generation.height}`}`));
    for (const r of emulator.requests) assert.ok(failedBefore.has(bodyKey(r.body)), 'only failed jobs are sent again');
    assert.equal(again.report.summary.skipped, done.length);
    assert.equal(again.report.summary.failed, 0);
    assert.equal(await assertOnlyCompleteGroups(batch.outputRoot), 200);
  });

  it('reports a failed job with its reason and request id, and retries only it on the next run', async () => {
    emulator = await startEmulator();
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Login screen', sizes: ['1024x1024', '1536x1024', '1024x1536'] }] });
    const batch = loadBatch(root, file);
    emulator.inject({ type: 'safety', shape: 'promptBlocked' });
    const first = await runBatch(batch, options({ concurrency: 1 }));
    assert.deepEqual(first.results.map((r) => r.status), ['failed', 'done', 'done']);
    assert.match(first.results[0].reason ?? '', /safety/);
    assert.equal(first.results[0].errorKind, 'safety');
    assert.ok(first.results[0].requestId, 'the failure keeps its request id');
    const markdown = await fs.readFile(first.reportFiles[1], 'utf8');
    assert.match(markdown, /\| `a\/1024x1024\/-\/v1` \| failed \|.*safety system/);

    emulator.reset();
    const second = await runBatch(batch, options({ concurrency: 1 }));
    assert.deepEqual(second.results.map((r) => r.status), ['done', 'skipped', 'skipped']);
    assert.equal(emulator.requests.length, 1);
    assert.equal(emulator.requests[0].body?.['size'], '1024x1024');
  });

  it('changes to a job make it new: a changed prompt is sent again under a new name, the rest is skipped', async () => {
    emulator = await startEmulator();
    const spec = { defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Login screen', sizes: ['1024x1024'] }, { id: 'b', prompt: 'Sign-up screen', sizes: ['1024x1024'] }] };
    const { root, file } = await makeWorkspace(spec);
    await runBatch(loadBatch(root, file), options());
    spec.assets[1].prompt = 'Sign-up screen, dark theme';
    await fs.writeFile(file, JSON.stringify(spec));
    emulator.reset();
    const batch = loadBatch(root, file);
    const second = await runBatch(batch, options());
    assert.deepEqual(second.results.map((r) => r.status), ['skipped', 'done']);
    assert.equal(emulator.requests.length, 1);
    assert.equal(path.basename(second.results[1].file ?? ''), 'b-1024x1024-2.png', 'never overwrites the earlier image');
  });

  it('cancelling stops sending, keeps what is done and reports the rest as failed (cancelled)', async () => {
    emulator = await startEmulator({ latencyMs: 50 });
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Profile screen', sizes: ['1024x1024'], variants: 10 }] });
    const batch = loadBatch(root, file);
    const controller = new AbortController();
    const result = await runBatch(batch, options({ concurrency: 1, signal: controller.signal, onProgress: (p) => p.done === 2 && controller.abort() }));
    assert.equal(result.report.cancelled, true);
    assert.ok(result.results.filter((r) => r.status === 'done').length >= 2);
    assert.ok(result.results.some((r) => r.status === 'failed' && r.errorKind === 'cancelled'));
    assert.ok(emulator.requests.length < 10, 'not every request was sent');
    await assertOnlyCompleteGroups(batch.outputRoot);
  });

  it('stops at the first credential failure instead of sending every job to fail the same way', async () => {
    emulator = await startEmulator();
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Cart screen', sizes: ['1024x1024'], variants: 6 }] });
    const batch = loadBatch(root, file);
    emulator.inject({ type: 'unauthorized' });
    const result = await runBatch(batch, options({ concurrency: 1 }));
    assert.equal(emulator.requests.length, 1);
    assert.ok(result.results.every((r) => r.status === 'failed'));
    assert.match(result.results[3].reason ?? '', /Not sent: the run stopped .*API key was not accepted/);
  });

  it('right-to-left and seed languages end to end: prompts, file names, sidecars and report', async () => {
    emulator = await startEmulator();
    const strings: Record<string, string> = { ar: 'اشترِ الآن', he: 'קנה עכשיו', ja: '今すぐ購入', ko: '지금 구매', 'zh-Hans': '立即购买', hi: 'अभी खरीदें', bn: 'এখনই কিনুন' };
    const { root, file } = await makeWorkspace({
      defaults: { quality: 'low' },
      locales: Object.fromEntries(Object.entries(strings).map(([tag, s]) => [tag, { strings: [s] }])),
      assets: [{ id: 'promo', prompt: 'Promotion banner with a buy button', sizes: ['1536x1024'], output: '{locale}/{id}-{preset}-{locale}' }],
    });
    const batch = loadBatch(root, file);
    const result = await runBatch(batch, options());
    assert.equal(result.report.summary.done, 7);
    const native: Record<string, string> = { ar: 'العربية', he: 'עברית', ja: '日本語', ko: '한국어', 'zh-Hans': '简体中文', hi: 'हिन्दी', bn: 'বাংলা' };
    for (const [tag, text] of Object.entries(strings)) {
      const image = path.join(batch.outputRoot, tag, `promo-1536x1024-${tag}.png`);
      assert.ok(existsSync(image), `${tag}: named from the pattern and the locale tag`);
      const sidecar = JSON.parse(await fs.readFile(`${image}.mockup.json`, 'utf8')) as { prompt: { sent: string; locale: string } };
      assert.equal(sidecar.prompt.locale, tag);
      assert.ok(sidecar.prompt.sent.includes(text), `${tag}: the sidecar holds the strings in their script`);
      assert.ok(sidecar.prompt.sent.includes(native[tag]));
      assert.ok(emulator.requests.some((r) => String(r.body?.['prompt']).includes(text)), `${tag}: the service received the script intact`);
    }
    const rtl = emulator.requests.filter((r) => /right to left/.test(String(r.body?.['prompt'])));
    assert.equal(rtl.length, 2, 'Arabic and Hebrew ask for right-to-left layout');
    const report = await fs.readFile(result.reportFiles[0], 'utf8');
    assert.match(report, /"locale": "ar"/);
  });
});
