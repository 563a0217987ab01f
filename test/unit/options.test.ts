// The scripting contract of Generate Mockup and Refine Image (options objects from scripts,
// keybindings and tests), and the API key check: untrusted input, every problem named.
import * as assert from 'node:assert/strict';
import { checkApiKey } from '../../src/core/apiKey';
import { OptionsError, parseGenerateOptions, parseRefineOptions } from '../../src/core/options';

function problems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof OptionsError) return error.problems;
    throw error;
  }
  assert.fail('expected an OptionsError');
}

describe('scripting options of Generate Mockup', () => {
  it('accepts every option and drops absent ones', () => {
    assert.deepEqual(parseGenerateOptions({ prompt: 'Login', sizes: ['iphone-14', '1200x630'], folder: 'mockups', name: 'login', quality: 'high', n: 2, format: 'jpeg', background: 'opaque', fit: 'contain' }), {
      prompt: 'Login',
      sizes: ['iphone-14', '1200x630'],
      folder: 'mockups',
      name: 'login',
      quality: 'high',
      n: 2,
      format: 'jpeg',
      background: 'opaque',
      fit: 'contain',
    });
    assert.deepEqual(parseGenerateOptions({ prompt: 'Login' }), { prompt: 'Login' });
  });

  it('names every wrong field at once, and what to use instead', () => {
    const found = problems(() => parseGenerateOptions({ prompt: '', n: 11, quality: 'ultra', colour: 'red', sizes: [], format: 'gif', fit: 'stretch', name: '../x' }));
    assert.ok(found.some((p) => /^"colour" is not an option \(allowed: prompt, sizes/.test(p)));
    assert.ok(found.some((p) => /^"prompt" must be a non-empty string/.test(p)));
    assert.ok(found.some((p) => /^"n" must be a whole number from 1 to 10 \(got 11\)/.test(p)));
    assert.ok(found.some((p) => /^"quality" must be one of low, medium, high, auto \(got "ultra"\)/.test(p)));
    assert.ok(found.some((p) => /^"sizes" must be a list of 1 to 50 non-empty strings/.test(p)));
    assert.ok(found.some((p) => /^"format" must be one of png, jpeg/.test(p)));
    assert.ok(found.some((p) => /^"fit" must be one of cover, contain, generated/.test(p)));
    assert.ok(found.some((p) => /^"name": .*path separator/.test(p)));
  });

  it('refuses what is not an options object, a transparent JPEG and an overlong prompt', () => {
    for (const raw of [null, 'Login screen', ['Login'], 42]) {
      assert.match(problems(() => parseGenerateOptions(raw))[0], /takes an options object/);
    }
    assert.match(problems(() => parseGenerateOptions({ prompt: 'x', background: 'transparent', format: 'jpeg' }))[0], /needs "format": "png"/);
    assert.match(problems(() => parseGenerateOptions({ prompt: 'x'.repeat(32_001) }))[0], /32001 characters; the service accepts at most 32000/);
    assert.match(problems(() => parseGenerateOptions({ prompt: 'x', n: 1.5 }))[0], /whole number/);
  });
});

describe('scripting options of Refine Image', () => {
  it('needs the image and the change, and caps the references', () => {
    assert.deepEqual(parseRefineOptions({ image: 'mockups/a.png', prompt: 'Make it green', references: ['b.png'], mask: 'm.png', quality: 'low', n: 1 }), {
      image: 'mockups/a.png',
      prompt: 'Make it green',
      references: ['b.png'],
      mask: 'm.png',
      quality: 'low',
      n: 1,
    });
    const found = problems(() => parseRefineOptions({ prompt: ' ', references: Array.from({ length: 16 }, (_, i) => `${i}.png`) }));
    assert.ok(found.some((p) => /"image" is required/.test(p)));
    assert.ok(found.some((p) => /"prompt" must be a non-empty string/.test(p)));
    assert.ok(found.some((p) => /at most 15 images/.test(p)));
    assert.match(problems(() => parseRefineOptions({ image: 'a.png', prompt: 'x', fit: 'cover' }))[0], /"fit" is not an option/);
  });
});

describe('API keys typed or pasted by a user', () => {
  it('accepts both key shapes, trimmed', () => {
    assert.deepEqual(checkApiKey('  0123456789abcdef0123456789abcdef \n'), { key: '0123456789abcdef0123456789abcdef' });
    const long = 'A1b2C3d4'.repeat(10) + 'XyZ9';
    assert.deepEqual(checkApiKey(long), { key: long });
  });

  it('names the problem of what cannot be a key', () => {
    const problem = (input: unknown): string => {
      const result = checkApiKey(input);
      assert.ok('problem' in result, `refused: ${String(input)}`);
      return result.problem;
    };
    assert.match(problem(''), /empty: copy Key 1 or Key 2/);
    assert.match(problem(42), /must be text/);
    assert.match(problem('has space inside the key value'), /spaces or control characters/);
    assert.match(problem('abc\u0000defghijklmnopqrstu'), /control characters/);
    assert.match(problem('short-key'), /9 characters long/);
    assert.match(problem('x'.repeat(300)), /300 characters long/);
  });
});
