import * as assert from 'node:assert/strict';
import { GPT_IMAGE_2_LIMITS, isValidSize, parseSize, sizeProblem, sizeWarnings } from '../../src/core/sizes/rules';

describe('size rules', () => {
  it('accepts gpt-image-2 sizes inside every limit, including the edges of the range', () => {
    for (const [width, height] of [
      [1024, 1024],
      [3840, 2160],
      [1184, 2544],
      [1024, 640],
      [2400, 800],
    ] as const) {
      assert.equal(sizeProblem('gpt-image-2', { width, height }), undefined, `${width}x${height}`);
    }
  });

  it('names the broken rule and a fix for each gpt-image-2 limit', () => {
    assert.match(sizeProblem('gpt-image-2', { width: 1000, height: 1000 }) ?? '', /multiples of 16 \(nearest: 1008x1008\)/);
    assert.match(sizeProblem('gpt-image-2', { width: 3856, height: 2160 }) ?? '', /long edge is 3856 px and may be at most 3840/);
    assert.match(sizeProblem('gpt-image-2', { width: 2448, height: 800 }) ?? '', /ratio is 3\.06:1 and may be at most 3:1/);
    assert.match(sizeProblem('gpt-image-2', { width: 800, height: 800 }) ?? '', /640,000 pixels and needs at least 655,360/);
    assert.match(sizeProblem('gpt-image-2', { width: 3840, height: 2176 }) ?? '', /at most 8,294,400/);
    assert.match(sizeProblem('gpt-image-2', { width: 0, height: 10 }) ?? '', /positive whole numbers/);
  });

  it('accepts only the three fixed sizes for the gpt-image-1 family', () => {
    for (const model of ['gpt-image-1', 'gpt-image-1.5', 'gpt-image-1-mini'] as const) {
      assert.ok(isValidSize(model, { width: 1536, height: 1024 }));
      assert.match(sizeProblem(model, { width: 1024, height: 768 }) ?? '', /use one of 1024x1024, 1536x1024, 1024x1536 or auto/);
    }
  });

  it('warns about experimental and edge-of-range sizes', () => {
    assert.equal(sizeWarnings('gpt-image-2', { width: 1024, height: 1024 }).length, 0);
    assert.equal(sizeWarnings('gpt-image-2', { width: 3840, height: 2160 }).length, 2);
    assert.equal(GPT_IMAGE_2_LIMITS.maxPixels, 3840 * 2160);
  });

  it('parses WxH and auto, and rejects anything else', () => {
    assert.deepEqual(parseSize(' 1170 x 2532 '), { width: 1170, height: 2532 });
    assert.deepEqual(parseSize('1200×630'), { width: 1200, height: 630 });
    assert.equal(parseSize('AUTO'), 'auto');
    assert.equal(parseSize('12OOx630'), undefined);
    assert.equal(parseSize('-5x5'), undefined);
  });
});
