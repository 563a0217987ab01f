import * as assert from 'node:assert/strict';
import { radioKey } from '../../src/webview/choiceModel';
import { flatKeys, moveKey, tabStop } from '../../src/webview/filmstripModel';
import { clampWidth, dragWidth, railKey } from '../../src/webview/railModel';

describe('Studio settings rail (resize and fold)', () => {
  const range = { min: 260, max: 640, step: 16 };

  it('keeps the width between the narrowest and the widest, in whole pixels', () => {
    assert.equal(clampWidth(100, range), 260);
    assert.equal(clampWidth(9000, range), 640);
    assert.equal(clampWidth(401.6, range), 402);
    assert.equal(clampWidth(Number.NaN, range), 260, 'a width that is not a number (a hostile saved state) is the narrowest');
    assert.equal(clampWidth(Number.POSITIVE_INFINITY, range), 260);
  });

  it('follows a drag from where it started, and stops at the ends', () => {
    assert.equal(dragWidth(360, 80, range), 440);
    assert.equal(dragWidth(360, -80, range), 280);
    assert.equal(dragWidth(360, -500, range), 260);
    assert.equal(dragWidth(600, 200, range), 640);
  });

  it('steps with the arrow keys (Shift: four steps), Home and End go to the ends, Enter folds', () => {
    assert.deepEqual(railKey('ArrowLeft', false, 360, false, range), { width: 344 });
    assert.deepEqual(railKey('ArrowRight', false, 360, false, range), { width: 376 });
    assert.deepEqual(railKey('ArrowRight', true, 360, false, range), { width: 424 });
    assert.deepEqual(railKey('ArrowLeft', false, 265, false, range), { width: 260 }, 'stops at the narrowest');
    assert.deepEqual(railKey('Home', false, 360, false, range), { width: 260 });
    assert.deepEqual(railKey('End', false, 360, false, range), { width: 640 });
    assert.deepEqual(railKey('Enter', false, 360, false, range), { toggle: true });
    assert.equal(railKey('a', false, 360, false, range), undefined, 'other keys are not the splitter\'s');
  });

  it('a folded rail only unfolds: with Enter or Right, never resized unseen', () => {
    assert.deepEqual(railKey('Enter', false, 360, true, range), { toggle: true });
    assert.deepEqual(railKey('ArrowRight', false, 360, true, range), { toggle: true });
    assert.equal(railKey('ArrowLeft', false, 360, true, range), undefined);
    assert.equal(railKey('End', false, 360, true, range), undefined);
  });
});

describe('Studio filmstrip (keyboard model)', () => {
  const groups = [
    { id: 'job', label: 'In progress', entries: [{ key: 'tile:0:1', label: 'en' }] },
    { id: 'session', label: 'This session', entries: [{ key: 'a.png', label: 'a' }, { key: 'b.png', label: 'b' }] },
    { id: 'history', label: 'History', entries: [] },
    { id: 'older', label: 'Older', entries: Array.from({ length: 8 }, (_, i) => ({ key: `h${i}.png`, label: `h${i}` })) },
  ];
  const keys = flatKeys(groups);

  it('is one list across its groups, in the order shown', () => {
    assert.deepEqual(keys.slice(0, 4), ['tile:0:1', 'a.png', 'b.png', 'h0.png']);
    assert.equal(keys.length, 11);
  });

  it('keeps one tab stop: the focused entry while it lasts, else the selected one, else the first', () => {
    assert.equal(tabStop(keys, 'b.png', 'a.png'), 'b.png');
    assert.equal(tabStop(keys, 'gone.png', 'a.png'), 'a.png', 'the focused entry left (a job finished)');
    assert.equal(tabStop(keys, undefined, 'gone.png'), 'tile:0:1');
    assert.equal(tabStop([], undefined, undefined), undefined);
  });

  it('moves across groups with the arrow keys and stops at the ends', () => {
    assert.equal(moveKey(keys, 'tile:0:1', 'ArrowRight'), 'a.png', 'from the job into the session');
    assert.equal(moveKey(keys, 'b.png', 'ArrowRight'), 'h0.png', 'over an empty group');
    assert.equal(moveKey(keys, 'a.png', 'ArrowLeft'), 'tile:0:1');
    assert.equal(moveKey(keys, 'tile:0:1', 'ArrowLeft'), 'tile:0:1', 'no wrap at the start');
    assert.equal(moveKey(keys, 'h7.png', 'ArrowRight'), 'h7.png', 'no wrap at the end');
    assert.equal(moveKey(keys, 'b.png', 'ArrowDown'), 'h0.png');
  });

  it('jumps with Home, End and the page keys', () => {
    assert.equal(moveKey(keys, 'b.png', 'Home'), 'tile:0:1');
    assert.equal(moveKey(keys, 'b.png', 'End'), 'h7.png');
    assert.equal(moveKey(keys, 'a.png', 'PageDown'), 'h3.png');
    assert.equal(moveKey(keys, 'h1.png', 'PageUp'), 'tile:0:1');
    assert.equal(moveKey(keys, 'a.png', 'Tab'), undefined, 'Tab leaves the list');
    assert.equal(moveKey([], undefined, 'ArrowRight'), undefined);
  });
});

describe('Studio choices (segmented buttons)', () => {
  it('moves to the next and previous value with the arrow keys, wrapping, and leaves other keys alone', () => {
    const modes = ['side', 'swipe', 'onion'] as const;
    assert.equal(radioKey(modes, 'side', 'ArrowRight'), 'swipe');
    assert.equal(radioKey(modes, 'side', 'ArrowDown'), 'swipe');
    assert.equal(radioKey(modes, 'onion', 'ArrowRight'), 'side', 'wraps at the end');
    assert.equal(radioKey(modes, 'side', 'ArrowLeft'), 'onion', 'wraps at the start');
    assert.equal(radioKey(modes, 'swipe', 'ArrowUp'), 'side');
    assert.equal(radioKey(modes, 'side', 'Enter'), undefined);
    assert.equal(radioKey([], 'side', 'ArrowRight'), undefined);
  });
});
