import * as assert from 'node:assert/strict';
import { distinguishingLabels } from '../../src/core/studio/labels';

describe('Names that tell mockups apart', () => {
  it('names the results of one request by language and variant, not by the shared prompt and size', () => {
    const size = '1170x2532';
    const items = [
      { name: 'checkout-1170x2532-en-v1.png', sizeLabel: size, locale: 'en' },
      { name: 'checkout-1170x2532-en-v2.png', sizeLabel: size, locale: 'en' },
      { name: 'checkout-1170x2532-ja-v1.png', sizeLabel: size, locale: 'ja' },
      { name: 'checkout-1170x2532-ja-v2.png', sizeLabel: size, locale: 'ja' },
    ];
    assert.deepEqual(distinguishingLabels(items), ['en · v1', 'en · v2', 'ja · v1', 'ja · v2']);
  });

  it('names one screen at several sizes by its size, and a lone image by its size', () => {
    assert.deepEqual(
      distinguishingLabels([
        { name: 'login-390x844.png', sizeLabel: '390x844' },
        { name: 'login-1170x2532.png', sizeLabel: '1170x2532' },
      ]),
      ['390x844', '1170x2532'],
    );
    assert.deepEqual(distinguishingLabels([{ name: 'login-390x844.png', sizeLabel: '390x844' }]), ['390x844']);
  });

  it('tells an edit from its parent and a numbered copy from the first, and falls back to the names', () => {
    assert.deepEqual(
      distinguishingLabels([
        { name: 'login-1024x1024.png', sizeLabel: '1024x1024' },
        { name: 'login-1024x1024-refined.png', sizeLabel: '1024x1024' },
        { name: 'login-1024x1024-refined-2.png', sizeLabel: '1024x1024' },
      ]),
      ['original', 'refined', 'refined · #2'],
    );
    assert.deepEqual(
      distinguishingLabels([
        { name: 'home.png', sizeLabel: '1024x1024' },
        { name: 'settings.png', sizeLabel: '1024x1024' },
      ]),
      ['home', 'settings'],
      'different screens at one size are told apart by their names',
    );
  });
});
