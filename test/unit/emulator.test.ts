import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import sharp from 'sharp';
import { renderWireframe } from '../emulator/render';
import { checkImage, imageProblem } from '../../src/core/image/check';
import { parseFaultSpec, SAFETY_SHAPES, startEmulator, type Emulator } from '../emulator/server';

describe('Foundry emulator', function () {
  this.timeout(20_000);
  let emu: Emulator;

  before(async () => {
    emu = await startEmulator({ deployments: { 'gpt-image-2': 'gpt-image-2', img1: 'gpt-image-1', mini: 'gpt-image-1-mini' } });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => emu.reset());

  async function post(pathname: string, body: unknown, headers: Record<string, string> = { 'api-key': emu.apiKey }): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
    const response = await fetch(`${emu.endpoint}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
  }
  const errorOf = (json: Record<string, unknown>): { code?: string; message?: string; param?: string } => json['error'] as { code?: string; message?: string; param?: string };
  const v1 = '/openai/v1/images/generations';

  it('listens on 127.0.0.1 on a random port', () => {
    assert.match(emu.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(emu.port > 0);
  });

  it('checks the api-key or the bearer token, answering 401 in the service shape', async () => {
    const none = await post(v1, { model: 'gpt-image-2', prompt: 'p' }, {});
    assert.equal(none.status, 401);
    assert.match(errorOf(none.json).message ?? '', /Access denied due to invalid subscription key/);
    assert.equal((await post(v1, { model: 'gpt-image-2', prompt: 'p' }, { authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await post(v1, { model: 'gpt-image-2', prompt: 'p', size: '1024x1024' }, { authorization: `Bearer ${emu.token}` })).status, 200);
    assert.deepEqual(emu.requests.map((r) => [r.auth, r.authValid, r.headers['authorization'] ?? null]), [
      ['none', false, null],
      ['bearer', false, '<redacted>'],
      ['bearer', true, '<redacted>'],
    ]);
  });

  it('serves both API forms; unknown deployments give 404 DeploymentNotFound; dated needs an api-version', async () => {
    const ok = await post('/openai/deployments/img1/images/generations?api-version=2025-04-01-preview', { prompt: 'p' });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('apim-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(errorOf((await post(v1, { model: 'ghost', prompt: 'p' })).json).code, 'DeploymentNotFound');
    assert.equal((await post('/openai/deployments/ghost/images/generations?api-version=2025-04-01-preview', { prompt: 'p' })).status, 404);
    assert.equal((await post('/openai/deployments/img1/images/generations', { prompt: 'p' })).status, 404);
    assert.equal((await post('/openai/deployments/img1/images/generations?api-version=2024-02-01', { prompt: 'p' })).status, 404);
    assert.equal((await post('/openai/v1/chat/completions', { prompt: 'p' })).status, 404);
  });

  it('applies the per-model rules, answering 400 naming the param', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'gpt-image-2', prompt: 'p', size: '1000x1000' }, 'size'],
      [{ model: 'img1', prompt: 'p', size: '1536x864' }, 'size'],
      [{ model: 'img1', prompt: 'p', n: 11 }, 'n'],
      [{ model: 'img1', prompt: 'p', output_compression: 50 }, 'output_compression'],
      [{ model: 'img1', prompt: 'p', background: 'transparent', output_format: 'jpeg' }, 'background'],
      [{ model: 'img1', prompt: 'p', output_format: 'webp' }, 'output_format'],
      [{ model: 'img1', prompt: 'p', partial_images: 4, stream: true }, 'partial_images'],
      [{ model: 'img1' }, 'prompt'],
      [{ prompt: 'p' }, 'model'],
    ];
    for (const [body, param] of cases) {
      const response = await post(v1, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(errorOf(response.json).param, param, JSON.stringify(body));
    }
    const dated = await post('/openai/deployments/img1/images/generations?api-version=2025-04-01-preview', { prompt: 'p', moderation: 'low' });
    assert.equal(errorOf(dated.json).param, 'moderation');
  });

  it('returns decodable images of exactly the requested size, transparent when asked, with usage and created', async () => {
    const response = await post(v1, { model: 'gpt-image-2', prompt: 'p', size: '2000x1008', n: 2, background: 'transparent', quality: 'medium' });
    assert.equal(response.status, 200);
    const data = response.json['data'] as Array<{ b64_json: string }>;
    assert.equal(data.length, 2);
    for (const item of data) {
      const meta = await sharp(Buffer.from(item.b64_json, 'base64')).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height, meta.hasAlpha], ['png', 2000, 1008, true]);
    }
    const usage = response.json['usage'] as { output_tokens: number; total_tokens: number; input_tokens: number };
    assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
    assert.equal(usage.output_tokens, 2 * Math.round((1767 * 2000 * 1008) / (1024 * 1024)));
    assert.equal(typeof response.json['created'], 'number');
    const low = await post(v1, { model: 'img1', prompt: 'p', size: '1024x1024', quality: 'low' });
    assert.equal((low.json['usage'] as { output_tokens: number }).output_tokens, 272, "gpt-image-1's table value");
    const jpeg = await post(v1, { model: 'img1', prompt: 'p', output_format: 'jpeg', output_compression: 30 });
    const jpegMeta = await sharp(Buffer.from((jpeg.json['data'] as Array<{ b64_json: string }>)[0].b64_json, 'base64')).metadata();
    assert.equal(jpegMeta.format, 'jpeg');
    assert.ok(['1024x1024', '1536x1024', '1024x1536'].includes(`${jpegMeta.width}x${jpegMeta.height}`), 'auto gives a valid size');
  });

  it('draws deterministic wireframes from the prompt', async () => {
    const a = await renderWireframe({ width: 1024, height: 640, format: 'png', prompt: 'settings page' });
    const b = await renderWireframe({ width: 1024, height: 640, format: 'png', prompt: 'settings page' });
    const c = await renderWireframe({ width: 1024, height: 640, format: 'png', prompt: 'checkout page' });
    assert.ok(a.equals(b));
    assert.ok(!a.equals(c));
    const stats = await sharp(a).stats();
    assert.ok(stats.channels.some((ch) => ch.max - ch.min > 100), 'the picture has contrast (header, cards), not a flat fill');
    const small = await renderWireframe({ width: 17, height: 33, format: 'jpeg', prompt: 'x', compression: 50 });
    const meta = await sharp(small).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 17, 33]);
  });

  it('parses multipart edits and records file parts with their content types; rejects octet-stream parts', async () => {
    const image = await renderWireframe({ width: 1024, height: 1024, format: 'png', prompt: 'in' });
    const send = (type: string): Promise<Response> => {
      const form = new FormData();
      form.append('model', 'img1');
      form.append('prompt', 'edit');
      form.append('image[]', new Blob([image], { type }), 'a.png');
      form.append('image[]', new Blob([image], { type }), 'b.png');
      return fetch(`${emu.endpoint}/openai/v1/images/edits`, { method: 'POST', headers: { 'api-key': emu.apiKey }, body: form });
    };
    assert.equal((await send('image/png')).status, 200);
    const recorded = emu.requests[0];
    assert.deepEqual(recorded.files.map((f) => [f.field, f.name, f.contentType, f.bytes.length]), [
      ['image[]', 'a.png', 'image/png', image.length],
      ['image[]', 'b.png', 'image/png', image.length],
    ]);
    assert.deepEqual(recorded.body, { model: 'img1', prompt: 'edit' });
    const rejected = await send('application/octet-stream');
    assert.equal(rejected.status, 400);
    assert.match(((await rejected.json()) as { error: { message: string } }).error.message, /unsupported mimetype \('application\/octet-stream'\)/);
  });

  it('consumes injected faults one per matching request, in order, honouring the operation filter', async () => {
    emu.inject([{ type: 'status', status: 500, operation: 'edits' }, { type: 'rateLimit', retryAfterMs: 250 }, { type: 'rateLimit', retryAfterSeconds: 3 }, { type: 'rateLimit' }, { type: 'status', status: 503 }]);
    const first = await post(v1, { model: 'img1', prompt: 'p' });
    assert.equal(first.status, 429);
    assert.equal(first.headers.get('retry-after-ms'), '250');
    const second = await post(v1, { model: 'img1', prompt: 'p' });
    assert.deepEqual([second.status, second.headers.get('retry-after')], [429, '3']);
    const third = await post(v1, { model: 'img1', prompt: 'p' });
    assert.deepEqual([third.status, errorOf(third.json).code, third.headers.get('retry-after')], [429, 'EngineOverloaded', null]);
    assert.equal((await post(v1, { model: 'img1', prompt: 'p' })).status, 503);
    assert.equal(emu.pendingFaults.length, 1, 'the edits-only fault is still waiting');
    assert.deepEqual(emu.requests.map((r) => r.fault), ['rateLimit', 'rateLimit', 'rateLimit', 'status']);
  });

  it('serves every safety shape, malformed JSON, delays and a mid-body reset', async () => {
    for (const shape of SAFETY_SHAPES) {
      emu.inject({ type: 'safety', shape });
      const response = await post(v1, { model: 'img1', prompt: 'p' });
      assert.equal(response.status, 400);
      assert.ok(errorOf(response.json).code, shape);
    }
    emu.inject({ type: 'malformedJson' });
    const malformed = await fetch(`${emu.endpoint}${v1}`, { method: 'POST', headers: { 'api-key': emu.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'img1', prompt: 'p' }) });
    assert.equal(malformed.status, 200);
    await assert.rejects(malformed.json());
    emu.inject({ type: 'delay', ms: 150 });
    const started = Date.now();
    assert.equal((await post(v1, { model: 'img1', prompt: 'p' })).status, 200);
    assert.ok(Date.now() - started >= 140);
    emu.inject({ type: 'reset' });
    await assert.rejects(post(v1, { model: 'img1', prompt: 'p' }));
  });

  it('damages images on demand: bad base64, bytes that are not an image, an image cut short, one libvips cannot decode', async () => {
    const image = async (): Promise<string> => ((await post(v1, { model: 'img1', prompt: 'p' })).json['data'] as Array<{ b64_json: string }>)[0].b64_json;
    emu.inject({ type: 'badBase64' });
    assert.match(await image(), /!\*%/);
    emu.inject({ type: 'notImage' });
    assert.match(Buffer.from(await image(), 'base64').toString('utf8'), /^<!DOCTYPE html>/);
    emu.inject({ type: 'truncatedImage', fraction: 0.3 });
    assert.match((await imageProblem(Buffer.from(await image(), 'base64'))) ?? '', /PNG is cut short/);
    emu.inject({ type: 'undecodableImage' });
    assert.equal((await checkImage(Buffer.from(await image(), 'base64'))).format, 'jpeg', 'complete and well-formed: only decoding finds it');
    assert.equal((await imageProblem(Buffer.from(await image(), 'base64'))), undefined, 'the next answer is whole');
    emu.inject({ type: 'echoKey' });
    const echoed = await post(v1, { model: 'img1', prompt: 'p' });
    assert.ok(echoed.headers.get('apim-request-id')?.endsWith(` ${emu.apiKey}`));
    assert.equal(echoed.headers.get('x-echo-api-key'), emu.apiKey);
  });

  it('takes faults from specs (the command line\'s --fault) and from magic prompts, [fault:SPEC] or [fault:SPEC xN]', async () => {
    assert.deepEqual(parseFaultSpec('rateLimit'), { type: 'rateLimit' });
    assert.deepEqual(parseFaultSpec('rateLimit:2000'), { type: 'rateLimit', retryAfterMs: 2000 });
    assert.deepEqual(parseFaultSpec('status:503'), { type: 'status', status: 503 });
    assert.deepEqual(parseFaultSpec('truncatedImage:0.25'), { type: 'truncatedImage', fraction: 0.25 });
    assert.deepEqual(parseFaultSpec('safety:moderationBlocked'), { type: 'safety', shape: 'moderationBlocked' });
    assert.throws(() => parseFaultSpec('exploded'), /unknown fault "exploded": use one of rateLimit, .*undecodableImage/);
    assert.throws(() => parseFaultSpec('status'), /the HTTP status must be a number/);
    assert.throws(() => parseFaultSpec('reset:1'), /reset takes no argument/);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(v1, { model: 'img1', prompt: 'Checkout [fault:status:503 x2]' })).status);
    assert.deepEqual(statuses, [503, 503, 200, 200], 'the first two requests with that prompt');
    assert.equal((await post(v1, { model: 'img1', prompt: 'Always [fault:unauthorized]' })).status, 401);
    assert.equal((await post(v1, { model: 'img1', prompt: 'Always [fault:unauthorized]' })).status, 401);
    assert.deepEqual(emu.requests.slice(-2).map((r) => r.fault), ['unauthorized', 'unauthorized']);
    const bad = await post(v1, { model: 'img1', prompt: 'Typo [fault:nope]' });
    assert.equal(bad.status, 400);
    assert.match(errorOf(bad.json).message ?? '', /emulator: unknown fault "nope"/);
  });

  it('enforces a quota per window with a correct retry-after', async () => {
    const quota = await startEmulator({ quota: { images: 2, windowMs: 400 } });
    try {
      const call = (): Promise<Response> => fetch(`${quota.endpoint}${v1}`, { method: 'POST', headers: { 'api-key': quota.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ model: quota.deployment, prompt: 'p', size: '1024x1024' }) });
      assert.equal((await call()).status, 200);
      const start = quota.requests[0].receivedAt;
      assert.equal((await call()).status, 200);
      const limited = await call();
      assert.equal(limited.status, 429);
      const ms = Number(limited.headers.get('retry-after-ms'));
      assert.ok(ms > 0 && ms <= 400, `retry-after-ms ${ms}`);
      assert.ok(quota.requests[2].receivedAt + ms >= start + 400 - 5, 'the wait reaches the end of the window');
      assert.equal(limited.headers.get('retry-after'), String(Math.ceil(ms / 1000)));
      await new Promise((resolve) => setTimeout(resolve, ms + 5));
      assert.equal((await call()).status, 200);
    } finally {
      await quota.close();
    }
  });

  it('`npm run emulator` prints one JSON line first and serves requests', async () => {
    const main = path.resolve(__dirname, '../emulator/main.js');
    const child = spawn(process.execPath, [main, '--model', 'gpt-image-1', '--quota', '5/60000', '--api-key', 'k-123', '--fault', 'status:503', '--fault', 'truncatedImage'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout });
        rl.once('line', resolve);
        child.once('exit', (code) => reject(new Error(`emulator exited with ${String(code)}`)));
      });
      const info = JSON.parse(line) as { endpoint: string; apiKey: string; deployment: string; model: string };
      assert.deepEqual([info.apiKey, info.deployment, info.model], ['k-123', 'gpt-image-1', 'gpt-image-1']);
      const call = (): Promise<Response> => fetch(`${info.endpoint}${v1}`, { method: 'POST', headers: { 'api-key': info.apiKey, 'content-type': 'application/json' }, body: JSON.stringify({ model: info.deployment, prompt: 'p' }) });
      assert.equal((await call()).status, 503, 'the faults of the command line, in order');
      const cut = (await (await call()).json()) as { data: Array<{ b64_json: string }> };
      assert.match((await imageProblem(Buffer.from(cut.data[0].b64_json, 'base64'))) ?? '', /cut short/);
      const response = await call();
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-ratelimit-limit-requests'), '5', 'the quota per minute, as Azure states it');
    } finally {
      child.kill('SIGTERM');
    }
    const help = spawn(process.execPath, [main, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    help.stdout.on('data', (d: Buffer) => (text += d.toString()));
    await new Promise((resolve) => help.once('exit', resolve));
    for (const name of ['--fault SPEC', 'badBase64', 'notImage', 'truncatedImage', 'echoKey', 'malformedJson', 'undecodableImage', '[fault:SPEC xN]']) assert.ok(text.includes(name), `--help names ${name}`);
  });
});
