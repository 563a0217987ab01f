/**
 * Contract test: the generation requests the client sends, and the emulator's responses and stream
 * events, validate against OpenAI's own schemas (test/fixtures/spec/openai-openapi_images-excerpt.yaml,
 * a verbatim extract of openai/openai-openapi's openapi.yaml; see docs/foundry-image-api.md)
 * with a JSON Schema validator. The schemas are used as published; the only transformation is the
 * mechanical OpenAPI 3.0 to JSON Schema translation of `nullable: true`.
 *
 * The one intended difference is gpt-image-2's free `WxH` sizes: OpenAI's response and stream-event
 * schemas enumerate only 1024x1024, 1024x1536 and 1536x1024 for `size`. It is named below
 * (GPT_IMAGE_2_FREE_SIZE) and asserted to be the only error, instead of loosening the schema.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { createFoundryClient, type FoundryClientOptions } from '../../src/core/foundry';
import { renderWireframe } from '../emulator/render';
import { startEmulator, type Emulator } from '../emulator/server';

const SPEC = path.resolve(__dirname, '../../../test/fixtures/spec/openai-openapi_images-excerpt.yaml');

/** The named exception: a gpt-image-2 response reporting a free size fails only OpenAI's `size` enum. */
const GPT_IMAGE_2_FREE_SIZE = { instancePath: '/size', keyword: 'enum' } as const;

/** OpenAPI 3.0 `nullable: true` -> JSON Schema (`type: [t, 'null']`, or `anyOf [..., null]` without a type). */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = toJsonSchema(value);
  if (out['nullable'] === true) {
    delete out['nullable'];
    if (typeof out['type'] === 'string') {
      out['type'] = [out['type'], 'null'];
      if (Array.isArray(out['enum'])) out['enum'] = [...(out['enum'] as unknown[]), null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

describe('contract: OpenAI image schemas', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let validators: Record<string, ValidateFunction>;

  before(async () => {
    const doc = parse(readFileSync(SPEC, 'utf8')) as { components: unknown };
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: 'openai', components: toJsonSchema(doc.components) });
    const get = (name: string): ValidateFunction => {
      const validate = ajv.getSchema(`openai#/components/schemas/${name}`);
      assert.ok(validate, `schema ${name} missing from the spec excerpt`);
      return validate;
    };
    validators = Object.fromEntries(
      ['CreateImageRequest', 'ImagesResponse', 'ImageGenStreamEvent', 'ImageEditStreamEvent', 'ErrorResponse'].map((name) => [name, get(name)]),
    );
    emu = await startEmulator({ deployments: { 'gpt-image-2': 'gpt-image-2', img1: 'gpt-image-1', mini: 'gpt-image-1-mini' } });
  });
  after(async () => {
    await emu?.close();
  });
  beforeEach(() => emu.reset());

  function errorsOf(name: string, value: unknown): ErrorObject[] {
    const validate = validators[name];
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }

  function client(deployment: string, model: FoundryClientOptions['model'], apiMode: 'v1' | 'dated' = 'v1'): ReturnType<typeof createFoundryClient> {
    return createFoundryClient({ endpoint: emu.endpoint, deployment, model, apiMode, auth: { kind: 'apiKey', apiKey: emu.apiKey }, retryBaseMs: 1 });
  }

  async function raw(pathname: string, body: unknown): Promise<{ status: number; contentType: string; text: string }> {
    const response = await fetch(`${emu.endpoint}${pathname}`, { method: 'POST', headers: { 'api-key': emu.apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  function sseEvents(text: string): Array<{ event: string; data: unknown }> {
    return text
      .split('\n\n')
      .filter((block) => block.trim())
      .map((block) => {
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
        return { event, data: JSON.parse(data) as unknown };
      });
  }

  it('the generation requests the client sends validate against CreateImageRequest', async () => {
    await client('gpt-image-2', 'gpt-image-2').generate({ prompt: 'minimal' });
    await client('img1', 'gpt-image-1').generate({
      prompt: 'every field',
      size: '1536x1024',
      n: 2,
      quality: 'high',
      outputFormat: 'jpeg',
      outputCompression: 80,
      background: 'opaque',
      moderation: 'low',
      user: 'tester',
    });
    await client('mini', 'gpt-image-1-mini').generate({ prompt: 'transparent', background: 'transparent', outputFormat: 'png', size: 'auto' });
    await client('gpt-image-2', 'gpt-image-2').generate({ prompt: 'streamed', partialImages: 2, size: '1024x1024' });
    await client('img1', 'gpt-image-1', 'dated').generate({ prompt: 'dated form', quality: 'low' });
    assert.equal(emu.requests.length, 5);
    for (const request of emu.requests) {
      assert.equal(request.operation, 'generations');
      assert.deepEqual(errorsOf('CreateImageRequest', request.body), [], JSON.stringify(request.body));
    }
    assert.equal(emu.requests[3].body?.['stream'], true);
  });

  it('names the one intended difference: gpt-image-2 sends free WxH sizes', async () => {
    await client('gpt-image-2', 'gpt-image-2').generate({ prompt: 'wide', size: '2048x1152' });
    const body = emu.requests[0].body!;
    // The request schema's `size` is `anyOf: [string, enum]`, so a free size passes through its plain-string branch ...
    assert.deepEqual(errorsOf('CreateImageRequest', body), []);
    // ... and is outside the enumerated sizes: that is the difference, stated rather than hidden.
    const sizeSchema = (parse(readFileSync(SPEC, 'utf8')) as { components: { schemas: { CreateImageRequest: { properties: { size: { anyOf: Array<{ enum?: string[] }> } } } } } })
      .components.schemas.CreateImageRequest.properties.size;
    const enumerated = sizeSchema.anyOf.flatMap((branch) => branch.enum ?? []);
    assert.ok(!enumerated.includes(String(body['size'])), 'a free size is not among the enumerated sizes');
  });

  it('emulator responses validate against ImagesResponse (gpt-image-2 free sizes: only the named exception)', async () => {
    for (const [model, size] of [['img1', '1024x1536'], ['mini', 'auto'], ['gpt-image-2', '1024x1024']] as const) {
      const response = await raw('/openai/v1/images/generations', { model, prompt: 'p', size, quality: 'low' });
      assert.equal(response.status, 200);
      assert.deepEqual(errorsOf('ImagesResponse', JSON.parse(response.text)), [], `${model} ${size}`);
    }
    const free = await raw('/openai/v1/images/generations', { model: 'gpt-image-2', prompt: 'p', size: '1536x864' });
    const errors = errorsOf('ImagesResponse', JSON.parse(free.text));
    assert.deepEqual(errors.map((e) => ({ instancePath: e.instancePath, keyword: e.keyword })), [GPT_IMAGE_2_FREE_SIZE]);
  });

  it('emulator stream events validate against ImageGenStreamEvent and ImageEditStreamEvent', async () => {
    const gen = await raw('/openai/v1/images/generations', { model: 'img1', prompt: 'p', size: '1024x1024', stream: true, partial_images: 2, quality: 'low' });
    assert.match(gen.contentType, /^text\/event-stream/);
    const events = sseEvents(gen.text);
    assert.deepEqual(events.map((e) => e.event), ['image_generation.partial_image', 'image_generation.partial_image', 'image_generation.completed']);
    for (const event of events) {
      assert.deepEqual(errorsOf('ImageGenStreamEvent', event.data), [], event.event);
      assert.equal((event.data as { type: string }).type, event.event, 'the SSE event name matches data.type');
    }

    const image = await renderWireframe({ width: 1024, height: 1024, format: 'png', prompt: 'in' });
    const form = new FormData();
    form.append('model', 'img1');
    form.append('prompt', 'edit');
    form.append('stream', 'true');
    form.append('partial_images', '1');
    form.append('image', new Blob([image], { type: 'image/png' }), 'in.png');
    const edit = await fetch(`${emu.endpoint}/openai/v1/images/edits`, { method: 'POST', headers: { 'api-key': emu.apiKey }, body: form });
    const editEvents = sseEvents(await edit.text());
    assert.deepEqual(editEvents.map((e) => e.event), ['image_edit.partial_image', 'image_edit.completed']);
    for (const event of editEvents) assert.deepEqual(errorsOf('ImageEditStreamEvent', event.data), [], event.event);

    const free = sseEvents((await raw('/openai/v1/images/generations', { model: 'gpt-image-2', prompt: 'p', size: '1536x864', stream: true, partial_images: 1 })).text);
    for (const event of free) {
      const errors = errorsOf('ImageGenStreamEvent', event.data);
      // anyOf reports each branch; every error must be the named size exception or the other branch's `type` const.
      const unexpected = errors.filter((e) => !(e.instancePath === GPT_IMAGE_2_FREE_SIZE.instancePath && e.keyword === 'enum') && !(e.instancePath === '/type' && e.keyword === 'enum') && e.keyword !== 'anyOf' && !(e.instancePath === '' && e.keyword === 'required'));
      assert.deepEqual(unexpected, [], event.event);
      assert.ok(errors.some((e) => e.instancePath === '/size' && e.keyword === 'enum'), 'the free size is what differs');
    }
  });

  it("the emulator's 400 errors validate against ErrorResponse", async () => {
    for (const body of [{ model: 'gpt-image-2', prompt: 'p', size: '1000x1000' }, { model: 'img1', prompt: 'p', n: 11 }, { model: 'gpt-image-2' }]) {
      const response = await raw('/openai/v1/images/generations', body);
      assert.equal(response.status, 400);
      const parsed = JSON.parse(response.text) as { error: { param: string } };
      assert.deepEqual(errorsOf('ErrorResponse', parsed), []);
      assert.ok(parsed.error.param, 'names the param');
    }
  });
});
