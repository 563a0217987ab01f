// The one generation use case: plan targets, prepare (compose, estimate, problems) and run (events,
// files), against the Foundry emulator over real HTTP.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeIncompleteGroups } from '../../src/core/assets/groups';
import { companionFolderProblem } from '../../src/core/assets/naming';
import { groupProblem, indexDoneJobs } from '../../src/core/batch';
import { discoverDesignSystem } from '../../src/core/design';
import { createFoundryClient, FoundryError, type FoundryClient } from '../../src/core/foundry';
import {
  defaultPartialImages,
  describeRetry,
  estimateRequest,
  failureText,
  type GenerationContext,
  type GenerationEnv,
  type GenerationEvent,
  parentFromSidecarText,
  planTargets,
  prepareGeneration,
  promptDesign,
  runGeneration,
} from '../../src/core/generation';
import { readImageInfo } from '../../src/core/image';
import { DEFAULT_PRICING, estimateCost } from '../../src/core/pricing';
import { parseStyleGuide } from '../../src/core/prompts';
import { loadPresetCatalogue } from '../../src/core/sizes/designSystem';
import sharp from 'sharp';
import { type Emulator, startEmulator } from '../emulator/server';

/** A flat PNG of `width` x `height` (with an alpha channel when asked). */
async function png(width: number, height: number, alpha = false): Promise<Uint8Array> {
  const channels = alpha ? 4 : 3;
  return new Uint8Array(await sharp({ create: { width, height, channels, background: alpha ? { r: 0, g: 0, b: 0, alpha: 0.5 } : '#336699' } }).png().toBuffer());
}

const catalogue = loadPresetCatalogue();
const pricing = DEFAULT_PRICING['gpt-image-2'];
const env: GenerationEnv = { model: 'gpt-image-2', catalogue, pricing };

describe('the generation use case: planning targets', () => {
  it('plans each size once, with a short badge, and carries the problem of a size that cannot be planned', () => {
    let lookups = 0;
    const counting = { find: (id: string) => (lookups++, catalogue.find(id)) };
    const plans = planTargets(['iphone-14', '1200x630', '100000x5', 'auto'], counting, 'gpt-image-2');
    assert.equal(lookups, 1, 'one preset lookup for the one preset id');
    assert.deepEqual(plans.map((p) => p.ok), [true, true, false, true]);
    const [phone, og, bad, auto] = plans;
    assert.ok(phone.ok && og.ok && auto.ok && !bad.ok);
    assert.equal(phone.info.target, '1170x2532');
    assert.match(phone.info.badge, /^crop/);
    assert.match(og.info.explanation, /^Generate \d+x\d+/);
    assert.match(bad.problem, /100000/);
    assert.equal(auto.info.badge, 'auto');
  });

  it('says "exact" for a size the model makes as it is, and names an upscale', () => {
    const [exact, huge] = planTargets(['1024x1024', '7680x4320'], catalogue, 'gpt-image-2');
    assert.ok(exact.ok && huge.ok);
    assert.equal(exact.info.badge, 'exact');
    assert.match(huge.info.badge, /upscale x2\.00/);
    assert.ok(huge.info.warnings.some((w) => /upscaling/.test(w)));
  });
});

describe('the generation use case: preparing', () => {
  const folder = path.join(os.tmpdir(), 'fm-prepare');

  it('makes one request per size and locale, each prompt composed part by part', () => {
    const styleGuide = parseStyleGuide(JSON.stringify({ brand: 'Brew', colors: { primary: '#0B5FFF' } }), 'brand.json');
    const prepared = prepareGeneration({ prompt: 'Login screen', sizes: ['iphone-14', '1200x630'], locales: ['en', 'ja'], quality: 'medium', folder }, { ...env, designSystem: styleGuide });
    assert.deepEqual(prepared.problems, []);
    assert.equal(prepared.requests.length, 4);
    assert.deepEqual(prepared.requests.map((r) => r.label), ['1170x2532 (iphone-14) · en', '1170x2532 (iphone-14) · ja', '1200x630 · en', '1200x630 · ja']);
    const ja = prepared.composed.find((c) => c.locale === 'ja');
    assert.ok(ja);
    assert.deepEqual(ja.parts.map((p) => p.kind), ['text', 'styleGuide', 'locale']);
    assert.match(ja.sent, /#0B5FFF/);
    assert.match(ja.sent, /Japanese/);
    assert.equal(prepared.requests[1].request.promptSent, ja.sent);
    assert.equal(prepared.requests[1].request.styleGuide, 'brand.json');
  });

  it('estimates with the previews priced in, and picks previews that cost at most a tenth of the image', () => {
    assert.equal(defaultPartialImages('gpt-image-2', { width: 1024, height: 1024 }, 'low'), 0, 'none at low quality');
    assert.equal(defaultPartialImages('gpt-image-2', { width: 1024, height: 1024 }, 'medium'), 1);
    assert.equal(defaultPartialImages('gpt-image-2', { width: 1024, height: 1024 }, 'high'), 3);

    const medium = prepareGeneration({ prompt: 'Settings page', sizes: ['1024x1024'], quality: 'medium', n: 2, folder }, env);
    const request = medium.requests[0].request;
    assert.equal(request.partialImages, 1);
    const expected = estimateCost({ model: 'gpt-image-2', size: { width: 1024, height: 1024 }, quality: 'medium', n: 2, promptChars: request.promptSent.length, partialImages: 1 }, pricing).usd;
    assert.equal(medium.estimate.usd, expected);
    const withoutPreviews = estimateCost({ model: 'gpt-image-2', size: { width: 1024, height: 1024 }, quality: 'medium', n: 2, promptChars: request.promptSent.length }, pricing).usd;
    assert.ok(medium.estimate.previewsUsd > 0);
    assert.equal(Math.round((medium.estimate.usd ?? 0) * 1e6), Math.round((withoutPreviews + medium.estimate.previewsUsd) * 1e6));
    assert.ok(medium.estimate.previewsUsd <= 0.1 * withoutPreviews + 1e-9, 'previews cost at most a tenth');
    assert.match(medium.estimate.summary, /2 image\(s\).*medium quality: about \$0\.\d+, of which \$0\.\d+ for 1 preview/);

    const none = prepareGeneration({ prompt: 'Settings page', sizes: ['1024x1024'], quality: 'medium', partialImages: 0, folder }, env);
    assert.equal(none.estimate.previewsUsd, 0);
    assert.equal(none.requests[0].request.partialImages, undefined);
  });

  it('never quotes $0.00 for what cannot be sent: it names what is missing', () => {
    const badSize = prepareGeneration({ prompt: 'Hero', sizes: ['100000x5'], folder }, env);
    assert.equal(badSize.estimate.usd, undefined);
    assert.match(badSize.estimate.missing ?? '', /100000/);
    assert.match(badSize.estimate.summary, /^Cannot estimate: /);
    const empty = prepareGeneration({ prompt: '  ', sizes: ['1024x1024'], folder }, env);
    assert.equal(empty.estimate.usd, undefined);
    assert.match(empty.problems.join(' '), /prompt is empty/);
    const locale = prepareGeneration({ prompt: 'Hero', locales: ['xx'], folder }, env);
    assert.match(locale.problems.join(' '), /Unknown locale "xx"/);
    const jpeg = prepareGeneration({ prompt: 'Hero', format: 'png', compression: 80, background: 'transparent', folder }, env);
    assert.match(jpeg.problems.join(' '), /Compression applies only to JPEG/);
    const long = prepareGeneration({ prompt: 'x'.repeat(5000), folder }, env);
    assert.deepEqual(long.problems, []);
    assert.ok(long.warnings.some((w) => /5000 characters/.test(w)));
    const tooLong = prepareGeneration({ prompt: 'x'.repeat(33_000), folder }, env);
    assert.match(tooLong.problems.join(' '), /at most 32000/);
  });

  it('gives the same plan warnings as the planner, once each', () => {
    const prepared = prepareGeneration({ prompt: 'Banner', sizes: ['7680x4320', '7680x4320@1x'], folder }, env);
    assert.equal(prepared.warnings.filter((w) => /upscaling/.test(w)).length, 1);
  });

  it('keeps the edited image context: parent locale, template and quality, its own size and format', async () => {
    const parent = parentFromSidecarText(
      JSON.stringify({
        tool: { name: 'foundry-mockups', version: '0.1.0' },
        prompt: { typed: 'A high-fidelity mobile app UI mockup of the checkout screen', locale: 'ja', template: { id: 'mobile-screen', fields: { app: 'coffee', screen: 'checkout' } } },
        request: { quality: 'low' },
      }),
    );
    assert.ok(parent);
    const image = { bytes: await png(1170, 2532), file: 'mockups/checkout-ja.png' };
    const prepared = prepareGeneration({ prompt: 'Make the pay button green', folder, edit: { mode: 'refine', image, parent } }, env);
    assert.deepEqual(prepared.problems, []);
    const { request } = prepared.requests[0];
    assert.equal(request.quality, 'low', 'inherits the parent quality instead of paying for high');
    assert.equal(request.locale, 'ja');
    assert.deepEqual(request.template, { id: 'mobile-screen', fields: { app: 'coffee', screen: 'checkout' } });
    assert.equal(request.promptTyped, 'Make the pay button green');
    assert.match(request.promptSent, /^Make the pay button green\n\nKeep everything not named above as it is in the image, which shows: A high-fidelity mobile app UI mockup of the checkout screen\n\n.*Japanese/s);
    assert.equal(request.plan.target !== 'auto' && `${request.plan.target.width}x${request.plan.target.height}`, '1170x2532');
    assert.equal(request.name, 'checkout-ja-refined');
    assert.equal(request.sizeInName, false);
    assert.equal(request.outputFormat, 'png');
    assert.ok((prepared.estimate.usd ?? 0) > 0, 'an edit has its estimate, the input image counted');
    assert.ok(estimateRequest(request, 'gpt-image-2', pricing).usd > estimateRequest({ ...request, edit: undefined }, 'gpt-image-2', pricing).usd);

    const explicit = prepareGeneration({ prompt: 'Make it dark', quality: 'high', folder, edit: { mode: 'refine', image, parent } }, env);
    assert.equal(explicit.requests[0].request.quality, 'high');
  });

  it('refuses an inpaint without a mask, and a mask of the wrong size or without alpha', async () => {
    const image = { bytes: await png(1024, 1024), file: 'a.png' };
    const noMask = prepareGeneration({ prompt: 'Add a badge', folder, edit: { mode: 'inpaint', image } }, env);
    assert.match(noMask.problems.join(' '), /needs a mask/);
    const wrong = prepareGeneration({ prompt: 'Add a badge', folder, edit: { mode: 'inpaint', image, mask: { painted: true, bytes: await png(512, 512, true) } } }, env);
    assert.match(wrong.problems.join(' '), /512x512 but the image is 1024x1024/);
    const opaque = prepareGeneration({ prompt: 'Add a badge', folder, edit: { mode: 'inpaint', image, mask: { painted: true, bytes: await png(1024, 1024) } } }, env);
    assert.match(opaque.problems.join(' '), /alpha channel/);
    const notAnImage = prepareGeneration({ prompt: 'Add a badge', folder, edit: { mode: 'refine', image: { bytes: new Uint8Array([1, 2, 3]), file: 'broken.png' } } }, env);
    assert.match(notAnImage.problems.join(' '), /broken\.png is not a PNG or JPEG/);
  });
});

describe('the generation use case: running', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let client: FoundryClient;
  let folder: string;
  let context: GenerationContext;

  before(async () => {
    emulator = await startEmulator();
    client = createFoundryClient({ endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: { kind: 'apiKey', apiKey: emulator.apiKey }, retryBaseMs: 1 });
    context = { client, connection: { deployment: emulator.deployment, model: 'gpt-image-2', endpointHost: new URL(emulator.endpoint).host, apiMode: 'v1' }, pricing, toolVersion: '0.0.0-test' };
  });
  after(() => emulator.close());
  beforeEach(async () => {
    emulator.reset();
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-run-'));
  });

  it('reports every request, preview and result as events, in order, and writes exact sizes', async () => {
    const prepared = prepareGeneration({ prompt: 'Onboarding screen', sizes: ['iphone-14', '1024x1024'], quality: 'high', n: 2, partialImages: 2, folder }, env);
    const events: GenerationEvent[] = [];
    const result = await runGeneration(prepared, context, (e) => events.push(e));
    const summary = events.map((e) => (e.type === 'partial' ? `partial ${e.index}.${e.variant}.${e.partialIndex}` : `${e.type} ${e.index}`));
    assert.deepEqual(summary, [
      'requestStarted 0', 'partial 0.1.0', 'partial 0.1.1', 'partial 0.2.0', 'partial 0.2.1', 'requestDone 0',
      'requestStarted 1', 'partial 1.1.0', 'partial 1.1.1', 'partial 1.2.0', 'partial 1.2.1', 'requestDone 1',
    ]);
    assert.equal(result.mockups.length, 4);
    for (const mockup of result.mockups) {
      const info = await readImageInfo(await fs.readFile(mockup.file));
      assert.equal(`${info.width}x${info.height}`, `${mockup.sidecar.target.width}x${mockup.sidecar.target.height}`);
    }
    const done = events.find((e) => e.type === 'requestDone');
    assert.ok(done?.type === 'requestDone');
    assert.match(done.log, /^Request \S+: Generate 1184x2544.* x2 in \d+ ms, \d+ tokens, \$\d/);
    assert.equal(result.requestIds.length, 2);
    assert.ok((result.costUsd ?? 0) > 0);
  });

  it('says in each sidecar that usage is the request\'s and cost the image\'s share', async () => {
    const result = await runGeneration(prepareGeneration({ prompt: 'Pricing table', sizes: ['1024x1024'], quality: 'low', n: 2, folder }, env), context);
    const [first, second] = result.mockups.map((m) => m.sidecar);
    assert.equal(first.usage?.share, 'request');
    assert.equal(first.usage?.images, 2);
    assert.equal(first.cost?.share, 'image');
    assert.equal(first.cost?.images, 2);
    assert.equal(first.cost?.requestUsd, result.costUsd);
    assert.equal(Math.round(((first.cost?.usd ?? 0) + (second.cost?.usd ?? 0)) * 1e5), Math.round((result.costUsd ?? 0) * 1e5));
  });

  it('names an auto-sized image after the size the service returned', async () => {
    const result = await runGeneration(prepareGeneration({ prompt: 'Wide landscape hero', sizes: ['auto'], quality: 'low', folder }, env), context);
    const [mockup] = result.mockups;
    const info = await readImageInfo(await fs.readFile(mockup.file));
    assert.ok(path.basename(mockup.file).includes(`${info.width}x${info.height}`), path.basename(mockup.file));
    assert.ok(!path.basename(mockup.file).includes('0x0'));
  });

  it('tells how long it waits when rate limited, and retries', async () => {
    emulator.inject({ type: 'rateLimit', retryAfterSeconds: 0 });
    const retries: Array<Extract<GenerationEvent, { type: 'retrying' }>> = [];
    await runGeneration(prepareGeneration({ prompt: 'Chart', sizes: ['1024x1024'], quality: 'low', folder }, env), context, (e) => {
      if (e.type === 'retrying') retries.push(e);
    });
    assert.equal(retries.length, 1);
    assert.equal(retries[0].notice.kind, 'rateLimited');
    assert.equal(retries[0].notice.attempt, 2);
    assert.match(retries[0].message, /^rate limited, retrying in 0 s \(attempt 2 of 4\)$/);
    assert.equal(describeRetry({ ...retries[0].notice, waitMs: 30_000 }, 29_001), 'rate limited, retrying in 30 s (attempt 2 of 4)');
  });

  it('refuses to send what cannot be sent, and sends nothing', async () => {
    const prepared = prepareGeneration({ prompt: 'Hero', sizes: ['1024x1024', 'nope'], folder }, env);
    await assert.rejects(runGeneration(prepared, context), (error: unknown) => error instanceof FoundryError && error.kind === 'validation' && /nope/.test(error.message));
    assert.equal(emulator.requests.length, 0);
  });

  it('writes a painted mask beside the inpainted image, as part of its group, only when the service answered', async () => {
    const image = { bytes: await png(1024, 1024), file: 'mockups/screen.png' };
    const mask = { painted: true as const, bytes: await png(1024, 1024, true) };
    emulator.inject({ type: 'safety', shape: 'promptBlocked' });
    const declined = prepareGeneration({ prompt: 'Add a badge', quality: 'low', folder, folderRelative: 'mockups', edit: { mode: 'inpaint', image, mask } }, env);
    await assert.rejects(runGeneration(declined, context));
    assert.deepEqual(await fs.readdir(folder), [], 'a declined inpaint leaves no mask behind');

    const result = await runGeneration(prepareGeneration({ prompt: 'Add a badge', quality: 'low', folder, folderRelative: 'mockups', edit: { mode: 'inpaint', image, mask } }, env), context);
    const [mockup] = result.mockups;
    assert.equal(path.basename(mockup.file), 'screen-inpainted.png');
    assert.ok(mockup.mask);
    assert.equal(path.basename(mockup.mask), 'screen-inpainted-mask.png');
    assert.deepEqual(new Uint8Array(await fs.readFile(mockup.mask)), mask.bytes);
    assert.equal(mockup.sidecar.lineage?.mask?.file, 'mockups/screen-inpainted-mask.png');
    assert.equal(mockup.sidecar.lineage?.mode, 'inpaint');
    assert.equal(emulator.requests.at(-1)?.files.some((f) => f.field === 'mask'), true);
  });

  it('keeps originals and painted masks in the companion folder, the sidecar beside its image, and never overwrites', async () => {
    const companionEnv: GenerationEnv = { ...env, companionFolder: 'originals' };
    const first = (await runGeneration(prepareGeneration({ prompt: 'Login screen', sizes: ['iphone-14'], quality: 'low', name: 'login', folder }, companionEnv), context)).mockups[0];
    const second = (await runGeneration(prepareGeneration({ prompt: 'Login screen', sizes: ['iphone-14'], quality: 'low', name: 'login', folder }, companionEnv), context)).mockups[0];
    assert.deepEqual((await fs.readdir(folder)).sort(), ['login-2.png', 'login-2.png.mockup.json', 'login.png', 'login.png.mockup.json', 'originals']);
    assert.deepEqual((await fs.readdir(path.join(folder, 'originals'))).sort(), ['login-2.original.png', 'login.original.png']);
    assert.equal(first.original, path.join(folder, 'originals', 'login.original.png'));
    assert.equal(first.sidecar.original?.file, 'originals/login.original.png');
    assert.equal(second.sidecar.original?.file, 'originals/login-2.original.png');
    assert.equal(first.sidecar.original?.sha256, createHash('sha256').update(await fs.readFile(first.original)).digest('hex'));
    // A resume finds and checks the original where the sidecar says it is.
    const done = [...(await indexDoneJobs([folder])).values()].flat().find((e) => e.file === first.file);
    assert.equal(done?.original, first.original);
    assert.equal(await groupProblem(done), undefined);
    await fs.writeFile(first.original, 'changed');
    assert.match((await groupProblem(done)) ?? '', /login\.original\.png/);
    // A painted mask goes there too, and the lineage names it.
    const image = await png(1024, 1024);
    const mask = await png(1024, 1024, true);
    const inpaint = prepareGeneration({ prompt: 'Add a badge', quality: 'low', folder, folderRelative: 'mockups', edit: { mode: 'inpaint', image: { bytes: image, file: 'mockups/source.png' }, mask: { painted: true, bytes: mask } } }, companionEnv);
    const edited = (await runGeneration(inpaint, context)).mockups[0];
    assert.equal(edited.mask, path.join(folder, 'originals', `${path.basename(edited.file, '.png')}-mask.png`));
    assert.equal(edited.sidecar.lineage?.mask?.file, `mockups/originals/${path.basename(edited.file, '.png')}-mask.png`);
  });

  it('removes every file of a group a killed run left incomplete, in the companion folder too, and nothing else', async () => {
    const companionEnv: GenerationEnv = { ...env, companionFolder: '.originals' };
    const made = (await runGeneration(prepareGeneration({ prompt: 'Settings', sizes: ['iphone-14'], quality: 'low', name: 'settings', folder }, companionEnv), context)).mockups[0];
    await fs.writeFile(path.join(folder, '.originals', 'notes.txt'), 'mine');
    await fs.rm(made.file); // killed before the image was published
    const old = new Date(Date.now() - 3_600_000);
    await fs.utimes(made.sidecarFile, old, old);
    const removed = await removeIncompleteGroups(folder, 0);
    assert.deepEqual(removed.map((f) => path.relative(folder, f)).sort(), [path.join('.originals', 'settings.original.png'), 'settings.png.mockup.json']);
    assert.deepEqual(await fs.readdir(path.join(folder, '.originals')), ['notes.txt']);
  });

});

describe('the generation use case: inpainting keeps what was not painted', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let context: GenerationContext;
  let folder: string;

  before(async () => {
    emulator = await startEmulator();
    const client = createFoundryClient({ endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: { kind: 'apiKey', apiKey: emulator.apiKey }, retryBaseMs: 1 });
    context = { client, connection: { deployment: emulator.deployment, model: 'gpt-image-2', endpointHost: new URL(emulator.endpoint).host, apiMode: 'v1' }, pricing, toolVersion: '0.0.0-test' };
  });
  after(() => emulator.close());
  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-inpaint-'));
  });

  /** A noisy 1170x2532 screen, and a mask with a painted (transparent) rectangle and disc. */
  async function inputs(): Promise<{ image: Uint8Array; mask: Uint8Array; painted: (x: number, y: number) => boolean }> {
    const width = 1170;
    const height = 2532;
    const pixels = Buffer.alloc(width * height * 3);
    let seed = 7;
    for (let i = 0; i < pixels.length; i++) pixels[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 255;
    const image = new Uint8Array(await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toBuffer());
    const painted = (x: number, y: number): boolean => (x >= 100 && x < 400 && y >= 300 && y < 500) || (x - 800) ** 2 + (y - 1800) ** 2 < 120 ** 2;
    const mask = Buffer.alloc(width * height * 4, 255);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (painted(x, y)) mask[(y * width + x) * 4 + 3] = 0;
    return { image, mask: new Uint8Array(await sharp(mask, { raw: { width, height, channels: 4 } }).png().toBuffer()), painted };
  }

  async function raw(file: string | Uint8Array): Promise<Buffer> {
    return sharp(typeof file === 'string' ? await fs.readFile(file) : Buffer.from(file)).ensureAlpha().raw().toBuffer();
  }

  for (const seam of [8, 0]) {
    it(`changes no pixel outside the painted region and its ${seam} px seam, and keeps the service's answer as the original`, async () => {
      const { image, mask, painted } = await inputs();
      const prepared = prepareGeneration(
        { prompt: 'Add a loyalty badge', quality: 'low', inpaintSeam: seam, folder, folderRelative: 'mockups', edit: { mode: 'inpaint', image: { bytes: image, file: 'mockups/screen.png' }, mask: { painted: true, bytes: mask } } },
        env,
      );
      assert.deepEqual(prepared.problems, []);
      const [mockup] = (await runGeneration(prepared, context)).mockups;
      assert.ok(mockup.original, 'the service answer is kept');
      const out = await raw(mockup.file);
      const input = await raw(image);
      const width = 1170;
      let changedOutside = 0;
      let changedInside = 0;
      let insideTotal = 0;
      const nearPainted = (x: number, y: number): boolean => {
        for (let dy = -seam; dy <= seam; dy++) for (let dx = -seam; dx <= seam; dx++) if (Math.hypot(dx, dy) < seam && painted(x + dx, y + dy)) return true;
        return false;
      };
      for (let y = 0; y < 2532; y++) {
        for (let x = 0; x < width; x++) {
          const o = (y * width + x) * 4;
          const same = out[o] === input[o] && out[o + 1] === input[o + 1] && out[o + 2] === input[o + 2] && out[o + 3] === input[o + 3];
          if (painted(x, y)) {
            insideTotal++;
            if (!same) changedInside++;
          } else if (!same && !(seam > 0 && nearPainted(x, y))) {
            changedOutside++;
          }
        }
      }
      assert.equal(changedOutside, 0, 'every pixel outside the mask and seam is the input\'s, bit for bit');
      assert.ok(changedInside > insideTotal * 0.9, `the painted region is the service's (${changedInside} of ${insideTotal} changed)`);
      const step = mockup.sidecar.original?.steps.at(-1);
      assert.deepEqual(step && step.kind === 'keepOutsideMask' ? { seam: step.seam, painted: step.paintedPixels } : undefined, { seam, painted: insideTotal });
      assert.match(mockup.sidecar.original?.explanation ?? '', seam ? /blended over a 8 px seam/ : /hard edge/);
    });
  }
});

describe('the generation use case: the design system in every prompt', function () {
  this.timeout(60_000);

  it('sends the block with the prompt and records its file, hash and block in the sidecar', async () => {
    const emulator = await startEmulator();
    try {
      const client = createFoundryClient({ endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: { kind: 'apiKey', apiKey: emulator.apiKey }, retryBaseMs: 1 });
      const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-design-'));
      const text = '---\nname: Beanery\ncolors:\n  primary: "#6F4E37"\ntypography:\n  body:\n    fontFamily: Inter\n    fontSize: 16px\n---\n# Beanery\n';
      await fs.writeFile(path.join(root, 'DESIGN.md'), text);
      const found = await discoverDesignSystem(root);
      assert.ok(found.context, JSON.stringify(found.problems));
      const designSystem = promptDesign(found.context);
      assert.ok(designSystem);
      const prepared = prepareGeneration({ prompt: 'Login screen', sizes: ['1024x1024'], quality: 'low', folder: root }, { ...env, designSystem });
      assert.deepEqual(prepared.composed[0].parts.map((p) => p.kind), ['text', 'styleGuide']);
      const [mockup] = (await runGeneration(prepared, { client, connection: { deployment: emulator.deployment, model: 'gpt-image-2', endpointHost: 'x', apiMode: 'v1' }, pricing, toolVersion: '0' })).mockups;
      const sent = String(emulator.requests.at(-1)?.body?.prompt);
      assert.match(sent, /#6f4e37/i);
      assert.match(sent, /Inter/);
      const record = mockup.sidecar.prompt.designSystem;
      assert.deepEqual(record?.files, [{ file: 'DESIGN.md', sha256: createHash('sha256').update(text).digest('hex') }]);
      assert.equal(record?.sha256, record?.files[0].sha256);
      assert.ok(sent.includes(record?.block ?? '\u0000'));
    } finally {
      await emulator.close();
    }
  });
});

describe('the companion folder name', () => {
  it('is one plain folder name, hidden allowed, never a path, .git or node_modules', () => {
    for (const ok of ['', 'originals', '.originals', 'Originals und Masken']) assert.equal(companionFolderProblem(ok), undefined, ok);
    for (const [bad, reason] of [['../elsewhere', /path separator/], ['a/b', /path separator/], ['.git', /folder tools own/], ['node_modules', /folder tools own/], ['..', /one plain folder name/], ['con', /reserved on Windows/], ['x\u202ey', /cannot be used/]] as const) {
      assert.match(companionFolderProblem(bad) ?? '', reason, bad);
    }
  });
});

describe('a failure as one sentence', () => {
  it('names the request id once, whether or not the message names it already', () => {
    const id = '0c2d3f4e-1111-2222-3333-444455556666';
    assert.equal(failureText(new FoundryError('unavailable', 'The service is unavailable.', { requestId: id })), `The service is unavailable. (request id ${id})`);
    const named = failureText(new FoundryError('invalidResponse', `The service answered, but the answer was broken (request id ${id})`, { requestId: id }));
    assert.equal(named.split(id).length - 1, 1, named);
    assert.equal(failureText(new Error('plain')), 'plain');
  });
});
