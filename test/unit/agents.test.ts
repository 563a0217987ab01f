// The shared agent layer (src/core/agents) that the VS Code tools, the MCP server and @mockups all
// call: one schema per tool (the manifest's JSON Schemas equal it), untrusted input refused with
// its field named, previews within 512 px, the job rule with an injected clock, cancellation
// writes nothing, and the chat participant's flow with a fake chat model and without one.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import {
  AGENT_TOOLS,
  type AgentFile,
  type AgentHost,
  type AgentPreview,
  type ChatSink,
  confirmationOf,
  firstJsonObject,
  handleChatRequest,
  inputJsonSchema,
  invokeAgentTool,
  JobStore,
  makePreview,
  prepareCall,
  previewSize,
  type TextModel,
} from '../../src/core/agents';
import { parseConnectionSettings, connectionInfo, createClientFor } from '../../src/core/connection';
import { resolvePricing } from '../../src/core/pricing';
import { ANCHOR_INSTRUCTION } from '../../src/core/prompts';
import { loadPresetCatalogue } from '../../src/core/sizes/designSystem';
import { type Emulator, startEmulator } from '../emulator/server';
import { renderSyntheticImage } from '../fixtures/syntheticImage';

const REPO = path.join(__dirname, '../../..');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface ContributedTool {
  name: string;
  displayName: string;
  toolReferenceName: string;
  userDescription: string;
  modelDescription: string;
  inputSchema: unknown;
}

describe('agent layer', function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let root: string;

  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  beforeEach(async () => {
    emulator.reset();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-agents-'));
  });

  function host(overrides: Partial<AgentHost> = {}): AgentHost & { connections: number } {
    const read = parseConnectionSettings({ endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1' });
    if (!('settings' in read)) throw new Error('emulator settings');
    const { settings } = read;
    const h = {
      connections: 0,
      roots: () => Promise.resolve([root]),
      outputFolder: () => 'mockups',
      model: () => 'gpt-image-2' as const,
      env: (model: 'gpt-image-2') => Promise.resolve({ model, catalogue: loadPresetCatalogue(), pricing: resolvePricing(model) }),
      connect: () => {
        h.connections++;
        return Promise.resolve({ client: createClientFor(settings, { kind: 'apiKey', apiKey: emulator.apiKey }, { timeoutMs: 30_000 }), info: connectionInfo(settings), pricing: resolvePricing('gpt-image-2'), model: 'gpt-image-2' as const });
      },
      toolVersion: '0.0.0-test',
      ...overrides,
    };
    return h;
  }

  describe('tool declarations', () => {
    it('package.json contributes each tool with the shared name, description and JSON Schema, and its strings', () => {
      const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { languageModelTools: ContributedTool[]; chatParticipants: Array<{ id: string; name: string; commands: Array<{ name: string }> }>; mcpServerDefinitionProviders: Array<{ id: string }> } };
      const nls = JSON.parse(readFileSync(path.join(REPO, 'package.nls.json'), 'utf8')) as Record<string, string>;
      const contributed = pkg.contributes.languageModelTools;
      assert.deepEqual(contributed.map((t) => t.name), AGENT_TOOLS.map((t) => t.vscodeName));
      for (const spec of AGENT_TOOLS) {
        const tool = contributed.find((t) => t.name === spec.vscodeName);
        assert.ok(tool);
        assert.equal(tool.toolReferenceName, spec.referenceName);
        assert.equal(tool.modelDescription, spec.description, `${spec.name}: the manifest's modelDescription is the shared one`);
        assert.deepEqual(tool.inputSchema, inputJsonSchema(spec.schema), `${spec.name}: the manifest's inputSchema is the shared one`);
        for (const field of [tool.displayName, tool.userDescription]) assert.ok(nls[field.slice(1, -1)], `${field} is in package.nls.json`);
      }
      const [participant] = pkg.contributes.chatParticipants;
      assert.equal(participant.name, 'mockups');
      assert.deepEqual(participant.commands.map((c) => c.name), ['generate', 'refine', 'sizes', 'find']);
      assert.deepEqual(pkg.contributes.mcpServerDefinitionProviders.map((p) => p.id), ['foundryMockups.mcp']);
    });

    it('refuses untrusted input naming the field, before anything is resolved or sent', async () => {
      const h = host();
      const cases: Array<[string, unknown, RegExp]> = [
        ['generate_mockup', { prompt: 'x', variants: 11 }, /Invalid input: variants is at most 10\./],
        ['generate_mockup', { prompt: 'x', sizes: [] }, /Invalid input: sizes is empty/],
        ['generate_mockup', { prompt: 'x', quality: 'ultra' }, /quality is one of low, medium, high, auto/],
        ['generate_mockup', { prompt: 'x', apiKey: 'sk-123' }, /unknown field "apiKey"/],
        ['generate_mockup', 'a string', /the input must be an object/],
        ['refine_mockup', { change: 'x' }, /image/],
        ['plan_sizes', { sizes: Array.from({ length: 25 }, () => '1024x1024') }, /At most 24 sizes per call/],
        ['find_mockups', { limit: 0 }, /limit/],
      ];
      for (const [tool, input, expected] of cases) {
        const outcome = await invokeAgentTool(tool, input, h);
        assert.equal(outcome.isError, true, `${tool} ${JSON.stringify(input)}`);
        assert.match(outcome.text, expected);
      }
      assert.equal(h.connections, 0, 'no connection was made');
      assert.equal(emulator.requests.length, 0);
    });

    it('a request that cannot be sent is refused with the use case\'s problems, without connecting', async () => {
      const h = host();
      const outcome = await invokeAgentTool('generate_mockup', { prompt: 'A card', sizes: ['no-such-preset'], format: 'jpeg', background: 'transparent' }, h);
      assert.equal(outcome.isError, true);
      assert.match(outcome.text, /no-such-preset/);
      assert.match(outcome.text, /A transparent background needs PNG output/);
      assert.equal(h.connections, 0);
    });

    it('the confirmation of a paid call carries the core\'s estimate, plans and warnings', async () => {
      const call = await prepareCall('generate_mockup', { prompt: 'Hero banner', sizes: ['og-image', '390x844@3x'], locales: ['ja', 'ko'], quality: 'high' }, host());
      const { title, message } = confirmationOf(call);
      assert.equal(title, 'Generate mockups with Foundry?');
      assert.ok(message.startsWith(call.prepared.estimate.summary), message);
      assert.match(message, /^4 image\(s\) \(2 size\(s\) x 2 locales x 1 variant\(s\)\) at high quality: about \$\d+\.\d+/);
      assert.match(message, /Files are written to mockups\/ in the workspace/);
      assert.match(message, /og-image: Generate 1216x640, crop/);
    });
  });

  describe('previews', () => {
    it('keep the aspect with the long edge at 512 px, as JPEG well under 1 MB, and never enlarge', async () => {
      assert.deepEqual(previewSize(1170, 2532), { width: 237, height: 512 });
      assert.deepEqual(previewSize(3840, 1280), { width: 512, height: 171 });
      assert.deepEqual(previewSize(300, 200), { width: 300, height: 200 });
      const png = await renderSyntheticImage({ width: 3840, height: 2160, format: 'png', transparent: true });
      const preview: AgentPreview = await makePreview(png, 'mockups/big.png');
      const meta = await sharp(preview.data).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 512, 288]);
      assert.ok(preview.data.length < 150 * 1024, `a 4K image previews in ${preview.data.length} bytes`);
      assert.ok(png.length > 10 * preview.data.length);
    });
  });

  describe('jobs', () => {
    it('a call that finishes within the wait answers with its outcome; one that does not stays a job until done', async () => {
      let release: () => void = () => undefined;
      const wait = new Promise<void>((resolve) => (release = resolve));
      const jobs = new JobStore(() => wait, () => 'job-1');
      let finish: (outcome: never) => void = () => undefined;
      const job = jobs.start('generate_mockup', () => new Promise((resolve) => (finish = resolve as never)));
      const pending = jobs.within(job, 30_000);
      release(); // the injected clock says the wait is over before the job is done
      assert.equal(await pending, undefined);
      assert.equal(jobs.get('job-1'), job);
      // Waiting again (a clock that never ends the wait): the job's own end answers.
      const patient = new JobStore(() => new Promise<void>(() => undefined), () => 'job-2');
      const second = patient.start('generate_mockup', () => new Promise((resolve) => (finish = resolve as never)));
      const waiting = patient.within(second, 30_000);
      finish({ tool: 'generate_mockup', text: 'done', isError: false, files: [], previews: [], requestIds: [] } as never);
      assert.equal((await waiting)?.text, 'done');
      assert.equal((await patient.within(second, 0))?.text, 'done', 'a finished job answers at once');
    });
  });

  describe('running', () => {
    it('cancelled while the service works: nothing is written, the outcome says so', async () => {
      emulator.inject({ type: 'delay', ms: 2000 });
      const controller = new AbortController();
      const running = invokeAgentTool('generate_mockup', { prompt: 'Slow screen', sizes: ['1024x1024'], quality: 'low' }, host(), {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === 'requestStarted') setImmediate(() => controller.abort());
        },
      });
      const outcome = await running;
      assert.equal(outcome.cancelled, true);
      assert.equal(outcome.isError, true);
      assert.match(outcome.text, /^Cancelled: .*nothing of it was written/);
      assert.equal(existsSync(path.join(root, 'mockups')) ? (await fs.readdir(path.join(root, 'mockups'))).length : 0, 0);
    });

    it('files written before a failure are named with it', async () => {
      emulator.inject([{ type: 'delay', ms: 0 }, { type: 'status', status: 400, code: 'invalid_request', message: 'bad size' }]);
      const outcome = await invokeAgentTool('generate_mockup', { prompt: 'Two sizes', sizes: ['1024x1024', '1536x1024'], quality: 'low' }, host());
      assert.equal(outcome.isError, true);
      assert.match(outcome.text, /Written before that \(kept\):\n- mockups\/two-sizes-1024x1024\.png \(1024x1024 px/);
      assert.equal(outcome.files.length, 1);
    });
  });

  describe('anchors', () => {
    it('generate_mockup with an anchor sends the anchor image last with every size and locale, to the edits endpoint; the sidecars record it', async () => {
      const h = host();
      await fs.mkdir(path.join(root, 'approved'));
      const anchorBytes = await renderSyntheticImage({ width: 1024, height: 1024, format: 'png' });
      await fs.writeFile(path.join(root, 'approved', 'home.png'), anchorBytes);
      const input = { prompt: 'Cart screen of a banking app', sizes: ['1024x1024', '1536x1024'], locales: ['ja'], quality: 'low', anchor: 'approved/home.png' };
      const call = await prepareCall('generate_mockup', input, h);
      assert.match(confirmationOf(call).message, /takes the look of the anchor approved\/home\.png/);
      assert.ok(call.prepared.composed.every((c) => c.sent.startsWith(ANCHOR_INSTRUCTION)), 'the plan asks for the anchor look');
      const outcome = await invokeAgentTool('generate_mockup', input, h);
      assert.equal(outcome.isError, false, outcome.text);
      assert.equal(emulator.requests.length, 2);
      for (const request of emulator.requests) {
        assert.equal(request.operation, 'edits', 'a generation with an anchor goes to the edits endpoint');
        const images = request.files.filter((f) => f.field === 'image' || f.field === 'image[]');
        assert.equal(images.length, 1);
        assert.equal(sha256(images[0].bytes), sha256(anchorBytes), 'the anchor, as it is in the workspace');
        assert.ok(String(request.body?.['prompt']).startsWith(ANCHOR_INSTRUCTION));
      }
      assert.equal(outcome.files.length, 2);
      for (const file of outcome.files) {
        const sidecar = JSON.parse(await fs.readFile(path.join(root, file.sidecar), 'utf8')) as { lineage?: { anchor?: { file: string; sha256: string }; parent?: unknown } };
        assert.deepEqual([sidecar.lineage?.anchor?.file, sidecar.lineage?.anchor?.sha256], ['approved/home.png', sha256(anchorBytes)]);
        assert.equal(sidecar.lineage?.parent, undefined);
      }
    });

    it('refuses an anchor outside the workspace, through a link, missing or not an image, naming the field; nothing is sent', async () => {
      const h = host();
      const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-agents-outside-'));
      await fs.writeFile(path.join(outside, 'secret.png'), await renderSyntheticImage({ width: 64, height: 64, format: 'png' }));
      await fs.symlink(path.join(outside, 'secret.png'), path.join(root, 'linked.png'));
      await fs.writeFile(path.join(root, 'notes.txt'), 'not an image');
      const cases: Array<[string, RegExp]> = [
        ['../secret.png', /^anchor: "\.\.\/secret\.png" is outside the workspace .*Nothing was sent\./],
        [path.join(outside, 'secret.png'), /^anchor: ".*secret\.png" is outside the workspace/],
        ['linked.png', /^anchor: "linked\.png" is outside the workspace \(links followed\)/],
        ['approved/missing.png', /^anchor: approved\/missing\.png does not exist in the workspace/],
        ['notes.txt', /^anchor: notes\.txt is not a PNG or JPEG image/],
      ];
      for (const [anchor, expected] of cases) {
        const outcome = await invokeAgentTool('generate_mockup', { prompt: 'Cart screen', sizes: ['1024x1024'], quality: 'low', anchor }, h);
        assert.equal(outcome.isError, true, anchor);
        assert.match(outcome.text, expected, anchor);
      }
      assert.equal(h.connections, 0, 'no connection was made');
      assert.equal(emulator.requests.length, 0, 'nothing was sent');
      assert.ok(!existsSync(path.join(root, 'mockups')), 'nothing was written');
    });
  });

  describe('@mockups chat flow', () => {
    class RecordingSink implements ChatSink {
      readonly lines: string[] = [];
      readonly images: Array<{ file: AgentFile; preview?: AgentPreview }> = [];
      progress(message: string): void {
        this.lines.push(`progress: ${message}`);
      }
      markdown(text: string): void {
        this.lines.push(text);
      }
      image(file: AgentFile, preview: AgentPreview | undefined): void {
        this.images.push({ file, ...(preview ? { preview } : {}) });
      }
    }

    it('with a chat model: fills a template and sizes from the conversation, and shows each image with its preview', async () => {
      const prompts: string[] = [];
      const model: TextModel = (prompt) => {
        prompts.push(prompt);
        return Promise.resolve('Here you are:\n```json\n{"template": {"id": "mobile-screen", "fields": {"app": "a banking app", "screen": "login"}}, "sizes": ["iphone-16"], "locales": ["ja"], "folder": "../outside"}\n```');
      };
      const sink = new RecordingSink();
      const result = await handleChatRequest({ prompt: 'the login screen at our iPhone size, in Japanese too' }, host(), sink, { model, history: [{ prompt: 'we are building a banking app', command: 'generate' }] });
      assert.equal(result.usedModel, true);
      assert.equal(result.isError, false, sink.lines.join('\n'));
      assert.match(prompts[0], /Earlier requests in this conversation[\s\S]*we are building a banking app/);
      assert.match(prompts[0], /mobile-screen: One screen of a phone app/);
      assert.deepEqual(result.files, ['mockups/banking-app-login-iphone-16-ja.png']);
      assert.ok(sink.lines.some((l) => /^progress: 1 image\(s\) \(1 size\(s\) x 1 variant\(s\)\) at auto quality: about \$/.test(l)), 'the estimate first');
      assert.ok(sink.lines.some((l) => /^progress: Generating 1179x2556 \(iphone-16\) · ja \(1 of 1\)/.test(l)), sink.lines.join('\n'));
      assert.match(sink.lines.at(-1) ?? '', /^Generated 1 image\(s\), \$\d/);
      assert.equal(sink.images.length, 1);
      assert.ok(sink.images[0].preview && Math.max(sink.images[0].preview.width, sink.images[0].preview.height) === 512);
      const sent = emulator.requests[0].body?.['prompt'] as string;
      assert.match(sent, /login screen of a banking app/);
      assert.ok(!existsSync(path.join(root, '..', 'outside')), 'the model cannot choose the folder');
    });

    it('with a chat model whose answer is unusable, and without a model: the text is the prompt', async () => {
      const sink = new RecordingSink();
      const bad = await handleChatRequest({ command: 'generate', prompt: 'A pricing page' }, host(), sink, { model: () => Promise.resolve('I cannot help with JSON today.') });
      assert.equal(bad.usedModel, false);
      assert.ok(sink.lines.some((l) => /could not be used: using your words as the prompt/.test(l)));
      assert.equal(emulator.requests.at(-1)?.body?.['prompt'], 'A pricing page');

      const plain = new RecordingSink();
      const none = await handleChatRequest({ prompt: 'A settings page' }, host(), plain);
      assert.equal(none.usedModel, false);
      assert.equal(none.isError, false);
      assert.equal(emulator.requests.at(-1)?.body?.['prompt'], 'A settings page');
    });

    it('/sizes and /find are free; /refine takes the last image of the conversation; a declined confirmation sends nothing', async () => {
      const h = host();
      const sizes = new RecordingSink();
      await handleChatRequest({ command: 'sizes', prompt: 'iphone-16, og-image' }, h, sizes);
      assert.match(sizes.lines.join('\n'), /iphone-16: target 1179x2556/);
      const first = await handleChatRequest({ prompt: 'A profile screen' }, h, new RecordingSink());
      const find = new RecordingSink();
      const found = await handleChatRequest({ command: 'find', prompt: 'profile' }, h, find);
      assert.deepEqual(found.files, first.files);
      assert.equal(find.images.length, 1);

      const before = emulator.requests.length;
      const declined = new RecordingSink();
      const no = await handleChatRequest({ command: 'refine', prompt: 'make it dark' }, h, declined, { history: [{ prompt: 'A profile screen', files: first.files }], confirm: () => Promise.resolve(false) });
      assert.equal(no.isError, true);
      assert.match(declined.lines.at(-1) ?? '', /Not sent: nothing was generated/);
      assert.equal(emulator.requests.length, before);

      const refined = await handleChatRequest({ command: 'refine', prompt: 'make it dark' }, h, new RecordingSink(), { history: [{ prompt: 'A profile screen', files: first.files }], confirm: () => Promise.resolve(true) });
      assert.equal(refined.isError, false);
      assert.match(refined.files[0] ?? '', /-refined\.png$/);
    });

    it('finds the first JSON object in a model\'s prose', () => {
      assert.deepEqual(firstJsonObject('Sure! {"a": {"b": "}"}} and more {"c": 1}'), { a: { b: '}' } });
      assert.equal(firstJsonObject('no json'), undefined);
    });
  });
});
