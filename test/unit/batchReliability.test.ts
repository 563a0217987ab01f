import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireBatchLock, BatchLockedError, lockFileOf, readReport, runBatch, type RunOptions } from '../../src/core/batch';
import { type Emulator, startEmulator } from '../emulator/server';
import { assertOnlyCompleteGroups, emulatorRunOptions, listTree, loadBatch, makeWorkspace } from '../fixtures/batch/workspace';

describe('batch runs: nothing corrupt, nothing paid twice, reports that tell the truth', function () {
  this.timeout(120_000);
  let emulator: Emulator;

  afterEach(async () => {
    await emulator?.close();
  });

  function options(overrides: Partial<RunOptions> = {}): RunOptions {
    return emulatorRunOptions(emulator, { concurrency: 2, backoffBaseMs: 5, ...overrides });
  }

  it('two runs of one batch at once: the second is refused naming the first, and every job is paid once', async () => {
    emulator = await startEmulator({ latencyMs: 60 });
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Orders screen', sizes: ['1024x1024'], variants: 4 }] });
    const batch = loadBatch(root, file);
    const first = runBatch(batch, options({ surface: 'cli' }));
    // The first run holds the lock from its first await on: start the second one right after.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await assert.rejects(runBatch(batch, options({ surface: 'vscode' })), (error: unknown) => {
      assert.ok(error instanceof BatchLockedError);
      assert.match(error.message, new RegExp(`Another run of campaign\\.mockups\\.json is in progress \\(process ${process.pid} on this machine, started .* from the command line\\), so this run sent nothing`));
      return true;
    });
    const result = await first;
    assert.equal(result.report.summary.done, 4);
    assert.equal(emulator.requests.length, 4, 'four jobs, four paid requests');
    assert.ok(!existsSync(lockFileOf(batch.outputRoot, batch.name)), 'the lock is released');
    assert.equal((await listTree(batch.outputRoot)).filter((f) => /-2\.png$/.test(f)).length, 0, 'no -2 duplicates');

    // Waiting instead of refusing: the second run starts once the first is done, and finds everything done.
    emulator.reset();
    await fs.rm(path.join(batch.outputRoot, 'a-1024x1024-v1.png'));
    const again = runBatch(batch, options());
    await new Promise((resolve) => setTimeout(resolve, 20));
    let waited = '';
    const waiting = await runBatch(batch, options({ waitForLock: true, onLockWait: (_holder, message) => (waited = message) }));
    await again;
    assert.match(waited, /Another run of campaign\.mockups\.json is in progress/);
    assert.deepEqual([waiting.report.summary.skipped, waiting.report.summary.requests], [4, 0]);
    assert.equal(emulator.requests.length, 1, 'the job whose image was removed was made once');
  });

  it('takes over the lock of a run that is gone: a dead process on this machine, or a silent one elsewhere', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-lock-'));
    const target = { root, outputRoot: path.join(root, 'out'), name: 'campaign', fileRelative: 'campaign.mockups.json' };
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    assert.ok(dead);
    const file = lockFileOf(target.outputRoot, target.name);
    const write = async (holder: object, ageMs = 0): Promise<void> => {
      await fs.mkdir(target.outputRoot, { recursive: true });
      await fs.writeFile(file, JSON.stringify({ tool: 'foundry-mockups', surface: 'cli', batch: target.fileRelative, startedAt: '2026-01-01T00:00:00.000Z', nonce: 'n', ...holder }));
      const time = new Date(Date.now() - ageMs);
      await fs.utimes(file, time, time);
    };
    await write({ pid: dead, host: os.hostname() });
    const taken = await acquireBatchLock(target, { surface: 'cli' });
    assert.equal((JSON.parse(await fs.readFile(file, 'utf8')) as { pid: number }).pid, process.pid, 'a dead process on this host: taken over at once');
    await taken.release();
    assert.ok(!existsSync(file));

    await write({ pid: 1, host: 'build-agent-7' });
    await assert.rejects(acquireBatchLock(target, { surface: 'cli' }), /process 1 on build-agent-7/);
    await write({ pid: 1, host: 'build-agent-7' }, 10 * 60_000);
    const late = await acquireBatchLock(target, { surface: 'cli' });
    assert.equal(late.holder.pid, process.pid, 'a lock nobody refreshed for ten minutes is stale');
    await late.release();
  });

  it('a resume re-checks what it skips: an image changed since its sidecar was written is made again', async () => {
    emulator = await startEmulator();
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Inbox', sizes: ['1024x1024', '1536x1024', '1200x630'] }] });
    const batch = loadBatch(root, file);
    await runBatch(batch, options());
    await fs.appendFile(path.join(batch.outputRoot, 'a-1536x1024.png'), 'edited');
    const original = path.join(batch.outputRoot, 'a-1200x630.original.png');
    const bytes = await fs.readFile(original);
    bytes[bytes.length - 20] ^= 0xff;
    await fs.writeFile(original, bytes);
    emulator.reset();
    const second = await runBatch(batch, options());
    assert.deepEqual(second.results.map((r) => r.status), ['skipped', 'done', 'done']);
    assert.equal(emulator.requests.length, 2);
    assert.match(second.results[1].note ?? '', /a-1536x1024\.png has [\d,]+ bytes, not the [\d,]+ its sidecar recorded/);
    assert.match(second.results[2].note ?? '', /a-1200x630\.original\.png does not match the SHA-256 its sidecar recorded/);
    assert.equal(path.basename(second.results[1].file ?? ''), 'a-1536x1024-2.png', 'the changed file is kept, never overwritten');
    emulator.reset();
    const third = await runBatch(batch, options());
    assert.deepEqual([third.report.summary.skipped, emulator.requests.length], [3, 0], 'the new images prove the jobs done');
  });

  it('the same prompt typed in NFC or NFD is the same job', async () => {
    emulator = await startEmulator();
    const nfc = 'Café menu, crème brûlée, Ångström'.normalize('NFC');
    const spec = { defaults: { quality: 'low' }, assets: [{ id: 'menu', prompt: nfc, sizes: ['1024x1024'] }] };
    const { root, file } = await makeWorkspace(spec);
    await runBatch(loadBatch(root, file), options());
    spec.assets[0].prompt = nfc.normalize('NFD');
    assert.notEqual(spec.assets[0].prompt, nfc);
    await fs.writeFile(file, JSON.stringify(spec));
    emulator.reset();
    const again = await runBatch(loadBatch(root, file), options());
    assert.deepEqual([again.report.summary.skipped, emulator.requests.length], [1, 0]);
  });

  it('counts every request: 429s, retries and broken answers are in attempts and summary.requests', async () => {
    emulator = await startEmulator();
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Wallet', sizes: ['1024x1024', '1536x1024'] }] });
    emulator.inject([{ type: 'rateLimit', retryAfterMs: 5 }, { type: 'truncatedImage' }, { type: 'malformedJson' }, { type: 'status', status: 500 }]);
    const result = await runBatch(loadBatch(root, file), options({ concurrency: 1 }));
    // The second job runs while the first waits out a backoff, so which job met which fault varies; the sums do not.
    assert.deepEqual(result.results.map((r) => r.status), ['done', 'done']);
    assert.equal(result.results[0].attempts + result.results[1].attempts, 6);
    assert.equal(result.report.summary.requests, 6);
    assert.equal(emulator.requests.length, 6, 'what the report says was sent is what the service received');
    assert.deepEqual(result.report.jobs.map((j) => j.attempts), result.results.map((r) => r.attempts));
    assert.equal(await assertOnlyCompleteGroups(loadBatch(root, file).outputRoot), 2, 'nothing of the broken answers was written');
  });

  it('a job cancelled while it waits to be sent again says how many requests it cost', async () => {
    emulator = await startEmulator();
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Settings', sizes: ['1024x1024'] }] });
    emulator.inject([{ type: 'rateLimit', retryAfterMs: 5 }, { type: 'status', status: 503 }, { type: 'status', status: 503 }]);
    const controller = new AbortController();
    const result = await runBatch(loadBatch(root, file), options({ signal: controller.signal, backoffBaseMs: 60_000, onSchedulerEvent: (e) => e.type === 'retry' && controller.abort() }));
    assert.equal(result.results[0].reason, 'Cancelled after 2 requests, while waiting to send it again; nothing was written.');
    assert.deepEqual([result.results[0].attempts, result.report.summary.requests, emulator.requests.length], [2, 2, 2]);
  });

  it('a persistent broken answer fails the job with invalidResponse and the request id; nothing is written', async () => {
    emulator = await startEmulator();
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Profile [fault:notImage]', sizes: ['1024x1024'] }, { id: 'b', prompt: 'Map [fault:undecodableImage]', sizes: ['1200x630'] }] });
    const batch = loadBatch(root, file);
    const result = await runBatch(batch, options({ maxAttempts: 3 }));
    const [broken, undecodable] = result.results;
    assert.deepEqual([broken.status, broken.errorKind, broken.attempts], ['failed', 'invalidResponse', 3]);
    assert.match(broken.reason ?? '', /answered, but the answer was broken: the [\d,]+ bytes are not an image.*\(request id [0-9a-f-]{36}\)$/);
    assert.match(broken.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual([undecodable.status, undecodable.errorKind, undecodable.attempts], ['failed', 'processing', 1], 'a libvips failure is not retried');
    assert.match(undecodable.reason ?? '', /could not be processed to the target size: .*Unsupported JPEG data precision 12.*\(request id [0-9a-f-]{36}\)$/);
    assert.deepEqual((await listTree(batch.outputRoot)).filter((f) => !f.includes('.report.')), [], 'no image and no sidecar');
    const report = await readReport(path.join(batch.outputRoot, 'campaign.report.json'));
    assert.deepEqual(report?.causes.map((c) => [c.kind, c.jobs]), [['invalidResponse', 1], ['processing', 1]]);
  });

  it('a key echoed by the service reaches neither the results nor the report files', async () => {
    emulator = await startEmulator({ apiKey: 'sk-echoed-0123456789abcdef' });
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Home', sizes: ['1024x1024', '1536x1024'] }] });
    emulator.inject([{ type: 'echoKey' }, { type: 'echoKey', status: 400 }]);
    const result = await runBatch(loadBatch(root, file), options({ concurrency: 1 }));
    assert.deepEqual(result.results.map((r) => r.status), ['done', 'failed']);
    for (const text of [JSON.stringify(result.results.map((r) => ({ ...r, job: undefined }))), ...(await Promise.all(result.reportFiles.map((f) => fs.readFile(f, 'utf8'))))]) {
      assert.ok(!text.includes(emulator.apiKey), 'the key is not there');
    }
    assert.match(result.results[0].requestId ?? '', /\*\*\*/);
    const sidecar = await fs.readFile(`${result.results[0].file ?? ''}.mockup.json`, 'utf8');
    assert.ok(!sidecar.includes(emulator.apiKey), 'nor the sidecar');
  });

  it('keeps the history of runs: a rerun adds "0 made" instead of replacing what the first run made', async () => {
    emulator = await startEmulator();
    const { root, file } = await makeWorkspace({ defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Cart', sizes: ['1024x1024', '1536x1024'] }] });
    const batch = loadBatch(root, file);
    const first = await runBatch(batch, options());
    const second = await runBatch(batch, options());
    assert.deepEqual([second.report.summary.done, second.report.summary.skipped], [0, 2]);
    assert.equal(second.report.runs.length, 2);
    assert.deepEqual(second.report.runs.map((r) => [r.done, r.requests]), [[2, 2], [0, 0]]);
    assert.deepEqual([second.report.overall.complete, second.report.overall.requests, second.report.overall.costUsd], [2, 2, first.report.summary.costUsd]);
    const markdown = await fs.readFile(second.reportFiles[1], 'utf8');
    assert.match(markdown, /Over 2 run\(s\): 2 of 2 job\(s\) complete, 2 request\(s\)/);
    assert.match(markdown, /## Runs/);
  });
});
