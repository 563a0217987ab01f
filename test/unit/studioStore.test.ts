import * as assert from 'node:assert/strict';
import type { WebviewToHost } from '../../src/studio/protocol';
import { RAIL, StudioStore } from '../../src/webview/store';

/** The page's timers, run by hand: no test waits on the clock. */
class Timers {
  private next = 1;
  private readonly pending = new Map<number, () => void>();
  setTimeout = (fn: () => void): number => {
    const id = this.next++;
    this.pending.set(id, fn);
    return id;
  };
  clearTimeout = (id: unknown): void => {
    if (typeof id === 'number') this.pending.delete(id);
  };
  runAll(): void {
    for (const [id, fn] of [...this.pending]) {
      this.pending.delete(id);
      fn();
    }
  }
}

const timers = new Timers();

function page(saved?: unknown): { store: InstanceType<typeof StudioStore>; posted: WebviewToHost[]; states: unknown[] } {
  const posted: WebviewToHost[] = [];
  const states: unknown[] = [];
  const store = new StudioStore({ postMessage: (m) => posted.push(m), getState: () => saved, setState: (s) => states.push(structuredClone(s)) }, 1, (fn) => fn(), timers);
  return { store, posted, states };
}

describe('Studio store (the one state of the webview)', () => {
  it('comes back with the panel\'s saved state, and starts afresh from a state it does not know', () => {
    const saved = { version: 1, draft: { prompt: 'kept' }, view: 'history', results: [], compare: [], sizeSearch: '', historyQuery: { text: '', size: '', locale: '', model: '' }, rail: { width: 500, collapsed: true } };
    const { store } = page(saved);
    assert.equal(store.state.view, 'history');
    assert.deepEqual(store.state.rail, { width: 500, collapsed: true });
    const fresh = page({ version: 99, view: 'history' }).store;
    assert.equal(fresh.state.view, 'create');
    assert.equal(fresh.state.rail, undefined, 'the rail at its default');
  });

  it('keeps the rail between its narrowest and widest, folds it without losing its width, and saves it with the panel', () => {
    const { store, states } = page();
    store.setRail({ width: 9999 });
    assert.deepEqual(store.state.rail, { width: RAIL.max, collapsed: false });
    store.setRail({ collapsed: true });
    assert.deepEqual(store.state.rail, { width: RAIL.max, collapsed: true }, 'folded, its width kept for when it comes back');
    store.setRail({ width: Number.NaN });
    assert.equal(store.state.rail?.width, RAIL.min, 'a width that is not a number is the narrowest');
    assert.equal(states.length, 0, 'saved once the changes settle, not at each');
    timers.runAll();
    assert.equal(states.length, 1);
    assert.deepEqual((states[0] as { rail: unknown }).rail, { width: RAIL.min, collapsed: true });
  });

  it('tells its views once for all the changes of a task', async () => {
    const { store } = page();
    let told = 0;
    const stop = store.subscribe(() => told++);
    store.select('a.png');
    store.setRail({ width: 400 });
    store.setDraft({ prompt: 'x' }, false);
    assert.equal(told, 0, 'not in the middle of the task');
    await Promise.resolve();
    assert.equal(told, 1);
    stop();
    store.select('b.png');
    await Promise.resolve();
    assert.equal(told, 1, 'an unsubscribed view is not told');
  });

  it('Escape closes what is on top first, then leaves the one-result view for the set', () => {
    const { store } = page();
    store.select('a.png');
    store.code = { language: 'curl', text: 'curl ...' };
    store.escape();
    assert.equal(store.code, undefined, 'the code panel closed first');
    assert.equal(store.state.selected, 'a.png');
    store.escape();
    assert.equal(store.state.selected, undefined, 'back to the set');
  });

  it('a new generate shows its progress on the canvas: the selection goes, every image of the request waits', () => {
    const { store } = page();
    store.select('a.png');
    store.receive({ type: 'jobStarted', jobId: 7, mode: 'generate', requests: ['1024x1024 · en', '1024x1024 · ja'], variants: 2 });
    assert.equal(store.state.selected, undefined);
    assert.equal(store.job?.requests.length, 2);
    assert.equal(store.job?.variants, 2);
    store.receive({ type: 'progress', jobId: 8, request: 0, variant: 1, message: 'another job' });
    assert.equal(store.job?.tiles.size, 0, 'progress of another job is not this one\'s');
    store.receive({ type: 'progress', jobId: 7, request: 1, variant: 2, message: 'sending' });
    assert.ok(store.job?.tiles.has('1:2'));
  });
});
