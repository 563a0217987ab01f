import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256 } from '../../src/core/assets/sidecar';
import { describeSchedulerEvent, runScheduled, tidyOutputFolders } from '../../src/core/batch';
import { FoundryError } from '../../src/core/foundry';
import { loadBatch, makeWorkspace } from '../fixtures/batch/workspace';
import { FakeClock } from '../fixtures/fakeClock';

describe('batch scheduler (fake clock)', () => {
  const seeded = (): (() => number) => {
    let seed = 7;
    return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  };

  it('waits exactly as long as a 429 asks before sending again, halves concurrency, then recovers', async () => {
    const clock = new FakeClock();
    const starts: Array<{ item: number; at: number; inFlight: number }> = [];
    let inFlight = 0;
    let limitedAt = -1;
    const run = runScheduled(
      Array.from({ length: 24 }, (_, i) => i),
      async (item) => {
        inFlight++;
        starts.push({ item, at: clock.now(), inFlight });
        await clock.sleep(5);
        inFlight--;
        if (item === 3 && limitedAt < 0) {
          limitedAt = clock.now();
          throw new FoundryError('rateLimited', 'slow down', { status: 429, retryAfterMs: 150 });
        }
        return item * 2;
      },
      { concurrency: 4, backoffBaseMs: 10, clock, random: seeded() },
    );
    const outcomes = await clock.run(run);
    assert.ok(outcomes.every((o) => o.ok));
    assert.deepEqual(outcomes.map((o) => (o.ok ? o.value : -1)), Array.from({ length: 24 }, (_, i) => i * 2), 'results in item order');
    const after = starts.filter((s) => s.at > limitedAt);
    assert.equal(after[0].at, limitedAt + 150, 'nothing is sent during the wait the service asked for, and the first request goes right after it');
    assert.equal(after[0].item, 3, 'the rate-limited job goes first after the pause');
    assert.ok(Math.max(...after.slice(0, 3).map((s) => s.inFlight)) <= 2, 'concurrency halved after the 429');
    assert.ok(Math.max(...after.map((s) => s.inFlight)) > 2, 'and raised again after successes');
    assert.equal(Math.max(...starts.map((s) => s.inFlight)), 4);
    const job3 = outcomes[3];
    assert.deepEqual([job3.calls, job3.waitedMs], [2, 150], 'the 429 is counted as a call, and its wait is reported');
  });

  it('retries transient failures (a broken answer too) with a bound, fails others at once, and stops on a credential failure', async () => {
    const clock = new FakeClock();
    const calls = new Map<string, number>();
    const work = async (item: string): Promise<string> => {
      calls.set(item, (calls.get(item) ?? 0) + 1);
      await clock.sleep(20);
      if (item === 'flaky' && (calls.get(item) ?? 0) < 3) throw new FoundryError('unavailable', 'HTTP 500', { status: 500 });
      if (item === 'broken-answer' && (calls.get(item) ?? 0) < 2) throw new FoundryError('invalidResponse', 'The service answered, but the answer was broken', { status: 200 });
      if (item === 'down') throw new FoundryError('network', 'ECONNRESET');
      if (item === 'refused') throw new FoundryError('safety', 'blocked prompt', { status: 400 });
      if (item === 'blocked') throw new FoundryError('auth', 'bad key', { status: 401 });
      return item;
    };
    const [flaky, answer, down, refused] = await clock.run(runScheduled(['flaky', 'broken-answer', 'down', 'refused'], work, { concurrency: 1, backoffBaseMs: 5, maxAttempts: 4, clock, random: seeded() }));
    assert.ok(flaky.ok && flaky.calls === 3, 'a 500 is retried');
    assert.ok(answer.ok && answer.calls === 2, 'a malformed 200 is retried by the same rule as in the client');
    assert.ok(!down.ok && down.calls === 4 && calls.get('down') === 4, 'at most maxAttempts attempts');
    assert.ok(!refused.ok && refused.error.kind === 'safety' && calls.get('refused') === 1, 'a safety block is not retried');

    const [blocked, later1, later2] = await clock.run(runScheduled(['blocked', 'later-1', 'later-2'], work, { concurrency: 1, backoffBaseMs: 5, clock }));
    assert.ok(!blocked.ok && blocked.error.kind === 'auth');
    assert.ok(!later1.ok && !later1.sent && /Not sent: the run stopped/.test(later1.error.message));
    assert.ok(!later1.ok && later1.stoppedBy === (blocked.ok ? undefined : blocked.error), 'the jobs not sent name the one failure that stopped the run');
    assert.ok(!later2.ok && calls.get('later-2') === undefined, 'nothing more is sent after a credential failure');
  });

  it('a 429 without retry headers waits a few intervals of the deployment\'s known pace, not a climb to a minute', async () => {
    const clock = new FakeClock();
    let attempt = 0;
    const sends: number[] = [];
    const run = runScheduled(
      ['job'],
      async () => {
        sends.push(clock.now());
        await clock.sleep(10);
        if (++attempt <= 9) throw new FoundryError('rateLimited', 'EngineOverloaded', { status: 429 });
        return 'ok';
      },
      { concurrency: 1, clock, random: seeded(), knownIntervalMs: () => 2_000 },
    );
    const [outcome] = await clock.run(run);
    assert.ok(outcome.ok);
    assert.equal(sends.length, 10, '9 429s, then the image');
    const gaps = sends.slice(1).map((t, i) => t - sends[i] - 10);
    assert.ok(gaps[0] >= 2_000 && gaps[0] <= 2_500, `the first wait is one interval of the known pace (${gaps[0]} ms)`);
    assert.ok(gaps.every((g) => g <= 4 * 2_000 * 1.25), `waits stay within four intervals (${gaps.join(', ')})`);
    assert.ok(outcome.waitedMs < 90_000, `9 429s cost ${outcome.waitedMs} ms of waiting, not 9 minutes`);
    assert.equal(outcome.waitedMs, Math.round(gaps.reduce((a, b) => a + b, 0)), 'the wait is reported');
  });

  it('without any pace known, 429s back off exponentially from the base; a job gives up once its waits pass the cap', async () => {
    const clock = new FakeClock();
    const sends: number[] = [];
    const [outcome] = await clock.run(
      runScheduled(
        ['job'],
        async () => {
          sends.push(clock.now());
          await clock.sleep(1);
          throw new FoundryError('rateLimited', 'The deployment\'s rate limit was reached.', { status: 429 });
        },
        { concurrency: 1, clock, random: () => 1, backoffBaseMs: 1_000, maxWaitPerJobMs: 30_000 },
      ),
    );
    const gaps = sends.slice(1).map((t, i) => t - sends[i] - 1);
    assert.deepEqual(gaps, [1_000, 2_000, 4_000, 8_000], 'doubling from the base');
    assert.ok(!outcome.ok);
    assert.match(outcome.error.message, /Gave up after waiting 15 s in all \(at most 30 s per job\)/);
    assert.deepEqual([outcome.calls, outcome.waitedMs], [5, 15_000]);
  });

  it('a job cancelled while it waits to be sent again says so, with the calls it made', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const run = runScheduled(
      ['a', 'b'],
      async (item) => {
        await clock.sleep(5);
        if (item === 'a') throw new FoundryError('unavailable', 'HTTP 503', { status: 503 });
        return item;
      },
      { concurrency: 1, clock, signal: controller.signal, backoffBaseMs: 10_000, onEvent: (e) => e.type === 'retry' && e.attempt === 2 && controller.abort() },
    );
    const [a, b] = await clock.run(run);
    assert.ok(!a.ok && a.error.kind === 'cancelled' && a.calls === 2 && /waiting to be sent again/.test(a.error.message));
    assert.ok(b.ok, 'b ran during a\'s first backoff');
  });

  it('keeps a queue of 50,000 jobs moving at a steady cost per job', async () => {
    const items = Array.from({ length: 50_000 }, (_, i) => i);
    const outcomes = await runScheduled(items, (item) => Promise.resolve(item), { concurrency: 8 });
    assert.equal(outcomes.filter((o) => o.ok).length, 50_000);
  });

  it('removes what a killed run left (temporary files, a sidecar without its image and the original it recorded) and nothing else', async () => {
    const { root, file } = await makeWorkspace({ assets: [{ id: 'hero', prompt: 'Hero', sizes: ['1200x630'] }] });
    const batch = loadBatch(root, file);
    const folder = batch.outputRoot;
    await fs.mkdir(folder, { recursive: true });
    const original = Buffer.from('the service original');
    const files = {
      // The sidecar is written first, then the original; the kill came before the image.
      killedSidecar: 'hero-1200x630.png.mockup.json',
      killedOriginal: 'hero-1200x630.original.png',
      temp: '.hero-1200x630.png.0123456789ab.fmtmp',
      complete: 'hero-1200x630-2.png',
      completeSidecar: 'hero-1200x630-2.png.mockup.json',
      unrelated: 'logo.png',
      // A file of the user's under a job's name, with no sidecar: never ours to remove.
      usersOwn: 'hero-1200x630-3.png',
      // Being written right now by someone else: another run taking the batch's lock, the Studio.
      lockBeingTaken: '..campaign.lock.0123456789ab.fmtmp',
      studioWriting: '.login-screen.png.0123456789ab.fmtmp',
    };
    for (const name of Object.values(files)) await fs.writeFile(path.join(folder, name), 'x');
    await fs.writeFile(path.join(folder, files.killedOriginal), original);
    await fs.writeFile(
      path.join(folder, files.killedSidecar),
      JSON.stringify({ tool: { name: 'foundry-mockups' }, output: { file: 'hero-1200x630.png', sha256: sha256(Buffer.from('never written')) }, original: { file: files.killedOriginal, sha256: sha256(original) } }),
    );
    await fs.writeFile(path.join(folder, files.completeSidecar), JSON.stringify({ tool: { name: 'foundry-mockups' }, output: { file: files.complete, sha256: sha256(Buffer.from('x')) } }));
    const removed = await tidyOutputFolders(batch.jobs);
    assert.deepEqual(removed.map((f) => path.basename(f)).sort(), [files.temp, files.killedOriginal, files.killedSidecar].sort());
    assert.deepEqual((await fs.readdir(folder)).sort(), [files.complete, files.completeSidecar, files.unrelated, files.usersOwn, files.lockBeingTaken, files.studioWriting].sort(), 'fresh writes of others are left alone');
  });
});

describe('scheduler events as every surface shows them', () => {
  it('names the wait, counts it down and says which attempt comes next', () => {
    assert.equal(describeSchedulerEvent({ type: 'rateLimited', waitMs: 30_000, limit: 2, basis: 'service' }), 'rate limited, pausing every request for 30 s, 2 at a time from now on');
    assert.equal(describeSchedulerEvent({ type: 'rateLimited', waitMs: 30_000, limit: 1, basis: 'pace' }, 12_400), "rate limited, pausing every request for 13 s (the deployment's pace), 1 at a time from now on");
    const retry = { type: 'retry' as const, attempt: 1, maxAttempts: 4, waitMs: 4000, error: new FoundryError('unavailable', 'The service is unavailable.') };
    assert.match(describeSchedulerEvent(retry), /, retrying in 4 s \(attempt 2 of 4\)$/);
    assert.match(describeSchedulerEvent(retry, 900), /retrying in 1 s/);
    assert.equal(describeSchedulerEvent({ type: 'stopped', error: new FoundryError('auth', 'The key was refused.') }), 'stopping: The key was refused.');
  });
});
