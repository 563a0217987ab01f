import * as assert from 'node:assert/strict';
import { BUILT_IN_GROUPS, BUILT_IN_PRESETS, PRESET_ID_PATTERN, presetPixels } from '../../src/core/sizes/presets';
import { planSize } from '../../src/core/sizes/planner';
import { MODEL_FAMILIES, isValidSize } from '../../src/core/sizes/rules';
import { presetTarget } from '../../src/core/sizes/target';

describe('built-in presets', () => {
  it('has at least 30 presets in the seven groups, each group with a source note', () => {
    assert.ok(BUILT_IN_PRESETS.length >= 30, String(BUILT_IN_PRESETS.length));
    assert.deepEqual(
      BUILT_IN_GROUPS.map((g) => g.id),
      ['phones', 'tablets', 'desktop', 'social', 'app-stores', 'email', 'icons'],
    );
    for (const group of BUILT_IN_GROUPS) {
      assert.ok(group.source.length > 40, `${group.id} has a source`);
      assert.ok(BUILT_IN_PRESETS.some((p) => p.group === group.id), `${group.id} has presets`);
    }
  });

  it('uses unique, well-formed ids and whole-pixel sizes', () => {
    const ids = new Set<string>();
    for (const p of BUILT_IN_PRESETS) {
      assert.match(p.id, PRESET_ID_PATTERN);
      assert.ok(!ids.has(p.id), `duplicate ${p.id}`);
      ids.add(p.id);
      const px = presetPixels(p);
      assert.equal(px.width, p.width * p.density, `${p.id} width is whole pixels`);
      assert.equal(px.height, p.height * p.density, `${p.id} height is whole pixels`);
    }
  });

  it('keeps the published figures of well-known sizes', () => {
    const px = (id: string) => {
      const p = BUILT_IN_PRESETS.find((x) => x.id === id);
      assert.ok(p, id);
      const { width, height } = presetPixels(p);
      return `${width}x${height}`;
    };
    assert.equal(px('iphone-14'), '1170x2532');
    assert.equal(px('iphone-16-pro-max'), '1320x2868');
    assert.equal(px('ipad-pro-13'), '2064x2752');
    assert.equal(px('og-image'), '1200x630');
    assert.equal(px('app-store-iphone-6-9'), '1320x2868');
    assert.equal(px('play-feature-graphic'), '1024x500');
    assert.equal(px('apple-touch-icon'), '180x180');
    assert.equal(px('desktop-4k'), '3840x2160');
  });

  it('plans every preset on every model and fit to a valid generation size', () => {
    for (const preset of BUILT_IN_PRESETS) {
      for (const model of MODEL_FAMILIES) {
        for (const fit of ['cover', 'contain', 'generated'] as const) {
          const plan = planSize(presetTarget(preset), model, { fit });
          assert.ok(plan.generation !== 'auto' && isValidSize(model, plan.generation), `${preset.id} ${model} ${fit}`);
        }
      }
    }
  });
});
