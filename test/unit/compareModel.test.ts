import * as assert from 'node:assert/strict';
import { type Compared, compareLabels, defaultPair, sliderKey, variantOf } from '../../src/webview/compareModel';

/** The English strings, as `t` gives them without a bundle. */
const english = (message: string, ...args: Array<string | number>): string => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));

function image(file: string, more: Partial<Compared> = {}): Compared {
  const name = file.split('/').pop() ?? file;
  return { file, name, sizeLabel: '600x200', chain: [{ file, operation: 'generate', prompt: 'A checkout screen' }], ...more };
}

describe('Studio comparison: labels and pairs', () => {
  const en = image('m/checkout-600x200-en.png', { locale: 'en' });
  const ja = image('m/checkout-600x200-ja.png', { locale: 'ja' });
  const refined = image('m/checkout-600x200-ja-refined.png', {
    locale: 'ja',
    chain: [...ja.chain, { file: 'm/checkout-600x200-ja-refined.png', operation: 'edit', prompt: 'Make the pay button green and the header a little darker' }],
  });
  const inpainted = image('m/checkout-600x200-ja-inpainted.png', {
    locale: 'ja',
    chain: [...refined.chain, { file: 'm/checkout-600x200-ja-inpainted.png', operation: 'edit', prompt: 'A round promo badge' }],
  });

  it('labels images by what tells them apart: locale, size, variant', () => {
    assert.deepEqual(compareLabels([en, ja], english), ['en', 'ja']);
    const big = image('m/checkout-1200x400-en.png', { sizeLabel: '1200x400', locale: 'en' });
    assert.deepEqual(compareLabels([en, big], english), ['600x200', '1200x400'], 'same locale: only the size');
    assert.deepEqual(compareLabels([en, big, ja], english), ['600x200 · en', '1200x400 · en', '600x200 · ja']);
    const v1 = image('m/checkout-600x200-v1.png');
    const v2 = image('m/checkout-600x200-v2-2.png');
    assert.deepEqual(compareLabels([v1, v2], english), ['variant 1', 'variant 2']);
    assert.equal(variantOf('a-v12.jpeg'), 12);
    assert.equal(variantOf('a-600x200-en.png'), undefined);
  });

  it('labels a refine\'s parent "parent" and the refine by its edit, and an older step by its distance', () => {
    assert.deepEqual(compareLabels([refined, ja], english), ['edit: Make the pay button green and the heade…', 'parent']);
    assert.deepEqual(compareLabels([inpainted, ja], english), ['edit: A round promo badge', '2 steps earlier']);
    assert.deepEqual(compareLabels([inpainted, ja, refined], english), ['edit: A round promo badge', 'parent', 'parent · edit: Make the pay button green and the heade…']);
  });

  it('falls back to the file names when nothing else tells them apart', () => {
    const again = image('m/checkout-600x200-en-2.png', { locale: 'en' });
    assert.deepEqual(compareLabels([en, again], english), ['checkout-600x200-en.png', 'checkout-600x200-en-2.png']);
    // Two of three share everything but their names: those two get their names, the third keeps its locale.
    assert.deepEqual(compareLabels([en, again, ja], english), ['en · checkout-600x200-en.png', 'en · checkout-600x200-en-2.png', 'ja']);
  });

  it('overlays a refine on its parent first, else two locales of one size, else two of one size', () => {
    assert.deepEqual(defaultPair([en, refined, ja]), [2, 1], 'the parent before its refine');
    assert.deepEqual(defaultPair([inpainted, ja, refined]), [2, 0], 'the nearest step of the lineage');
    const big = image('m/checkout-1200x400-en.png', { sizeLabel: '1200x400', locale: 'en' });
    assert.deepEqual(defaultPair([big, en, ja]), [1, 2], 'locale against locale at one size');
    const other = image('m/other-600x200-en.png', { locale: 'en' });
    assert.deepEqual(defaultPair([big, en, other]), [1, 2], 'one size');
    assert.deepEqual(defaultPair([big, image('m/x.png', { sizeLabel: '390x844' })]), [0, 1]);
  });

  it('moves a percentage slider with the keys, within 0 to 100', () => {
    assert.equal(sliderKey(50, 'ArrowRight'), 51);
    assert.equal(sliderKey(50, 'ArrowLeft', true), 40);
    assert.equal(sliderKey(95, 'PageUp'), 100);
    assert.equal(sliderKey(3, 'PageDown'), 0);
    assert.equal(sliderKey(40, 'Home'), 0);
    assert.equal(sliderKey(40, 'End'), 100);
    assert.equal(sliderKey(40, 'a'), undefined);
  });
});
