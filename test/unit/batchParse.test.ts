import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { defaultPattern, expandPattern, jobsOfShard, parseBatch, parseShard, shardOf, type BatchEnvironment } from '../../src/core/batch';
import { loadPresetCatalogue } from '../../src/core/sizes/designSystem';

const root = path.resolve('/ws');
const catalogue = loadPresetCatalogue({});

function env(files: string[] = [], overrides: Partial<BatchEnvironment> = {}): BatchEnvironment {
  const existing = new Set(files.map((f) => path.resolve(root, f)));
  return {
    batchFile: path.join(root, 'campaigns', 'summer.mockups.json'),
    root,
    model: 'gpt-image-2',
    presets: (id) => catalogue.find(id),
    fileExists: (p) => existing.has(p),
    readText: (p) => (existing.has(p) ? '{"brand":"Acme","colors":["#ff0000"]}' : undefined),
    ...overrides,
  };
}

function parse(value: unknown, e = env()) {
  return parseBatch(JSON.stringify(value, null, 2), e);
}

describe('batch files: parse and expand', () => {
  it('expands assets x sizes x locales x variants in a fixed order, with names from the pattern', () => {
    const { batch, problems } = parse({
      defaults: { quality: 'low' },
      locales: { ja: { strings: ['今すぐ購入'] }, ar: {} },
      assets: [
        { id: 'checkout', prompt: 'Checkout screen', sizes: ['iphone-16', '1200x630'], variants: 2 },
        { id: 'hero', prompt: 'Hero banner', sizes: ['390x844@3x'], locales: ['he'], output: '{locale}/{id}_{width}x{height}' },
      ],
    });
    assert.deepEqual(problems, []);
    assert.ok(batch);
    assert.deepEqual(
      batch.jobs.map((j) => j.id),
      [
        'checkout/iphone-16/ja/v1', 'checkout/iphone-16/ja/v2', 'checkout/iphone-16/ar/v1', 'checkout/iphone-16/ar/v2',
        'checkout/1200x630/ja/v1', 'checkout/1200x630/ja/v2', 'checkout/1200x630/ar/v1', 'checkout/1200x630/ar/v2',
        'hero/390x844@3x/he/v1',
      ],
    );
    assert.deepEqual(
      batch.jobs.map((j) => j.output.relative),
      [
        'checkout-iphone-16-ja-v1', 'checkout-iphone-16-ja-v2', 'checkout-iphone-16-ar-v1', 'checkout-iphone-16-ar-v2',
        'checkout-1200x630-ja-v1', 'checkout-1200x630-ja-v2', 'checkout-1200x630-ar-v1', 'checkout-1200x630-ar-v2',
        'he/hero_1170x2532',
      ],
    );
    assert.equal(batch.outputRoot, path.join(root, 'campaigns', 'mockups', 'summer'), 'default output: mockups/<batch name> beside the batch file');
    assert.equal(batch.jobs[8].output.folder, path.join(batch.outputRoot, 'he'));
    const ja = batch.jobs[0];
    assert.match(ja.promptSent, /^Checkout screen\n\nAll visible text in the image is written in Japanese \(日本語\)/);
    assert.match(ja.promptSent, /"今すぐ購入"/);
    assert.match(batch.jobs[2].promptSent, /Arabic \(العربية\).*right to left/);
    assert.equal(batch.jobs[8].direction, 'rtl');
    assert.equal(ja.quality, 'low');
  });

  it('reports schema problems on the line and column of the value', () => {
    const text = '{\n  "assets": [\n    { "id": "a", "sizes": ["1024x1024"], "colour": "red" },\n    { "id": "b", "sizes": ["1024x1024"] }\n  ]\n}\n';
    const { batch, problems } = parseBatch(text, env());
    assert.equal(batch, undefined);
    const unknown = problems.find((p) => /"colour" is not a field/.test(p.message));
    assert.ok(unknown, JSON.stringify(problems));
    assert.deepEqual(unknown.range.start, { line: 2, column: 41 });
    const missing = problems.find((p) => p.pointer === '/assets/1' && /needs a "prompt" or a "template"/.test(p.message));
    assert.ok(missing);
    assert.equal(missing.range.start.line, 3);
  });

  it('reports a syntax error where it is', () => {
    const { problems } = parseBatch('{\n  "assets": [\n    { "id": "a", }\n  ]\n}', env());
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /Not valid JSON/);
    assert.equal(problems[0].range.start.line, 2);
  });

  it('reports unknown presets, templates and locales, colliding and escaping patterns and missing files, each at its value', () => {
    const { problems } = parse(
      {
        locales: { xx: {} },
        assets: [
          { id: 'a', prompt: 'A', sizes: ['iphone-99', '1024x1024'], locales: ['ja', 'tlh'] },
          { id: 'b', template: { id: 'mobile-screen', fields: { app: 'a coffee app' } }, sizes: ['1024x1024'] },
          { id: 'c', prompt: 'C', locales: [], sizes: ['1024x1024', '1536x1024'], output: 'same-name' },
          { id: 'd', prompt: 'D', locales: [], sizes: ['1024x1024'], output: '../../../outside/{id}' },
          { id: 'e', prompt: 'E', locales: [], sizes: ['1024x1024'], edit: { image: 'in/base.png', references: ['in/ref.png'], mask: 'in/mask.png' } },
          { id: 'f', prompt: 'F', locales: [], sizes: ['1024x1024'], output: '{id}-{colour}' },
        ],
      },
      env(['campaigns/in/base.png']),
    );
    const at = (pointer: string): string[] => problems.filter((p) => p.pointer === pointer).map((p) => p.message);
    assert.match(at('/assets/0/sizes/0').join(), /Unknown preset id: "iphone-99"/);
    assert.match(at('/assets/0/locales/1').join(), /Unknown locale "tlh"/);
    assert.match(at('/locales/xx').join(), /Unknown locale "xx"/);
    assert.match(at('/assets/1/template').join(), /Template "mobile-screen" needs "Screen" \(screen\)/);
    assert.match(at('/assets/2/output').join(), /gives "same-name" for both c\/1024x1024\/-\/v1 and c\/1536x1024\/-\/v1/);
    assert.match(at('/assets/3/output').join(), /escapes the output folder/);
    assert.deepEqual(at('/assets/4/edit/image'), []);
    assert.match(at('/assets/4/edit/references/0').join(), /reference image "in\/ref.png" does not exist/);
    assert.match(at('/assets/4/edit/mask').join(), /mask "in\/mask.png" does not exist/);
    assert.match(at('/assets/5/output').join(), /Unknown placeholder \{colour\}/);
    assert.ok(problems.every((p) => p.severity === 'error'));
    const preset = problems.find((p) => p.pointer === '/assets/0/sizes/0');
    assert.ok(preset && preset.range.start.line > 0 && preset.range.end.column > preset.range.start.column, 'a problem spans its value');
  });

  it('reports an unknown template id through the schema, with the ids to use', () => {
    const { problems } = parse({ assets: [{ id: 'b', template: { id: 'no-such-template' }, sizes: ['1024x1024'] }] });
    const problem = problems.find((p) => p.pointer === '/assets/0/template/id');
    assert.ok(problem, JSON.stringify(problems));
    assert.match(problem.message, /Use one of "mobile-screen", "web-page"/);
  });

  it('reports patterns that collide between assets and an output folder outside the workspace', () => {
    const { problems } = parse({
      output: '../../elsewhere',
      defaults: { output: 'all/{preset}' },
      assets: [
        { id: 'a', prompt: 'A', sizes: ['1024x1024'] },
        { id: 'b', prompt: 'B', sizes: ['1024x1024'] },
      ],
    });
    assert.ok(problems.some((p) => p.pointer === '/output' && /outside the workspace/.test(p.message)));
    assert.ok(problems.some((p) => p.pointer === '/defaults/output' && /for both a\/1024x1024\/-\/v1 and b\/1024x1024\/-\/v1/.test(p.message)));
  });

  it('fills patterns safely: values cannot add folders, empty parts drop their separators', () => {
    assert.equal(expandPattern('{id}-{locale}-v{variant}', { id: 'hero', locale: '', variant: '2' }), 'hero-v2');
    assert.equal(expandPattern('{locale}/{id}', { id: 'a/../b', locale: 'ar' }), 'ar/a-b');
    assert.equal(defaultPattern(true, 3), '{id}-{preset}-{locale}-v{variant}');
    assert.equal(defaultPattern(false, 1), '{id}-{preset}');
  });

  it('splits jobs into shards deterministically: disjoint, complete, independent of order', () => {
    const { batch } = parse({ locales: { ja: {}, ko: {}, ar: {} }, assets: Array.from({ length: 10 }, (_, i) => ({ id: `a${i}`, prompt: `P${i}`, sizes: ['1024x1024', '1536x1024'] })) });
    assert.ok(batch);
    const shards = [1, 2, 3].map((index) => jobsOfShard(batch.jobs, { index, count: 3 }).map((j) => j.id));
    const all = shards.flat();
    assert.equal(all.length, batch.jobs.length);
    assert.equal(new Set(all).size, batch.jobs.length);
    assert.ok(shards.every((s) => s.length > 0));
    const reversed = jobsOfShard([...batch.jobs].reverse(), { index: 2, count: 3 }).map((j) => j.id);
    assert.deepEqual(new Set(reversed), new Set(shards[1]));
    assert.equal(shardOf('a1/1024x1024/ja/v1', 3), shardOf('a1/1024x1024/ja/v1', 3));
    assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1-2']) assert.throws(() => parseShard(bad));
  });
});
