import * as assert from 'node:assert/strict';
import {
  applyPlan,
  cropImage,
  encodeImage,
  ImageError,
  isOriginalFileName,
  originalFileName,
  padImage,
  readImageInfo,
  resizeImage,
} from '../../src/core/image/index';
import { loadVips } from '../../src/core/image/engine';
import { renderSyntheticImage } from '../fixtures/syntheticImage';
import { planSize } from '../../src/core/sizes/planner';

async function pixelAt(bytes: Uint8Array, x: number, y: number): Promise<number[]> {
  const vips = await loadVips();
  const image = vips.Image.newFromBuffer(bytes);
  try {
    return image.getpoint(x, y);
  } finally {
    image.delete();
  }
}

describe('image processing', () => {
  let png: Uint8Array;
  let jpeg: Uint8Array;
  let alphaPng: Uint8Array;
  before(async function () {
    this.timeout(60_000);
    png = await renderSyntheticImage({ width: 640, height: 400, seed: 3 });
    jpeg = await renderSyntheticImage({ width: 640, height: 400, format: 'jpeg', seed: 4 });
    alphaPng = await renderSyntheticImage({ width: 300, height: 200, transparent: true });
  });

  it('reads dimensions, format and alpha', async () => {
    assert.deepEqual(await readImageInfo(png), { width: 640, height: 400, format: 'png', hasAlpha: false, bands: 3 });
    assert.deepEqual(await readImageInfo(jpeg), { width: 640, height: 400, format: 'jpeg', hasAlpha: false, bands: 3 });
    assert.equal((await readImageInfo(alphaPng)).hasAlpha, true);
  });

  it('crops, resizes and pads to exact sizes', async () => {
    const crop = await cropImage(png, { left: 10, top: 20, width: 333, height: 111 }, { format: 'png' });
    assert.deepEqual([crop.width, crop.height], [333, 111]);
    for (const [w, h] of [
      [1, 1],
      [639, 401],
      [1279, 799],
      [17, 3000],
    ] as const) {
      const out = await resizeImage(jpeg, { width: w, height: h }, { format: 'jpeg', compression: 80 });
      assert.deepEqual(await readImageInfo(out.bytes), { width: w, height: h, format: 'jpeg', hasAlpha: false, bands: 3 });
    }
    const padded = await padImage(png, { left: 5, top: 6, right: 7, bottom: 8, background: '#ff000080' }, { format: 'png' });
    assert.deepEqual([padded.width, padded.height], [652, 414]);
    assert.deepEqual(await pixelAt(padded.bytes, 0, 0), [255, 0, 0, 128]);
  });

  it('keeps alpha through resize and pad in PNG, and flattens it for JPEG', async () => {
    const out = await applyPlan(alphaPng, planSize({ width: 900, height: 300 }, 'gpt-image-2', { fit: 'contain' }), { format: 'png' });
    assert.equal((await readImageInfo(out.bytes)).hasAlpha, true);
    assert.equal(out.recomputed, true); // 300x200 is not the planned 1440x480
    assert.equal((await pixelAt(out.bytes, 0, 150))[3], 0);
    const flat = await encodeImage(alphaPng, { format: 'jpeg', background: '#00ff00' });
    const [r, g, b] = await pixelAt(flat.bytes, 150, 2);
    assert.ok((r ?? 255) < 40 && (g ?? 0) > 200 && (b ?? 255) < 40, `green under transparency, got ${r},${g},${b}`);
  });

  it('re-encodes PNG to JPEG with the compression setting', async () => {
    const high = await encodeImage(png, { format: 'jpeg', compression: 95 });
    const low = await encodeImage(png, { format: 'jpeg', compression: 20 });
    assert.ok(low.bytes.length < high.bytes.length);
  });

  it('refuses what is not PNG or JPEG, truncated files and steps that do not fit', async () => {
    await assert.rejects(readImageInfo(new Uint8Array([1, 2, 3])), /neither PNG nor JPEG/);
    await assert.rejects(encodeImage(png.slice(0, 2000), { format: 'png' }), ImageError);
    await assert.rejects(cropImage(png, { left: 600, top: 0, width: 100, height: 10 }, { format: 'png' }), /does not fit in a 640x400 image/);
    await assert.rejects(encodeImage(png, { format: 'webp' as 'png' }), /Unknown output format/);
    await assert.rejects(encodeImage(png, { format: 'jpeg', compression: 101 }), /0 to 100/);
  });

  it('does not leak libvips objects over many operations', async function () {
    this.timeout(60_000);
    const small = await renderSyntheticImage({ width: 64, height: 48 });
    const vips = await loadVips();
    await resizeImage(small, { width: 10, height: 10 }, { format: 'png' });
    const before = vips.Stats.allocations();
    for (let i = 0; i < 300; i++) {
      await applyPlan(small, planSize({ width: 20 + (i % 7), height: 30 }, 'gpt-image-2', { fit: i % 2 ? 'cover' : 'contain' }), { format: i % 3 ? 'png' : 'jpeg' });
    }
    await assert.rejects(cropImage(small, { left: 60, top: 0, width: 10, height: 10 }, { format: 'png' }));
    assert.ok(vips.Stats.allocations() - before < 20, `allocations grew from ${before} to ${vips.Stats.allocations()}`);
  });

  it('names the original beside the exact-size image', () => {
    assert.equal(originalFileName('hero.png'), 'hero.original.png');
    assert.equal(originalFileName('mockups/ja/hero-1170x2532.jpg'), 'mockups/ja/hero-1170x2532.original.jpg');
    assert.equal(originalFileName('C:\\w\\hero.jpeg', 'png'), 'C:\\w\\hero.original.png');
    assert.equal(originalFileName('hero.png', 'png'), 'hero.original.png');
    assert.ok(isOriginalFileName('hero.original.png'));
    assert.ok(!isOriginalFileName('hero.png'));
  });
});
