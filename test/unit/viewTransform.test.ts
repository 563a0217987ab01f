import * as assert from 'node:assert/strict';
import { centred, clampPan, fitView, matchView, panBy, percent, snap, stepScale, toImage, toViewport, wheelFactor, zoomAt } from '../../src/webview/viewTransform';

describe('Studio canvas view (zoom and pan)', () => {
  const phone = { width: 1170, height: 2532 };
  const panel = { width: 800, height: 600 };

  it('fits a tall screen into the panel, centred, and never enlarges a small image unless asked', () => {
    const fit = fitView(phone, panel);
    assert.equal(fit.scale, 600 / 2532);
    assert.equal(fit.y, 0);
    assert.equal(fit.x, (800 - 1170 * fit.scale) / 2);
    assert.equal(fitView({ width: 100, height: 50 }, panel).scale, 1, 'an icon stays at 100 %');
    assert.equal(fitView({ width: 100, height: 50 }, panel, { grow: true }).scale, 8);
  });

  it('zooms about the pointer: the image pixel under it stays under it', () => {
    const view = fitView(phone, panel);
    const at = { x: 412, y: 233 };
    const before = toImage(view, at);
    const zoomed = zoomAt(view, 1, at);
    const after = toImage(zoomed, at);
    assert.ok(Math.abs(before.x - after.x) < 1e-9 && Math.abs(before.y - after.y) < 1e-9);
    assert.deepEqual(toViewport(zoomed, after), at);
  });

  it('steps through the zoom levels to exactly 100 % and back, within the limits', () => {
    let scale = fitView(phone, panel).scale;
    while (scale < 1) scale = stepScale(scale, 1);
    assert.equal(scale, 1, 'stepping up lands on 100 %, not near it');
    assert.equal(stepScale(1, -1), 2 / 3);
    assert.equal(stepScale(32, 1), 32);
    assert.equal(stepScale(0.02, -1), 0.02);
    assert.equal(percent(1), '100 %');
    assert.equal(percent(24), '2,400 %');
    assert.ok(wheelFactor(-100) > 1 && wheelFactor(100) < 1, 'wheel up zooms in');
    assert.equal(wheelFactor(1e9), wheelFactor(200), 'a huge delta is one big step, not a jump to the limit');
  });

  it('keeps part of the image in view however far it is panned', () => {
    const view = centred(phone, panel, 1);
    const far = clampPan({ ...view, x: 10_000, y: -10_000 }, phone, panel);
    assert.equal(far.x, 800 - 48);
    assert.equal(far.y, 48 - 2532);
  });

  it('pans by a drag and snaps the image onto whole CSS pixels, so 100 % maps pointer points to pixel edges', () => {
    const view = panBy(centred({ width: 601, height: 201 }, panel, 1), 3.25, -2);
    assert.deepEqual(view, { scale: 1, x: 99.5 + 3.25, y: 199.5 - 2 });
    const snapped = snap(view);
    assert.deepEqual(snapped, { scale: 1, x: 103, y: 198 });
    // At 100 % a whole viewport point is the corner of a whole image pixel.
    assert.deepEqual(toImage(snapped, { x: 113, y: 218 }), { x: 10, y: 20 });
    assert.equal(snap({ scale: 0.5, x: -0.4, y: 7.5 }).scale, 0.5, 'the zoom is kept');
  });

  it('keeps two images of a comparison aligned when their resolutions differ', () => {
    const oneX = { width: 390, height: 844 };
    const view = { scale: 1, x: 10, y: 20 };
    const matched = matchView(view, oneX, phone);
    assert.equal(matched.scale, 390 / 1170);
    // The same place of the screen lands on the same viewport point.
    const p1 = toViewport(view, { x: 195, y: 422 });
    const p3 = toViewport(matched, { x: 585, y: 1266 });
    assert.ok(Math.abs(p1.x - p3.x) < 1e-9 && Math.abs(p1.y - p3.y) < 1e-9);
  });
});

describe('Studio comparison panes (synced zoom)', () => {
  it('zooming one pane at the pointer and matching the others keeps the same place of the screen under the pointer in all', () => {
    // A 1x, a 2x and a 3x export of one 390x844 screen, in panes of one size.
    const images = [{ width: 390, height: 844 }, { width: 780, height: 1688 }, { width: 1170, height: 2532 }];
    const pane = { width: 400, height: 500 };
    const lead = 1;
    const at = { x: 123, y: 321 };
    const zoomed = zoomAt(fitView(images[lead], pane), 1.5, at);
    const views = images.map((image) => matchView(zoomed, images[lead], image));
    const relative = images.map((image, i) => {
      const p = toImage(views[i], at);
      return { x: p.x / image.width, y: p.y / image.height };
    });
    for (const r of relative) {
      assert.ok(Math.abs(r.x - relative[0].x) < 1e-9 && Math.abs(r.y - relative[0].y) < 1e-9, JSON.stringify(relative));
    }
    // The same displayed size in every pane, and back again to the lead's own view.
    assert.deepEqual(new Set(images.map((image, i) => Math.round(image.width * views[i].scale * 1e6))).size, 1);
    const back = matchView(views[2], images[2], images[lead]);
    assert.ok(Math.abs(back.scale - zoomed.scale) < 1e-12 && back.x === zoomed.x && back.y === zoomed.y);
  });
});
