import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { createFoundryClient, FoundryError, type FoundryClient } from '../../src/core/foundry';
import { readImageInfo } from '../../src/core/image';
import { slugFromPrompt } from '../../src/core/assets/naming';
import { executeRequest, type MockupContext, type MockupRequest, namingText } from '../../src/core/generation';
import { DEFAULT_PRICING } from '../../src/core/pricing';
import { planSize } from '../../src/core/sizes/planner';
import { cssTarget, pixelTarget } from '../../src/core/sizes/target';
import { type Emulator, startEmulator } from '../emulator/server';

const schema = JSON.parse(readFileSync(path.join(__dirname, '../../../schemas/sidecar.schema.json'), 'utf8')) as object;
const validateSidecar = new Ajv({ allErrors: true, strict: true }).compile(schema);

describe('creating mockups (client -> plan -> files)', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let client: FoundryClient;
  let folder: string;
  let context: MockupContext;

  before(async () => {
    emulator = await startEmulator();
    client = createFoundryClient({
      endpoint: emulator.endpoint,
      deployment: emulator.deployment,
      model: 'gpt-image-2',
      apiMode: 'v1',
      auth: { kind: 'apiKey', apiKey: emulator.apiKey },
      retryBaseMs: 1,
    });
    context = {
      client,
      connection: { deployment: emulator.deployment, model: 'gpt-image-2', endpointHost: new URL(emulator.endpoint).host, apiMode: 'v1' },
      pricing: DEFAULT_PRICING['gpt-image-2'],
      toolVersion: '0.0.0-test',
    };
  });
  after(() => emulator.close());
  beforeEach(async () => {
    emulator.reset();
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-mockups-'));
  });

  function request(overrides: Partial<MockupRequest> = {}): MockupRequest {
    return {
      promptTyped: 'Checkout screen for a coffee app',
      promptSent: 'Checkout screen for a coffee app',
      plan: planSize(cssTarget(390, 844, 3, 'iphone-15'), 'gpt-image-2'),
      quality: 'low',
      folder,
      ...overrides,
    };
  }

  it('writes the exact-size image, the untouched original and a valid sidecar', async () => {
    const outcome = await executeRequest(request(), context);
    assert.equal(outcome.mockups.length, 1);
    const [mockup] = outcome.mockups;
    assert.equal(path.basename(mockup.file), 'checkout-screen-coffee-app-iphone-15.png');
    const exact = await readImageInfo(await fs.readFile(mockup.file));
    assert.deepEqual([exact.width, exact.height], [1170, 2532]);
    assert.ok(mockup.original, 'the original is kept');
    assert.equal(path.basename(mockup.original), 'checkout-screen-coffee-app-iphone-15.original.png');
    const original = await fs.readFile(mockup.original);
    const generation = outcome.mockups[0].sidecar.request.size;
    const info = await readImageInfo(original);
    assert.equal(`${info.width}x${info.height}`, generation, 'the original is the generated size');
    const sidecar = JSON.parse(await fs.readFile(mockup.sidecarFile, 'utf8')) as Record<string, unknown>;
    assert.ok(validateSidecar(sidecar), JSON.stringify(validateSidecar.errors));
    assert.equal(path.basename(mockup.sidecarFile), 'checkout-screen-coffee-app-iphone-15.png.mockup.json');
    assert.ok(outcome.requestId && JSON.stringify(sidecar).includes(outcome.requestId), 'request id recorded');
    assert.ok(!JSON.stringify(sidecar).includes(emulator.apiKey), 'no key in the sidecar');
    assert.ok((outcome.costUsd ?? 0) > 0, 'cost from usage');
  });

  it('never overwrites: a second identical request gets numbered names', async () => {
    await executeRequest(request(), context);
    const second = await executeRequest(request(), context);
    assert.equal(path.basename(second.mockups[0].file), 'checkout-screen-coffee-app-iphone-15-2.png');
    assert.equal((await fs.readdir(folder)).length, 6);
  });

  it('writes one asset per variant, and no original when no post-processing is needed', async () => {
    const outcome = await executeRequest(request({ n: 2, plan: planSize(pixelTarget(1024, 1024), 'gpt-image-2') }), context);
    assert.deepEqual(
      outcome.mockups.map((m) => path.basename(m.file)),
      ['checkout-screen-coffee-app-1024x1024-v1.png', 'checkout-screen-coffee-app-1024x1024-v2.png'],
    );
    assert.ok(outcome.mockups.every((m) => m.original === undefined));
    assert.deepEqual((await fs.readdir(folder)).length, 4);
  });

  it('writes nothing when the request fails, and the error says why', async () => {
    emulator.inject({ type: 'safety', shape: 'promptBlocked' });
    await assert.rejects(executeRequest(request(), context), (error: unknown) => error instanceof FoundryError && error.kind === 'safety');
    assert.deepEqual(await fs.readdir(folder), []);
  });

  it('writes nothing when cancelled while the request is under way', async () => {
    emulator.inject({ type: 'delay', ms: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(executeRequest(request(), { ...context, signal: controller.signal }), (error: unknown) => error instanceof FoundryError && error.kind === 'cancelled');
    assert.deepEqual(await fs.readdir(folder), []);
  });

  it('records the lineage of an edit', async () => {
    const first = await executeRequest(request({ plan: planSize(pixelTarget(1024, 1024), 'gpt-image-2') }), context);
    const parentBytes = await fs.readFile(first.mockups[0].file);
    const outcome = await executeRequest(
      request({
        promptTyped: 'Make the button green',
        promptSent: 'Make the button green',
        plan: planSize(pixelTarget(1024, 1024), 'gpt-image-2'),
        edit: { image: { bytes: parentBytes, file: 'mockups/parent.png' } },
      }),
      context,
    );
    const lineage = outcome.mockups[0].sidecar.lineage;
    assert.equal(lineage?.parent?.file, 'mockups/parent.png');
    assert.equal(outcome.mockups[0].sidecar.request.operation, 'edit');
    assert.equal(emulator.requests.at(-1)?.path, '/openai/v1/images/edits');
  });
});

describe('asset names from templates', () => {
  it("uses the template's fields, not its boilerplate", () => {
    const request = { promptTyped: 'A high-fidelity mobile app UI mockup of the checkout screen of a coffee ordering app', template: { id: 'mobile-screen', fields: { app: 'a coffee ordering app', screen: 'checkout' } } };
    assert.equal(slugFromPrompt(namingText(request)), 'coffee-ordering-app-checkout');
    assert.equal(namingText({ promptTyped: 'Login screen' }), 'Login screen');
  });
});
