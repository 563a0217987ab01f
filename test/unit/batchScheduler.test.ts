import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256 } from '../../src/core/assets/sidecar';
import { runScheduled, tidyOutputFolders } from '../../src/core/batch';
import { FoundryError } from '../../src/core/foundry';
import { loadBatch, makeWorkspace } from '../fixtures/batch/workspace';

describe('batch scheduler', () => {
  it('waits as long as a 429 asks before sending again, halves concurrency, then recovers', async () => {
    const starts: Array<{ item: number; at: number; inFlight: number }> = [];
    let inFlight = 0;
    let limited = false;
    let limitedAt = 0;
    const outcomes = await runScheduled(
      Array.from({ length: 24 }, (_, i) => i),
      async (item) => {
        inFlight++;
        starts.push({ item, at: Date.now(), inFlight });
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        if (item === 3 && !limited) {
          limited = true;
          limitedAt = Date.now();
          throw new FoundryError('rateLimited', 'slow down', { status: 429, retryAfterMs: 150 });
        }
        return item * 2;
      },
      { concurrency: 4, backoffBaseMs: 10 },
    );
    assert.ok(outcomes.every((o) => o.ok));
    assert.deepEqual(outcomes.map((o) => (o.ok ? o.value : -1)), Array.from({ length: 24 }, (_, i) => i * 2), 'results in item order');
    const after = starts.filter((s) => s.at > limitedAt);
    assert.ok(after.length > 0);
    assert.ok(after[0].at - limitedAt >= 145, `nothing is sent during the wait the service asked for (${after[0].at - limitedAt} ms)`);
    assert.equal(after[0].item, 3, 'the rate-limited job goes first after the pause');
    assert.ok(Math.max(...after.slice(0, 3).map((s) => s.inFlight)) <= 2, 'concurrency halved after the 429');
    assert.ok(Math.max(...after.map((s) => s.inFlight)) > 2, 'and raised again after successes');
    assert.equal(Math.max(...starts.map((s) => s.inFlight)), 4);
  });

  it('retries transient failures with a bound, fails others at once, and stops on a credential failure', async () => {
    const calls = new Map<string, number>();
    const work = async (item: string): Promise<string> => {
      calls.set(item, (calls.get(item) ?? 0) + 1);
      if (item === 'flaky' && (calls.get(item) ?? 0) < 3) throw new FoundryError('unavailable', 'HTTP 500', { status: 500 });
      if (item === 'down') throw new FoundryError('network', 'ECONNRESET');
      if (item === 'broken') throw new FoundryError('safety', 'blocked prompt', { status: 400 });
      if (item === 'blocked') throw new FoundryError('auth', 'bad key', { status: 401 });
      await new Promise((r) => setTimeout(r, 20));
      return item;
    };
    const [flaky, down, broken] = await runScheduled(['flaky', 'down', 'broken'], work, { concurrency: 1, backoffBaseMs: 5, maxAttempts: 4 });
    assert.ok(flaky.ok && flaky.attempts === 3, 'a transient failure is retried');
    assert.ok(!down.ok && down.attempts === 4 && calls.get('down') === 4, 'at most maxAttempts attempts');
    assert.ok(!broken.ok && broken.error.kind === 'safety' && calls.get('broken') === 1, 'a safety block is not retried');

    const [blocked, later1, later2] = await runScheduled(['blocked', 'later-1', 'later-2'], work, { concurrency: 1, backoffBaseMs: 5 });
    assert.ok(!blocked.ok && blocked.error.kind === 'auth');
    assert.ok(!later1.ok && !later1.sent && /Not sent: the run stopped/.test(later1.error.message));
    assert.ok(!later2.ok && calls.get('later-2') === undefined, 'nothing more is sent after a credential failure');
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
    assert.deepEqual((await fs.readdir(folder)).sort(), [files.complete, files.completeSidecar, files.unrelated, files.usersOwn].sort());
  });
});
