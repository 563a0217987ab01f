import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyPlan, readImageInfo } from '../../src/core/image/index';
import { planSize, sizeAfterSteps, type SizePlan } from '../../src/core/sizes/planner';
import { findBuiltInPreset } from '../../src/core/sizes/presets';
import { isValidSize, MODEL_FAMILIES, type ModelFamily, type Size } from '../../src/core/sizes/rules';
import { cssTarget, FITS, parseTarget, TargetError, type Fit } from '../../src/core/sizes/target';
import { renderWireframe } from '../emulator/render';

const target = (text: string) => parseTarget(text, findBuiltInPreset);

/** The size the plan delivers: the target, or the generation size for fit "generated". */
function delivered(plan: SizePlan): Size {
  if (plan.generation === 'auto' || plan.target === 'auto') throw new Error('auto');
  return plan.fit === 'generated' ? plan.generation : { width: plan.target.width, height: plan.target.height };
}

function checkPlan(plan: SizePlan): void {
  assert.notEqual(plan.generation, 'auto');
  assert.notEqual(plan.target, 'auto');
  if (plan.generation === 'auto' || plan.target === 'auto') return;
  assert.ok(isValidSize(plan.model, plan.generation), `${plan.generation.width}x${plan.generation.height} invalid for ${plan.model}`);
  assert.deepEqual(sizeAfterSteps(plan.generation, plan.steps), delivered(plan));
  let size: Size = plan.generation;
  for (const step of plan.steps) {
    if (step.kind === 'crop') {
      assert.ok(step.left >= 0 && step.top >= 0 && step.width >= 1 && step.height >= 1);
      assert.ok(step.left + step.width <= size.width && step.top + step.height <= size.height, 'crop inside the image');
    }
    if (step.kind === 'pad') assert.ok([step.left, step.top, step.right, step.bottom].every((n) => Number.isInteger(n) && n >= 0));
    size = sizeAfterSteps(size, [step]);
  }
  assert.ok(plan.explanation.startsWith('Generate '));
  if (plan.fit === 'generated') assert.equal(plan.steps.length, 0);
}

describe('size planner', () => {
  describe('worked examples', () => {
    // target, model, fit -> generation, explanation
    const table: [string, ModelFamily, Fit, string, string][] = [
      ['iphone-14', 'gpt-image-2', 'cover', '1184x2544', 'Generate 1184x2544, crop 14 px from the width and 12 px from the height (to 1170x2532).'],
      ['390x844@3x', 'gpt-image-2', 'cover', '1184x2544', 'Generate 1184x2544, crop 14 px from the width and 12 px from the height (to 1170x2532).'],
      ['iphone-16-pro-max', 'gpt-image-2', 'cover', '1328x2880', 'Generate 1328x2880, crop 8 px from the width and 12 px from the height (to 1320x2868).'],
      ['iphone-se', 'gpt-image-2', 'cover', '752x1344', 'Generate 752x1344, crop 2 px from the width and 10 px from the height (to 750x1334).'],
      ['og-image', 'gpt-image-2', 'cover', '1216x640', 'Generate 1216x640, crop 16 px from the width and 10 px from the height (to 1200x630).'],
      ['desktop-1920', 'gpt-image-2', 'cover', '1920x1088', 'Generate 1920x1088, crop 8 px from the height (to 1920x1080).'],
      ['desktop-4k', 'gpt-image-2', 'cover', '3840x2160', 'Generate 3840x2160: it is exactly the target; no post-processing.'],
      ['instagram-square', 'gpt-image-2', 'cover', '1088x1088', 'Generate 1088x1088, crop 8 px from the width and 8 px from the height (to 1080x1080).'],
      ['1024x600', 'gpt-image-2', 'cover', '1056x624', 'Generate 1056x624, crop 5 px from the height (to 1056x619), resize to 1024x600.'],
      ['email-banner', 'gpt-image-2', 'cover', '1440x480', 'Generate 1440x480, resize to 1200x400.'],
      ['600x200', 'gpt-image-2', 'cover', '1440x480', 'Generate 1440x480, resize to 600x200.'],
      ['favicon-32', 'gpt-image-2', 'cover', '816x816', 'Generate 816x816, resize to 32x32.'],
      ['linkedin-banner', 'gpt-image-2', 'cover', '1584x528', 'Generate 1584x528, crop 132 px from the height (to 1584x396).'],
      [
        'linkedin-banner',
        'gpt-image-2',
        'contain',
        '1440x480',
        'Generate 1440x480, resize to 1188x396, pad left 198, right 198 with transparent (to 1584x396).',
      ],
      ['app-store-ipad-13', 'gpt-image-2', 'cover', '2064x2752', 'Generate 2064x2752: it is exactly the target; no post-processing.'],
      ['7680x4320', 'gpt-image-2', 'cover', '3840x2160', 'Generate 3840x2160, resize to 7680x4320.'],
      ['iphone-14', 'gpt-image-1', 'cover', '1024x1536', 'Generate 1024x1536, crop 314 px from the width (to 710x1536), resize to 1170x2532.'],
      ['og-image', 'gpt-image-1.5', 'cover', '1536x1024', 'Generate 1536x1024, crop 218 px from the height (to 1536x806), resize to 1200x630.'],
      ['icon-app-store', 'gpt-image-1-mini', 'cover', '1024x1024', 'Generate 1024x1024: it is exactly the target; no post-processing.'],
      ['iphone-14', 'gpt-image-2', 'generated', '1184x2544', 'Generate 1184x2544 and keep it as generated (fit "generated": the target 1170x2532 is not applied).'],
    ];
    for (const [text, model, fit, generation, explanation] of table) {
      it(`${text} on ${model} (${fit}): ${generation}`, () => {
        const plan = planSize(target(text), model, { fit });
        assert.notEqual(plan.generation, 'auto');
        if (plan.generation === 'auto') return;
        assert.equal(`${plan.generation.width}x${plan.generation.height}`, generation);
        assert.equal(plan.explanation, explanation);
        checkPlan(plan);
      });
    }

    it('warns when it upscales, and when a target beyond 3:1 loses or gains pixels', () => {
      assert.match(planSize(target('7680x4320'), 'gpt-image-2').warnings.join('\n'), /upscaling x2\.00/);
      assert.match(planSize(target('linkedin-banner'), 'gpt-image-2').warnings.join('\n'), /beyond gpt-image-2's 3:1 limit.*132 px from the height \(25\.0% of the generated image\) is lost/);
      assert.match(
        planSize(target('email-header'), 'gpt-image-2', { fit: 'contain', padColor: '#fff' }).warnings.join('\n'),
        /6\.00:1\) is beyond .* and padded: 600 px of #ffffff padding/,
      );
      assert.match(planSize(target('og-image'), 'gpt-image-1').warnings.join('\n'), /no size close to 1200x630's aspect ratio/);
      assert.match(planSize(target('desktop-4k'), 'gpt-image-2').warnings.join('\n'), /experimental/);
      assert.deepEqual(planSize(target('iphone-14'), 'gpt-image-2').warnings, []);
    });

    it('keeps the preset and CSS size in the plan, and notes rounded densities', () => {
      const plan = planSize(target('iphone-14'), 'gpt-image-2');
      assert.deepEqual(plan.target, { width: 1170, height: 2532, cssWidth: 390, cssHeight: 844, density: 3, presetId: 'iphone-14' });
      const rounded = planSize(target('411x891@2.625x'), 'gpt-image-2');
      assert.match(rounded.warnings[0] ?? '', /1078\.875x2338\.875 px, rounded to 1079x2339/);
    });

    it('plans auto as size auto with no post-processing', () => {
      const plan = planSize('auto', 'gpt-image-2');
      assert.equal(plan.generation, 'auto');
      assert.deepEqual(plan.steps, []);
      assert.match(plan.explanation, /size auto/);
    });

    it('rejects invalid targets and options with clear errors', () => {
      assert.throws(() => planSize({ width: 0, height: 10 }, 'gpt-image-2'), /whole number of pixels above 0, not 0/);
      assert.throws(() => planSize({ width: -5, height: 10 }, 'gpt-image-2'), TargetError);
      assert.throws(() => planSize({ width: Number.NaN, height: 10 }, 'gpt-image-2'), /not a number/);
      assert.throws(() => planSize({ width: 100000, height: 10 }, 'gpt-image-2'), /100000 px; the largest edge/);
      assert.throws(() => planSize({ width: 10, height: 10 }, 'gpt-image-2', { fit: 'stretch' as Fit }), /Unknown fit "stretch"/);
      assert.throws(() => planSize({ width: 10, height: 10 }, 'gpt-image-2', { padColor: 'blue' }), /not a colour/);
    });
  });

  describe('properties', function () {
    // Thousands of generated cases: on a busy 2-core machine they take far longer than the default.
    this.timeout(180_000);
    const models = fc.constantFrom(...MODEL_FAMILIES);
    const fits = fc.constantFrom(...FITS);
    const side = fc.integer({ min: 1, max: 10_000 });

    it('any pixel target (1-10,000 px a side) gets a valid generation size and steps that yield exactly the target', () => {
      fc.assert(
        fc.property(side, side, models, fits, (width, height, model, fit) => {
          checkPlan(planSize({ width, height }, model, { fit }));
        }),
        { numRuns: 4000, seed: 20260421 },
      );
    });

    it('any CSS size at density 1-4 either plans exactly or is refused with a TargetError', () => {
      fc.assert(
        fc.property(
          side,
          side,
          fc.oneof(fc.constantFrom(1, 1.5, 2, 2.625, 3, 4), fc.double({ min: 1, max: 4, noNaN: true })),
          models,
          fits,
          (w, h, density, model, fit) => {
            let t;
            try {
              t = cssTarget(w, h, density);
            } catch (error) {
              assert.ok(error instanceof TargetError, String(error));
              assert.ok(Math.max(w, h) * density > 16_000 || w * h * density * density > 99_000_000, `refused ${w}x${h}@${density}`);
              return;
            }
            checkPlan(planSize(t, model, { fit }));
          },
        ),
        { numRuns: 2000, seed: 7 },
      );
    });

    it('processing an emulator image of the generation size yields exactly the target (real decode, steps, encode)', async function () {
      this.timeout(180_000);
      const renders = new Map<string, Promise<Buffer>>();
      const render = (size: Size, format: 'png' | 'jpeg'): Promise<Buffer> => {
        const key = `${size.width}x${size.height}.${format}`;
        let bytes = renders.get(key);
        if (!bytes) {
          bytes = renderWireframe({ ...size, format, prompt: key, transparent: format === 'png' && size.width % 32 === 0 });
          renders.set(key, bytes);
          if (renders.size > 64) renders.delete(renders.keys().next().value ?? '');
        }
        return bytes;
      };
      // Sides up to 4,000 px keep the run short; every model and fit is drawn.
      const small = fc.integer({ min: 1, max: 4000 });
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(small, small, models, fits, fc.constantFrom('png' as const, 'jpeg' as const), async (width, height, model, fit, format) => {
          const plan = planSize({ width, height }, model, { fit, padColor: width % 2 ? 'transparent' : '#336699' });
          if (plan.generation === 'auto') return;
          const source = await render(plan.generation, format);
          const result = await applyPlan(source, plan, { format, compression: 85 });
          const expected = delivered(plan);
          assert.equal(result.recomputed, false);
          assert.deepEqual({ width: result.width, height: result.height }, expected);
          const info = await readImageInfo(result.bytes);
          assert.deepEqual({ width: info.width, height: info.height, format: info.format }, { ...expected, format });
          runs++;
        }),
        { numRuns: 240, seed: 42 },
      );
      assert.equal(runs, 240);
    });

    it('recomputes the steps when the image is not the planned size, and still delivers the target', async () => {
      const plan = planSize(target('iphone-14'), 'gpt-image-2');
      for (const [w, h] of [
        [1024, 1536],
        [1536, 1024],
        [1254, 2508],
      ] as const) {
        const result = await applyPlan(await renderWireframe({ width: w, height: h, format: 'png', prompt: 'odd' }), plan, { format: 'png' });
        assert.equal(result.recomputed, true);
        assert.deepEqual([result.width, result.height, result.sourceSize.width], [1170, 2532, w]);
      }
    });
  });
});
