import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import sharp from 'sharp';
import {
  createFoundryClient,
  FoundryError,
  type FoundryClientOptions,
  type FoundryErrorKind,
  type FoundryLogger,
  type PartialImage,
} from '../../src/core/foundry';
import { renderWireframe } from '../emulator/render';
import { SAFETY_SHAPES, startEmulator, type Emulator } from '../emulator/server';

const DEPLOYMENTS = { 'gpt-image-2': 'gpt-image-2', img1: 'gpt-image-1', 'img-15': 'gpt-image-1.5', mini: 'gpt-image-1-mini', 'my deploy/x': 'gpt-image-2' } as const;

describe('Foundry client against the emulator', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let png1024: Buffer;
  let jpeg1024: Buffer;

  before(async () => {
    emu = await startEmulator({ deployments: DEPLOYMENTS });
    png1024 = await renderWireframe({ width: 1024, height: 1024, format: 'png', prompt: 'input' });
    jpeg1024 = await renderWireframe({ width: 1024, height: 1024, format: 'jpeg', prompt: 'input' });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => emu.reset());

  function client(overrides: Partial<FoundryClientOptions> = {}): ReturnType<typeof createFoundryClient> {
    return createFoundryClient({
      endpoint: emu.endpoint,
      deployment: 'gpt-image-2',
      model: 'gpt-image-2',
      apiMode: 'v1',
      auth: { kind: 'apiKey', apiKey: emu.apiKey },
      timeoutMs: 5_000,
      retryBaseMs: 1,
      retryCapMs: 50,
      ...overrides,
    });
  }

  async function failure(promise: Promise<unknown>, kind: FoundryErrorKind): Promise<FoundryError> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof FoundryError, `expected a FoundryError, got ${String(error)}`);
      assert.equal(error.kind, kind, `kind (message: ${error.message})`);
      return error;
    }
    assert.fail(`expected a ${kind} failure, but the call succeeded`);
  }

  function recordingLogger(): FoundryLogger & { lines: string[] } {
    const lines: string[] = [];
    const push = (m: string): void => {
      lines.push(m);
    };
    return { lines, debug: push, info: push, warn: push, error: push };
  }

  const last = (): Emulator['requests'][number] => {
    const request = emu.requests.at(-1);
    assert.ok(request, 'the emulator received no request');
    return request;
  };

  describe('operations, API forms and auth', () => {
    it('generates on the v1 form with an API key: URL, model = deployment, decoded image of the requested size', async () => {
      const result = await client().generate({ prompt: 'A settings page', size: '1536x864', quality: 'low' });
      const sent = last();
      assert.equal(sent.path, '/openai/v1/images/generations');
      assert.deepEqual(sent.query, {});
      assert.equal(sent.body?.['model'], 'gpt-image-2');
      assert.equal(sent.body?.['size'], '1536x864');
      assert.equal(sent.auth, 'apiKey');
      assert.equal(sent.headers['authorization'], undefined, 'no bearer next to the key');
      assert.equal(sent.headers['content-type'], 'application/json');
      assert.match(sent.headers['x-ms-client-request-id'] ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(result.clientRequestId, sent.headers['x-ms-client-request-id']);
      assert.equal(result.images.length, 1);
      const image = result.images[0];
      assert.equal(image.format, 'png');
      const meta = await sharp(image.bytes).metadata();
      assert.deepEqual([meta.width, meta.height, meta.format], [1536, 864, 'png']);
      assert.deepEqual([image.width, image.height], [1536, 864]);
      assert.equal(result.size, '1536x864');
      assert.equal(result.quality, 'low');
      assert.ok(result.usage && result.usage.outputTokens > 0 && result.usage.totalTokens === result.usage.inputTokens + result.usage.outputTokens);
      assert.match(result.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(result.durationMs >= 0);
      assert.equal(result.attempts, 1);
      assert.equal(typeof result.created, 'number');
      assert.ok(image.contentFilter?.contentFilterResults, 'gpt-image-2 responses carry content-filter annotations');
      assert.equal(image.revisedPrompt, undefined);
    });

    it('uses the dated form with a bearer token: deployment in the path, api-version query, no model field', async () => {
      const signals: Array<AbortSignal | undefined> = [];
      const c = client({
        deployment: 'img1',
        model: 'gpt-image-1',
        apiMode: 'dated',
        auth: { kind: 'token', getToken: (signal) => (signals.push(signal), Promise.resolve(emu.token)) },
      });
      const result = await c.generate({ prompt: 'Login form', size: '1024x1536' });
      const sent = last();
      assert.equal(sent.path, '/openai/deployments/img1/images/generations');
      assert.deepEqual(sent.query, { 'api-version': '2025-04-01-preview' });
      assert.equal(sent.body?.['model'], undefined);
      assert.equal(sent.auth, 'bearer');
      assert.equal(sent.headers['api-key'], undefined, 'no key next to the token');
      assert.equal(signals.length, 1);
      assert.ok(signals[0] instanceof AbortSignal, 'the token provider gets the call signal');
      assert.equal(result.size, '1024x1536');
      assert.equal(result.images[0].contentFilter, undefined, 'gpt-image-1 returns no annotations');
    });

    it('honours a configured api-version and URL-encodes the deployment name on the dated form', async () => {
      await client({ deployment: 'my deploy/x', apiMode: 'dated', apiVersion: '2025-06-01-preview' }).generate({ prompt: 'x' });
      assert.equal(last().path, '/openai/deployments/my%20deploy%2Fx/images/generations');
      assert.equal(last().query['api-version'], '2025-06-01-preview');
    });

    it('sends api-version on the v1 form only when configured', async () => {
      await client({ apiVersion: 'preview' }).generate({ prompt: 'x' });
      assert.deepEqual(last().query, { 'api-version': 'preview' });
    });

    it('tolerates a trailing slash and a pasted /openai/v1, refuses plain http except loopback', async () => {
      await client({ endpoint: `${emu.endpoint}/` }).generate({ prompt: 'x' });
      await client({ endpoint: `${emu.endpoint}/openai/v1/` }).generate({ prompt: 'x' });
      assert.deepEqual(emu.requests.map((r) => r.path), ['/openai/v1/images/generations', '/openai/v1/images/generations']);
      assert.equal(client({ endpoint: 'https://res.cognitiveservices.azure.com/' }).options.endpoint, 'https://res.cognitiveservices.azure.com');
      assert.equal(client({ endpoint: 'http://localhost:1234' }).options.endpoint, 'http://localhost:1234');
      for (const endpoint of ['http://res.openai.azure.com', 'ftp://x', 'not a url', 'https://k:p@res.openai.azure.com']) {
        assert.throws(() => client({ endpoint }), (e: unknown) => e instanceof FoundryError && e.kind === 'validation' && e.param === 'endpoint', endpoint);
      }
    });

    it('refuses both an API key and a token provider, and empty credentials', () => {
      const both = { kind: 'apiKey', apiKey: 'k', getToken: () => Promise.resolve('t') } as unknown as FoundryClientOptions['auth'];
      assert.throws(() => client({ auth: both }), /Both an API key and a token provider/);
      assert.throws(() => client({ auth: { kind: 'apiKey', apiKey: ' ' } }), /API key is empty/);
      assert.throws(() => client({ deployment: '' }), (e: unknown) => e instanceof FoundryError && e.param === 'deployment');
    });

    it('returns jpeg with compression, transparent png with alpha, opaque png without, and n images', async () => {
      const jpeg = await client().generate({ prompt: 'x', outputFormat: 'jpeg', outputCompression: 40 });
      assert.equal(jpeg.images[0].format, 'jpeg');
      assert.equal((await sharp(jpeg.images[0].bytes).metadata()).format, 'jpeg');
      assert.equal(last().body?.['output_compression'], 40);
      const transparent = await client({ deployment: 'img-15', model: 'gpt-image-1.5' }).generate({ prompt: 'x', background: 'transparent', size: '1024x1024' });
      assert.equal((await sharp(transparent.images[0].bytes).metadata()).hasAlpha, true);
      assert.equal(transparent.background, 'transparent');
      const opaque = await client().generate({ prompt: 'x', size: '1024x1024' });
      assert.equal((await sharp(opaque.images[0].bytes).metadata()).hasAlpha, false);
      const three = await client().generate({ prompt: 'x', n: 3, size: '1024x640' });
      assert.equal(three.images.length, 3);
      assert.equal(new Set(three.images.map((i) => Buffer.from(i.bytes).toString('base64'))).size, 3, 'three different images');
    });

    it('edits with one image as `image`, several as `image[]`, each with its real content type, plus a mask', async () => {
      const mask = await sharp({ create: { width: 1024, height: 1024, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
      const c = client({ deployment: 'img1', model: 'gpt-image-1' });
      const one = await c.edit({ prompt: 'Make it dark', images: [{ bytes: png1024 }], mask: { bytes: mask }, inputFidelity: 'high', size: '1024x1024' });
      let sent = last();
      assert.equal(sent.path, '/openai/v1/images/edits');
      assert.match(sent.contentType ?? '', /^multipart\/form-data; boundary=/);
      assert.deepEqual(sent.files.map((f) => [f.field, f.contentType]), [['image', 'image/png'], ['mask', 'image/png']]);
      assert.ok(sent.files[0].bytes.equals(png1024), 'the image bytes arrive unchanged');
      assert.equal(sent.body?.['prompt'], 'Make it dark');
      assert.equal(sent.body?.['model'], 'img1');
      assert.equal(sent.body?.['input_fidelity'], 'high');
      assert.equal(one.size, '1024x1024');

      await c.edit({ prompt: 'Combine', images: [{ bytes: png1024 }, { bytes: jpeg1024 }, { bytes: png1024, name: 'third.png' }] });
      sent = last();
      assert.deepEqual(sent.files.map((f) => [f.field, f.contentType]), [['image[]', 'image/png'], ['image[]', 'image/jpeg'], ['image[]', 'image/png']]);
      assert.equal(sent.files[2].name, 'third.png');
    });

    it('edits on the dated form with a token', async () => {
      const c = client({ deployment: 'img-15', model: 'gpt-image-1.5', apiMode: 'dated', auth: { kind: 'token', getToken: () => Promise.resolve(emu.token) } });
      const result = await c.edit({ prompt: 'x', images: [{ bytes: jpeg1024 }] });
      assert.equal(last().path, '/openai/deployments/img-15/images/edits');
      assert.equal(last().auth, 'bearer');
      assert.equal(result.images.length, 1);
    });

    it('passes extraBody through unchanged (JSON and multipart) and warns when it overrides a modelled field', async () => {
      const gen = await client().generate({ prompt: 'x', extraBody: { routing: { tier: 'fast' }, user_tag: 'a' } });
      assert.deepEqual(last().body?.['routing'], { tier: 'fast' });
      assert.equal(last().body?.['user_tag'], 'a');
      assert.deepEqual(gen.warnings, []);
      await client().edit({ prompt: 'x', images: [{ bytes: png1024 }], extraBody: { routing_hint: 'eu' } });
      assert.equal(last().body?.['routing_hint'], 'eu');
      const overridden = await client().generate({ prompt: 'x', extraBody: { quality: 'medium' } });
      assert.equal(last().body?.['quality'], 'medium');
      assert.match(overridden.warnings.join(' '), /extraBody overrides "quality"/);
    });
  });

  describe('validation before sending', () => {
    const big = 'word '.repeat(6_401); // 32,005 characters
    const cases: Array<{ name: string; model?: FoundryClientOptions['model']; apiMode?: 'v1' | 'dated'; request: Record<string, unknown>; edit?: boolean; param: string; message: RegExp }> = [
      { name: 'gpt-image-2 edges not multiples of 16', request: { size: '1000x1000' }, param: 'size', message: /multiples of 16/ },
      { name: 'gpt-image-2 long edge above 3840', request: { size: '3856x1344' }, param: 'size', message: /at most 3840/ },
      { name: 'gpt-image-2 ratio above 3:1', request: { size: '2448x800' }, param: 'size', message: /3:1/ },
      { name: 'gpt-image-2 too few pixels', request: { size: '800x800' }, param: 'size', message: /at least 655,360/ },
      { name: 'gpt-image-2 too many pixels', request: { size: '3840x2176' }, param: 'size', message: /at most 8,294,400/ },
      { name: 'size that is not a size', request: { size: 'big' }, param: 'size', message: /WIDTHxHEIGHT/ },
      { name: 'gpt-image-1 free size', model: 'gpt-image-1', request: { size: '1536x864' }, param: 'size', message: /1024x1024, 1536x1024, 1024x1536 or auto/ },
      { name: 'gpt-image-1.5 free size', model: 'gpt-image-1.5', request: { size: '2048x2048' }, param: 'size', message: /use one of/ },
      { name: 'gpt-image-1-mini free size', model: 'gpt-image-1-mini', request: { size: '512x512' }, param: 'size', message: /use one of/ },
      { name: 'n = 0', request: { n: 0 }, param: 'n', message: /1 to 10/ },
      { name: 'n = 11', request: { n: 11 }, param: 'n', message: /1 to 10/ },
      { name: 'compression with png', request: { outputCompression: 50 }, param: 'output_compression', message: /only to jpeg/ },
      { name: 'compression out of range', request: { outputFormat: 'jpeg', outputCompression: 101 }, param: 'output_compression', message: /0 to 100/ },
      { name: 'transparent with jpeg', request: { background: 'transparent', outputFormat: 'jpeg' }, param: 'background', message: /needs png/ },
      { name: 'webp without the flag', request: { outputFormat: 'webp' }, param: 'output_format', message: /webp is not supported/ },
      { name: 'prompt above 32,000 characters', request: { prompt: big }, param: 'prompt', message: /at most 32,000/ },
      { name: 'empty prompt', request: { prompt: '  ' }, param: 'prompt', message: /empty/ },
      { name: 'moderation on the dated form', apiMode: 'dated', request: { moderation: 'low' }, param: 'moderation', message: /only accepted on the v1 API form/ },
      { name: 'partial images 4', request: { partialImages: 4 }, param: 'partial_images', message: /0 to 3/ },
      { name: 'quality hd', request: { quality: 'hd' }, param: 'quality', message: /not one of/ },
      { name: 'input_fidelity on gpt-image-2', edit: true, request: { inputFidelity: 'high' }, param: 'input_fidelity', message: /gpt-image-2 does not accept input fidelity/ },
      { name: 'input_fidelity on gpt-image-1-mini', model: 'gpt-image-1-mini', edit: true, request: { inputFidelity: 'low' }, param: 'input_fidelity', message: /gpt-image-1-mini does not accept/ },
    ];
    for (const c of cases) {
      it(`refuses ${c.name}, naming the field, without sending anything`, async () => {
        const model = c.model ?? 'gpt-image-2';
        const deployment = Object.entries(DEPLOYMENTS).find(([, m]) => m === model)![0];
        const api = client({ model, deployment, apiMode: c.apiMode ?? 'v1' });
        const request = { prompt: 'A page', ...c.request };
        const promise = c.edit ? api.edit({ images: [{ bytes: png1024 }], ...request }) : api.generate(request);
        const error = await failure(promise, 'validation');
        assert.equal(error.param, c.param);
        assert.match(error.message, c.message);
        assert.equal(emu.requests.length, 0);
      });
    }

    it('accepts sizes at the limits, `auto`, moderation on v1, and warns above 4,000 prompt characters', async () => {
      const result = await client().generate({ prompt: 'p'.repeat(4_001), size: '3840x2160', moderation: 'low' });
      assert.equal(result.size, '3840x2160');
      assert.equal(last().body?.['moderation'], 'low');
      assert.match(result.warnings.join(' '), /4,001 characters/);
      assert.match(result.warnings.join(' '), /experimental/);
      const auto = await client({ deployment: 'mini', model: 'gpt-image-1-mini' }).generate({ prompt: 'x', size: 'auto' });
      assert.ok(['1024x1024', '1536x1024', '1024x1536'].includes(auto.size ?? ''), auto.size);
    });

    it('checks edit inputs: count, type, size, declared type, and the mask (png, alpha, size, bytes)', async () => {
      const api = client({ deployment: 'img1', model: 'gpt-image-1' });
      const gif = Buffer.from('GIF89a............');
      const pngNoAlpha = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#000' } }).png().toBuffer();
      const maskWrongSize = await sharp({ create: { width: 512, height: 512, channels: 4, background: '#0000' } }).png().toBuffer();
      const huge = Buffer.alloc(50 * 1024 * 1024);
      png1024.copy(huge);
      const hugeMask = Buffer.alloc(4 * 1024 * 1024);
      png1024.copy(hugeMask);
      const checks: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ images: [] }, 'images', /at least one input image/],
        [{ images: Array.from({ length: 17 }, () => ({ bytes: png1024 })) }, 'images', /at most 16/],
        [{ images: [{ bytes: gif }] }, 'image', /not a png or jpeg file/],
        [{ images: [{ bytes: png1024 }, { bytes: gif }] }, 'image[1]', /input image 2/],
        [{ images: [{ bytes: huge }] }, 'image', /must be under 50 MB/],
        [{ images: [{ bytes: png1024, contentType: 'image/jpeg' }] }, 'image', /declared as image\/jpeg/],
        [{ images: [{ bytes: png1024 }], mask: { bytes: jpeg1024 } }, 'mask', /not a png file/],
        [{ images: [{ bytes: png1024 }], mask: { bytes: pngNoAlpha } }, 'mask', /no alpha channel/],
        [{ images: [{ bytes: png1024 }], mask: { bytes: maskWrongSize } }, 'mask', /512x512 but the first image is 1024x1024/],
        [{ images: [{ bytes: png1024 }], mask: { bytes: hugeMask } }, 'mask', /under 4 MB/],
      ];
      for (const [fields, param, message] of checks) {
        const error = await failure(api.edit({ prompt: 'x', ...fields } as never), 'validation');
        assert.equal(error.param, param, String(message));
        assert.match(error.message, message);
      }
      assert.equal(emu.requests.length, 0);
    });

    it('lists every problem, not only the first', async () => {
      const error = await failure(client().generate({ prompt: '', n: 0, size: '10x10' }), 'validation');
      assert.deepEqual(error.problems?.map((p) => p.param), ['prompt', 'size', 'n']);
      assert.match(error.message, /and 2 more problems/);
    });
  });

  describe('streaming', () => {
    it('delivers each partial image as it arrives, then the final image and usage', async () => {
      const partials: PartialImage[] = [];
      const result = await client().generate({ prompt: 'Mobile onboarding', size: '1024x1536', partialImages: 3 }, { onPartialImage: (p) => partials.push(p) });
      assert.equal(last().body?.['stream'], true);
      assert.equal(last().body?.['partial_images'], 3);
      assert.deepEqual(partials.map((p) => p.index), [0, 1, 2]);
      for (const p of partials) {
        const meta = await sharp(p.bytes).metadata();
        assert.deepEqual([meta.width, meta.height, p.format], [1024, 1536, 'png']);
      }
      assert.equal(result.images.length, 1);
      assert.ok(!Buffer.from(result.images[0].bytes).equals(Buffer.from(partials[0].bytes)), 'the final image differs from the first partial');
      assert.equal(result.size, '1024x1536');
      assert.ok(result.usage && result.usage.outputTokens > 0);
      assert.match(result.requestId ?? '', /^[0-9a-f-]{36}$/);
    });

    it('streams edits (image_edit.* events) as multipart with stream=true', async () => {
      const partials: number[] = [];
      const result = await client().edit({ prompt: 'x', images: [{ bytes: png1024 }], partialImages: 1 }, { onPartialImage: (p) => partials.push(p.index) });
      assert.equal(last().body?.['stream'], 'true');
      assert.equal(last().body?.['partial_images'], '1');
      assert.deepEqual(partials, [0]);
      assert.equal(result.images.length, 1);
    });

    it('does not stream with partialImages 0', async () => {
      const partials: number[] = [];
      await client().generate({ prompt: 'x', partialImages: 0 }, { onPartialImage: (p) => partials.push(p.index) });
      assert.equal(last().body?.['stream'], undefined);
      assert.deepEqual(partials, []);
    });

    it('turns an error event inside the stream into a typed failure, and does not retry after partials arrived', async () => {
      emu.inject({ type: 'streamError', afterPartials: 1 });
      const partials: number[] = [];
      const error = await failure(client().generate({ prompt: 'x', partialImages: 2 }, { onPartialImage: (p) => partials.push(p.index) }), 'unavailable');
      assert.deepEqual(partials, [0]);
      assert.equal(emu.requests.length, 1);
      assert.match(error.message, /image generation failed/);
    });

    it('reports a stream cut mid-way as a broken answer with its request id, not retried after the partials it delivered', async () => {
      emu.inject({ type: 'reset' });
      const partials: number[] = [];
      const error = await failure(client().generate({ prompt: 'x', partialImages: 2 }, { onPartialImage: (p) => partials.push(p.index) }), 'invalidResponse');
      assert.match(error.message, /answered, but the answer was broken/);
      assert.ok(error.requestId && error.message.includes(error.requestId));
      assert.deepEqual(partials, [0]);
      assert.equal(emu.requests.length, 1);
    });

    it('checks the final image of a stream: a cut-short one is a broken answer, not retried once partials were shown', async () => {
      emu.inject({ type: 'truncatedImage' });
      const partials: number[] = [];
      const error = await failure(client().generate({ prompt: 'x', partialImages: 1 }, { onPartialImage: (p) => partials.push(p.index) }), 'invalidResponse');
      assert.match(error.message, /PNG is cut short/);
      assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.deepEqual(partials, [0], 'the partial arrived before the broken final image');
      assert.equal(emu.requests.length, 1);
    });
  });

  describe('failures', () => {
    it('401 with a wrong key names the key and carries the request id', async () => {
      const error = await failure(client({ auth: { kind: 'apiKey', apiKey: 'wrong-key-123' } }).generate({ prompt: 'x' }), 'auth');
      assert.equal(error.status, 401);
      assert.match(error.message, /API key was not accepted/);
      assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(error.message.includes(error.requestId!));
      assert.equal(emu.requests.length, 1, 'auth failures are not retried');
    });

    it('401 with a bad token names the token and the scope', async () => {
      const error = await failure(client({ auth: { kind: 'token', getToken: () => Promise.resolve('expired-token') } }).generate({ prompt: 'x' }), 'auth');
      assert.match(error.message, /access token was not accepted.*scope/s);
    });

    it('a failing token provider is an auth failure and nothing is sent', async () => {
      const error = await failure(client({ auth: { kind: 'token', getToken: () => Promise.reject(new Error('AADSTS700082: refresh token expired')) } }).generate({ prompt: 'x' }), 'auth');
      assert.match(error.message, /Could not get an Entra ID access token: AADSTS700082/);
      assert.equal(emu.requests.length, 0);
    });

    it('403 missing role names "Cognitive Services OpenAI User"; 403 resource blocked is its own kind', async () => {
      emu.inject([{ type: 'forbidden', reason: 'role' }, { type: 'forbidden', reason: 'blocked' }]);
      const role = await failure(client().generate({ prompt: 'x' }), 'permission');
      assert.match(role.message, /"Cognitive Services OpenAI User" role/);
      assert.equal(role.status, 403);
      const blocked = await failure(client().generate({ prompt: 'x' }), 'blocked');
      assert.match(blocked.message, /temporarily blocked/);
      assert.equal(emu.requests.length, 2);
    });

    it('404 names the deployment, the API form and the api-version', async () => {
      const v1 = await failure(client({ deployment: 'nope' }).generate({ prompt: 'x' }), 'notFound');
      assert.equal(v1.code, 'DeploymentNotFound');
      assert.match(v1.message, /Deployment "nope" was not found on 127\.0\.0\.1:\d+ using the v1 API form/);
      const dated = await failure(client({ apiMode: 'dated', apiVersion: '2024-10-21' }).generate({ prompt: 'x' }), 'notFound');
      assert.match(dated.message, /dated API form with api-version 2024-10-21.*another api-version/s);
      assert.equal(emu.requests.length, 2);
    });

    it('400 from the service is an invalid request naming the param', async () => {
      const error = await failure(client().generate({ prompt: 'x', extraBody: { size: '1000x1000' } }), 'invalidRequest');
      assert.equal(error.status, 400);
      assert.equal(error.param, 'size');
      assert.match(error.message, /field "size"/);
      assert.equal(emu.requests.length, 1);
    });

    for (const shape of SAFETY_SHAPES) {
      it(`classifies the ${shape} safety shape, without retrying`, async () => {
        emu.inject({ type: 'safety', shape });
        const error = await failure(client().generate({ prompt: 'x' }), 'safety');
        assert.equal(error.safety, shape === 'outputFiltered' ? 'output' : 'prompt');
        assert.match(error.message, shape === 'outputFiltered' ? /generated image was filtered/ : /prompt was blocked/);
        assert.equal(emu.requests.length, 1);
        if (shape === 'moderationBlocked' || shape === 'contentPolicyViolation') assert.deepEqual(error.categories, ['violence']);
        if (shape === 'contentFilter') assert.deepEqual(error.categories, ['hate']);
      });
    }

    it('rate limited after retries reports the wait the service asked for', async () => {
      emu.inject([{ type: 'rateLimit', retryAfterMs: 5 }, { type: 'rateLimit', retryAfterMs: 5 }, { type: 'rateLimit', retryAfterMs: 7_000 }]);
      const error = await failure(client({ maxRetries: 2, retryCapMs: 10 }).generate({ prompt: 'x' }), 'rateLimited');
      assert.equal(error.retryAfterMs, 7_000);
      assert.equal(error.attempts, 3);
      assert.match(error.message, /asked to wait 7 s/);
      assert.equal(emu.requests.length, 3);
    });

    it('500 and 503 are retried, then reported as unavailable', async () => {
      emu.inject([{ type: 'status', status: 500 }, { type: 'status', status: 503 }]);
      const ok = await client().generate({ prompt: 'x' });
      assert.equal(ok.attempts, 3);
      emu.reset();
      emu.inject([{ type: 'status', status: 503 }, { type: 'status', status: 503 }]);
      const error = await failure(client({ maxRetries: 1 }).generate({ prompt: 'x' }), 'unavailable');
      assert.equal(error.status, 503);
      assert.equal(emu.requests.length, 2);
    });

    it('a slow answer times out (and is not retried)', async () => {
      emu.inject({ type: 'delay', ms: 2_000 });
      const error = await failure(client({ timeoutMs: 100 }).generate({ prompt: 'x' }), 'timeout');
      assert.match(error.message, /within 0 s|raise the timeout/);
      assert.equal(emu.requests.length, 1);
    });

    it('a connection reset mid-body is a broken answer and is retried', async () => {
      emu.inject({ type: 'reset' });
      const result = await client().generate({ prompt: 'x' });
      assert.equal(result.attempts, 2);
      assert.equal(emu.requests.length, 2);
      emu.reset();
      emu.inject({ type: 'reset' });
      const error = await failure(client({ maxRetries: 0 }).generate({ prompt: 'x' }), 'invalidResponse');
      assert.match(error.message, /answered, but the answer was broken: the connection broke before the answer was complete/);
      assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/, 'the request id from the headers that did arrive');
      assert.ok(error.message.includes(error.requestId ?? '-'));
    });

    it('an unreachable host is a network failure after bounded retries', async () => {
      const server = http.createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const error = await failure(client({ endpoint: `http://127.0.0.1:${port}`, maxRetries: 2 }).generate({ prompt: 'x' }), 'network');
      assert.match(error.message, /Could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED/);
      assert.equal(error.attempts, 3);
    });

    it('a malformed 200 is a broken answer with the request id from its headers, retried like any transient failure', async () => {
      emu.inject({ type: 'malformedJson' });
      const retried = await client().generate({ prompt: 'x' });
      assert.equal(retried.attempts, 2, 'retried by the one rule (retry.ts)');
      emu.reset();
      emu.inject([{ type: 'malformedJson' }, { type: 'malformedJson' }]);
      const error = await failure(client({ maxRetries: 1 }).generate({ prompt: 'x' }), 'invalidResponse');
      assert.match(error.message, /^The service at 127\.0\.0\.1:\d+ answered, but the answer was broken: its body is not valid JSON\. Nothing was written/);
      assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(error.message.endsWith(`(request id ${error.requestId ?? ''})`));
      assert.equal(error.status, 200);
      assert.equal(error.attempts, 2);
      assert.ok(error.retryable);
      assert.equal(emu.requests.length, 2);
    });

    for (const [fault, reason] of [
      ['badBase64', /the image data is not base64 \(it has "!" at character/],
      ['notImage', /are not an image \(they start with 3C 21 44 4F/],
      ['truncatedImage', /the PNG is cut short/],
    ] as const) {
      it(`a 200 whose image is ${fault} is a retryable broken answer with the request id, never invalidRequest`, async () => {
        emu.inject([{ type: fault }, { type: fault }]);
        const error = await failure(client({ maxRetries: 1 }).generate({ prompt: 'x' }), 'invalidResponse');
        assert.match(error.message, reason);
        assert.match(error.message, /answered, but the answer was broken/);
        assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
        assert.equal(emu.requests.length, 2, 'retried once, then reported');
        emu.reset();
        emu.inject({ type: fault });
        const result = await client().generate({ prompt: 'x' });
        assert.equal(result.attempts, 2, 'a retry gets the good image');
        assert.equal(result.images[0].width, 1024);
      });
    }

    it('never echoes back what was pasted as the endpoint (it may be the key)', () => {
      const pasted = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
      for (const endpoint of [pasted, `ftp://${pasted}`, `https://host.openai.azure.com/?api-key=${pasted}`]) {
        assert.throws(() => client({ endpoint }), (error: unknown) => error instanceof FoundryError && error.kind === 'validation' && !error.message.includes(pasted) && /endpoint/.test(error.message));
      }
    });

    it('a key the service echoes in its headers never reaches the request id, the error or the result', async () => {
      emu.inject({ type: 'echoKey' });
      const result = await client().generate({ prompt: 'x' });
      assert.ok(!JSON.stringify({ ...result, images: [] }).includes(emu.apiKey), 'the result');
      assert.match(result.requestId ?? '', /^[0-9a-f-]{36} \*\*\*$/);
      emu.inject({ type: 'echoKey', status: 500 });
      const error = await failure(client({ maxRetries: 0 }).generate({ prompt: 'x' }), 'unavailable');
      for (const text of [error.message, error.requestId ?? '', error.stack ?? '', JSON.stringify(error), inspect(error, { showHidden: true })]) assert.ok(!text.includes(emu.apiKey), text);
    });

    it('tells the caller about every request it sends and every wait before a retry', async () => {
      emu.inject([{ type: 'status', status: 503 }, { type: 'rateLimit', retryAfterMs: 5 }]);
      const sent: number[] = [];
      const retries: string[] = [];
      const result = await client().generate({ prompt: 'x' }, { onRequest: (r) => sent.push(r.attempt), onRetry: (r) => retries.push(`${r.kind} ${r.attempt}/${r.maxAttempts} ${Math.round(r.waitMs)}`) });
      assert.deepEqual(sent, [1, 2, 3]);
      assert.deepEqual(retries.map((r) => r.replace(/ \d+$/, '')), ['unavailable 2/4', 'rateLimited 3/4']);
      assert.equal(retries[1], 'rateLimited 3/4 5', 'the wait the service asked for');
      assert.equal(result.attempts, 3);
      const none: number[] = [];
      await failure(client({ auth: { kind: 'token', getToken: () => Promise.reject(new Error('no sign-in')) } }).generate({ prompt: 'x' }, { onRequest: (r) => none.push(r.attempt) }), 'auth');
      assert.deepEqual(none, [], 'a token failure sends nothing');
    });
  });

  describe('retries', () => {
    function plannedWaits(logger: { lines: string[] }): number[] {
      return logger.lines.map((l) => /retrying in (\d+) ms/.exec(l)?.[1]).filter((x): x is string => x !== undefined).map(Number);
    }

    it('honours retry-after-ms first, then retry-after, each capped', async () => {
      const logger = recordingLogger();
      emu.inject([
        { type: 'rateLimit', retryAfterMs: 40, retryAfterSeconds: 5 },
        { type: 'rateLimit', retryAfterSeconds: '0.03' },
        { type: 'rateLimit', retryAfterSeconds: 30 },
      ]);
      const result = await client({ logger, retryCapMs: 60, maxRetries: 3 }).generate({ prompt: 'x' });
      assert.equal(result.attempts, 4);
      assert.deepEqual(plannedWaits(logger), [40, 30, 60]);
      const gaps = emu.requests.slice(1).map((r, i) => r.receivedAt - emu.requests[i].receivedAt);
      assert.ok(gaps[0] >= 35, `waited ${gaps[0]} ms for retry-after-ms 40`);
    });

    it('honours an HTTP-date retry-after', async () => {
      const logger = recordingLogger();
      emu.inject({ type: 'rateLimit', retryAfterSeconds: new Date(Date.now() + 60_000).toUTCString() });
      await client({ logger, retryCapMs: 25 }).generate({ prompt: 'x' });
      assert.deepEqual(plannedWaits(logger), [25]);
    });

    it('backs off exponentially with jitter when the service names no wait (EngineOverloaded)', async () => {
      const logger = recordingLogger();
      emu.inject([{ type: 'rateLimit' }, { type: 'rateLimit' }, { type: 'rateLimit' }]);
      const result = await client({ logger, retryBaseMs: 8, retryCapMs: 1_000 }).generate({ prompt: 'x' });
      assert.equal(result.attempts, 4);
      const waits = plannedWaits(logger);
      assert.equal(waits.length, 3);
      waits.forEach((w, i) => assert.ok(w >= 4 * 2 ** i && w <= 8 * 2 ** i, `wait ${i}: ${w}`));
    });

    it('retries 408 and 409 too, and stops after maxRetries', async () => {
      emu.inject([{ type: 'status', status: 408 }, { type: 'status', status: 409 }]);
      assert.equal((await client().generate({ prompt: 'x' })).attempts, 3);
      emu.reset();
      emu.inject(Array.from({ length: 5 }, () => ({ type: 'status' as const, status: 500 })));
      const error = await failure(client({ maxRetries: 2 }).generate({ prompt: 'x' }), 'unavailable');
      assert.equal(error.attempts, 3);
      assert.equal(emu.requests.length, 3);
    });

    it('never retries safety, auth, permission, not-found or invalid-request failures', async () => {
      emu.inject([{ type: 'safety', shape: 'promptBlocked' }, { type: 'unauthorized' }, { type: 'forbidden', reason: 'role' }]);
      await failure(client().generate({ prompt: 'x' }), 'safety');
      await failure(client().generate({ prompt: 'x' }), 'auth');
      await failure(client().generate({ prompt: 'x' }), 'permission');
      await failure(client({ deployment: 'missing' }).generate({ prompt: 'x' }), 'notFound');
      await failure(client().generate({ prompt: 'x', extraBody: { n: 99 } }), 'invalidRequest');
      assert.equal(emu.requests.length, 5);
    });

    it('waits out a quota window using the retry-after the emulator computes', async () => {
      // The window runs on a clock the test moves: by the wait the client announces before it retries.
      let clock = 1_000_000;
      const waits: number[] = [];
      const quotaEmu = await startEmulator({ quota: { images: 2, windowMs: 300 }, now: () => clock });
      try {
        const c = createFoundryClient({ endpoint: quotaEmu.endpoint, deployment: quotaEmu.deployment, model: quotaEmu.model, apiMode: 'v1', auth: { kind: 'apiKey', apiKey: quotaEmu.apiKey }, retryCapMs: 1_000 });
        const results = [];
        const onRetry = (notice: { waitMs: number }): void => {
          waits.push(notice.waitMs);
          clock += notice.waitMs;
        };
        for (let i = 0; i < 3; i++) results.push(await c.generate({ prompt: `x${i}` }, { onRetry }));
        assert.equal(waits.length, 1);
        assert.ok((waits[0] ?? 0) >= 300, `waits out what is left of the window (${waits[0]} ms)`);
        assert.deepEqual(results.map((r) => r.attempts), [1, 1, 2]);
        assert.deepEqual(quotaEmu.requests.map((r) => r.status), [200, 200, 429, 200]);
      } finally {
        await quotaEmu.close();
      }
    });
  });

  describe('cancellation', () => {
    it('an already aborted signal sends nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      await failure(client().generate({ prompt: 'x' }, { signal: controller.signal }), 'cancelled');
      assert.equal(emu.requests.length, 0);
    });

    it('aborting during the request rejects with cancelled and returns nothing', async () => {
      // The answer would come after the test's own timeout: rejecting at all shows the client did not wait for it.
      emu.inject({ type: 'delay', ms: 120_000 });
      const controller = new AbortController();
      const promise = client().generate({ prompt: 'x' }, { signal: controller.signal, onRequest: () => controller.abort() });
      await failure(promise, 'cancelled');
    });

    it('aborting during a retry wait stops at once', async () => {
      emu.inject({ type: 'rateLimit', retryAfterMs: 10_000 });
      const controller = new AbortController();
      const promise = client({ retryCapMs: 10_000 }).generate({ prompt: 'x' }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      await failure(promise, 'cancelled');
      assert.equal(emu.requests.length, 1);
    });

    it('aborting mid-stream stops the partials', async () => {
      const controller = new AbortController();
      const partials: number[] = [];
      const slow = await startEmulator({ streamIntervalMs: 200 });
      try {
        const c = createFoundryClient({ endpoint: slow.endpoint, deployment: slow.deployment, model: slow.model, apiMode: 'v1', auth: { kind: 'apiKey', apiKey: slow.apiKey } });
        const promise = c.generate({ prompt: 'x', partialImages: 3 }, {
          signal: controller.signal,
          onPartialImage: (p) => {
            partials.push(p.index);
            controller.abort();
          },
        });
        await failure(promise, 'cancelled');
        assert.deepEqual(partials, [0]);
      } finally {
        await slow.close();
      }
    });
  });

  describe('secrets', () => {
    const SECRET_KEY = 'sk-TOPSECRET-4f9a8b7c6d5e';
    const SECRET_TOKEN = 'eyJTOPSECRET.token.value-0123456789';

    function assertClean(value: unknown, secret: string, what: string): void {
      const texts = [String(value), JSON.stringify(value) ?? '', inspect(value, { showHidden: true, depth: 8 })];
      if (value instanceof Error) texts.push(value.stack ?? '', value.message);
      for (const text of texts) assert.ok(!text.includes(secret), `${what} leaks the secret: ${text.slice(0, 300)}`);
    }

    it('never puts the API key or the token into errors, logs or the client object', async () => {
      const logger = recordingLogger();
      const keyClient = client({ auth: { kind: 'apiKey', apiKey: SECRET_KEY }, logger, maxRetries: 1 });
      assertClean(keyClient, SECRET_KEY, 'the client');
      assertClean(await failure(keyClient.generate({ prompt: 'x' }), 'auth'), SECRET_KEY, '401 error');
      emu.inject([{ type: 'status', status: 500, message: `echo ${SECRET_KEY}` }, { type: 'status', status: 500, message: `echo ${SECRET_KEY}` }]);
      const echoed = await failure(client({ auth: { kind: 'apiKey', apiKey: SECRET_KEY }, logger, maxRetries: 1 }).generate({ prompt: 'x' }), 'auth');
      assertClean(echoed, SECRET_KEY, 'error');
      const tokenClient = client({ auth: { kind: 'token', getToken: () => Promise.resolve(SECRET_TOKEN) }, logger });
      assertClean(await failure(tokenClient.generate({ prompt: 'x' }), 'auth'), SECRET_TOKEN, 'token 401 error');
      const throwing = client({ auth: { kind: 'token', getToken: () => Promise.reject(new Error(`bad ${SECRET_TOKEN}`)) }, logger });
      const providerError = await failure(throwing.generate({ prompt: 'x' }), 'auth');
      assert.ok(!providerError.message.includes(SECRET_TOKEN));
      await client({ auth: { kind: 'token', getToken: () => Promise.resolve(emu.token) }, logger }).generate({ prompt: 'x' });
      assert.ok(logger.lines.length > 0);
      for (const line of logger.lines) {
        assert.ok(!line.includes(SECRET_KEY) && !line.includes(SECRET_TOKEN) && !line.includes(emu.token), `log line leaks: ${line}`);
      }
    });

    it('redacts a secret the service echoes back in an error message', async () => {
      const keyed = await startEmulator({ apiKey: SECRET_KEY });
      try {
        keyed.inject([{ type: 'status', status: 400, message: `bad request for key ${SECRET_KEY}` }]);
        const logger = recordingLogger();
        const c = createFoundryClient({ endpoint: keyed.endpoint, deployment: keyed.deployment, model: keyed.model, apiMode: 'v1', auth: { kind: 'apiKey', apiKey: SECRET_KEY }, logger });
        const error = await failure(c.generate({ prompt: 'x' }), 'invalidRequest');
        assert.match(error.message, /bad request for key \*\*\*/);
        assertClean(error, SECRET_KEY, 'echoed error');
        for (const line of logger.lines) assert.ok(!line.includes(SECRET_KEY), line);
      } finally {
        await keyed.close();
      }
    });
  });
});
