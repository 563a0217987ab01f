// The MCP server as an agent's client sees it: `node dist/cli.js mcp` spawned over stdio by the
// official SDK's own client, talking to the Foundry emulator. Lists the tools, calls each one,
// follows progress, the --async-after job path, a fault of the service, and a path outside the
// workspace refused.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import sharp from 'sharp';
import { AGENT_TOOLS, inputJsonSchema } from '../../src/core/agents';
import { type Emulator, startEmulator } from '../emulator/server';

const cli = path.resolve(__dirname, '../../../dist/cli.js');

type Content = CallToolResult['content'][number];
const textOf = (result: CallToolResult): string => result.content.filter((c): c is Extract<Content, { type: 'text' }> => c.type === 'text').map((c) => c.text).join('\n');
const imagesOf = (result: CallToolResult) => result.content.filter((c): c is Extract<Content, { type: 'image' }> => c.type === 'image');
const linksOf = (result: CallToolResult) => result.content.filter((c): c is Extract<Content, { type: 'resource_link' }> => c.type === 'resource_link');

describe('MCP server over stdio (SDK client, Foundry emulator)', function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let workspace: string;
  const clients: Client[] = [];

  before(async () => {
    assert.ok(existsSync(cli), 'dist/cli.js is built (npm run build)');
    emulator = await startEmulator();
  });
  after(async () => {
    for (const client of clients) await client.close();
    await emulator.close();
  });
  beforeEach(async () => {
    emulator.reset();
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-mcp-'));
  });

  async function connect(args: string[] = [], env: Record<string, string> = {}): Promise<{ client: Client; stderr: () => string }> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'mcp', '--workspace', workspace, ...args],
      env: { PATH: process.env['PATH'] ?? '', AZURE_OPENAI_ENDPOINT: emulator.endpoint, AZURE_OPENAI_DEPLOYMENT: emulator.deployment, AZURE_OPENAI_API_KEY: emulator.apiKey, ...env },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'foundry-mockups-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return { client, stderr: () => stderr };
  }

  const call = async (client: Client, name: string, args: Record<string, unknown>, onprogress?: (p: Progress) => void): Promise<CallToolResult> =>
    (await client.callTool({ name, arguments: args }, undefined, { ...(onprogress ? { onprogress } : {}), timeout: 60_000 })) as CallToolResult;

  it('lists the four tools with the agent layer\'s JSON Schemas (get_job only with --async-after)', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), ['generate_mockup', 'refine_mockup', 'plan_sizes', 'find_mockups']);
    for (const spec of AGENT_TOOLS) {
      const tool = tools.find((t) => t.name === spec.name);
      assert.deepEqual(tool?.inputSchema, inputJsonSchema(spec.schema), `${spec.name}'s schema is the shared one`);
      assert.equal(tool?.annotations?.readOnlyHint, !spec.paid);
    }
    const generate = tools.find((t) => t.name === 'generate_mockup');
    assert.deepEqual((generate?.inputSchema as { properties: Record<string, unknown> }).properties['quality'], { type: 'string', enum: ['low', 'medium', 'high', 'auto'], description: (inputJsonSchema(AGENT_TOOLS[0].schema) as { properties: Record<string, { description: string }> }).properties['quality'].description });
    const asyncTools = (await (await connect(['--async-after', '30'])).client.listTools()).tools;
    assert.ok(asyncTools.some((t) => t.name === 'get_job'));
  });

  it('plan_sizes and an empty find_mockups send nothing', async () => {
    const { client } = await connect();
    const plan = await call(client, 'plan_sizes', { sizes: ['390x844@3x', 'og-image', 'no-such-preset'] });
    const text = textOf(plan);
    assert.match(text, /390x844@3x: target 1170x2532, generated at 1184x2544 \(crop 2%\)\. Generate 1184x2544, crop 14 px from the width/);
    assert.match(text, /og-image: target 1200x630/);
    assert.match(text, /no-such-preset: cannot be planned: /);
    assert.ok(!plan.isError, 'some sizes were planned');
    const found = await call(client, 'find_mockups', {});
    assert.match(textOf(found), /No mockup matches among the 0 in the workspace/);
    assert.equal(emulator.requests.length, 0);
  });

  it('generate_mockup writes exact sizes in the workspace, with progress, previews and a resource link per file; find_mockups finds them', async () => {
    const { client } = await connect();
    const progress: Progress[] = [];
    const result = await call(client, 'generate_mockup', { prompt: 'Login screen of a banking app', sizes: ['390x844@3x', '1024x1024'], locales: ['ja'], quality: 'medium' }, (p) => progress.push(p));
    assert.ok(!result.isError, textOf(result));
    const text = textOf(result);
    assert.match(text, /^Generated 2 image\(s\) in the workspace, cost \$\d/);
    assert.match(text, /- mockups\/login-screen-banking-app-1170x2532-ja\.png \(1170x2532 px, png, \d+ KB, ja, \$0\.\d+, request [0-9a-f-]{36}\); the service's original kept as mockups\/login-screen-banking-app-1170x2532-ja\.original\.png/);
    assert.ok(!text.includes(emulator.apiKey), 'no key in results');

    const links = linksOf(result);
    assert.equal(links.length, 2);
    for (const link of links) {
      const file = fileURLToPath(link.uri);
      assert.ok(file.startsWith(workspace + path.sep), `${file} is inside the workspace`);
      const meta = await sharp(file).metadata();
      assert.equal(link.description?.split(',')[0], `${meta.width}x${meta.height} px`);
      assert.ok(existsSync(`${file}.mockup.json`), 'with its sidecar');
    }

    const previews = imagesOf(result);
    assert.equal(previews.length, 2);
    for (const preview of previews) {
      const bytes = Buffer.from(preview.data, 'base64');
      const meta = await sharp(bytes).metadata();
      assert.equal(preview.mimeType, 'image/jpeg');
      assert.ok(Math.max(meta.width ?? 0, meta.height ?? 0) <= 512, 'long edge at most 512 px');
      assert.ok(bytes.length < 200 * 1024, `a preview of ${bytes.length} bytes is well under 1 MB`);
    }
    const [tall] = await Promise.all(previews.map((p) => sharp(Buffer.from(p.data, 'base64')).metadata()));
    assert.deepEqual([tall.width, tall.height], [237, 512], 'the 1170x2532 image previewed at 237x512');

    // One notification per request start and end, counting requests done (agents pay for no streamed previews).
    assert.equal(progress.length, 4, `progress notifications: ${JSON.stringify(progress)}`);
    assert.equal(emulator.requests[0].body?.['partial_images'], undefined, 'no streamed previews are paid for');
    assert.deepEqual(progress.filter((p) => /^Done/.test(p.message ?? '')).map((p) => [p.progress, p.total]), [[1, 2], [2, 2]]);
    assert.match(progress[0].message ?? '', /^Generating 1170x2532 · ja \(1 of 2\)/);

    const found = await call(client, 'find_mockups', { text: 'banking', size: '1170x2532' });
    assert.match(textOf(found), /1 of the 2 mockup\(s\) in the workspace match/);
    assert.match(textOf(found), /reuse: \{"prompt":"Login screen of a banking app","locales":\["ja"\],"sizes":\["390x844@3x"\],"quality":"medium"/);
    assert.equal(linksOf(found).length, 1);
  });

  it('sends the workspace design system with every prompt, and records it in the sidecar', async () => {
    await fs.writeFile(path.join(workspace, 'DESIGN.md'), '---\nname: Beanery\ncolors:\n  primary: "#6F4E37"\ntypography:\n  body:\n    fontFamily: Inter\n---\n');
    const { client } = await connect();
    const result = await call(client, 'generate_mockup', { prompt: 'Login screen', sizes: ['1024x1024'], quality: 'low' });
    assert.ok(!result.isError, textOf(result));
    const sent = String(emulator.requests.at(-1)?.body?.prompt);
    assert.match(sent, /#6f4e37/i);
    assert.match(sent, /Inter/);
    const sidecars = (await fs.readdir(path.join(workspace, 'mockups'))).filter((f) => f.endsWith('.mockup.json'));
    const sidecar = JSON.parse(await fs.readFile(path.join(workspace, 'mockups', sidecars[0]), 'utf8')) as { prompt: { designSystem?: { files: Array<{ file: string }> } } };
    assert.deepEqual(sidecar.prompt.designSystem?.files.map((f) => f.file), ['DESIGN.md']);
  });

  it('refine_mockup edits a workspace image beside it, with its lineage', async () => {
    const { client } = await connect();
    const first = await call(client, 'generate_mockup', { prompt: 'Settings screen', sizes: ['1024x1024'], quality: 'low', name: 'settings' });
    assert.ok(!first.isError, textOf(first));
    const refined = await call(client, 'refine_mockup', { image: 'mockups/settings.png', change: 'make the header dark' });
    assert.ok(!refined.isError, textOf(refined));
    assert.match(textOf(refined), /^Refined 1 image\(s\) in the workspace/);
    assert.match(textOf(refined), /- mockups\/settings-refined\.png \(1024x1024 px/);
    const sidecar = JSON.parse(await fs.readFile(path.join(workspace, 'mockups/settings-refined.png.mockup.json'), 'utf8')) as { request: { operation: string; quality: string }; lineage: { parent: { file: string } } };
    assert.deepEqual([sidecar.request.operation, sidecar.lineage.parent.file, sidecar.request.quality], ['edit', 'mockups/settings.png', 'low']);
    assert.equal(emulator.requests.at(-1)?.operation, 'edits');
  });

  it('generate_mockup with an anchor sends the first approved image with the rest of the set', async () => {
    const { client } = await connect();
    const first = await call(client, 'generate_mockup', { prompt: 'Home screen', sizes: ['1024x1024'], quality: 'low', name: 'home' });
    assert.ok(!first.isError, textOf(first));
    const anchorBytes = await fs.readFile(path.join(workspace, 'mockups', 'home.png'));
    const rest = await call(client, 'generate_mockup', { prompt: 'Cart screen', sizes: ['1536x1024'], locales: ['ko'], quality: 'low', name: 'cart', anchor: 'mockups/home.png' });
    assert.ok(!rest.isError, textOf(rest));
    const sent = emulator.requests.at(-1);
    assert.equal(sent?.operation, 'edits');
    assert.ok(sent?.files.filter((f) => f.field === 'image' || f.field === 'image[]').at(-1)?.bytes.equals(anchorBytes), 'the anchor is the last input image');
    const written = /^- (mockups\/cart\S*\.png) /m.exec(textOf(rest))?.[1];
    assert.ok(written, textOf(rest));
    const sidecar = JSON.parse(await fs.readFile(path.join(workspace, `${written}.mockup.json`), 'utf8')) as { lineage?: { anchor?: { file: string } } };
    assert.equal(sidecar.lineage?.anchor?.file, 'mockups/home.png');
  });

  it('refuses paths outside the workspace before sending anything', async () => {
    const { client } = await connect();
    const outside = await call(client, 'generate_mockup', { prompt: 'A banner', folder: '../elsewhere' });
    assert.equal(outside.isError, true);
    assert.match(textOf(outside), /The path "\.\.\/elsewhere" is outside the workspace folder/);
    const image = await call(client, 'refine_mockup', { image: '/etc/hostname.png', change: 'x' });
    assert.equal(image.isError, true);
    assert.match(textOf(image), /outside the workspace folder/);
    const anchor = await call(client, 'generate_mockup', { prompt: 'A banner', sizes: ['1024x1024'], anchor: '../approved.png' });
    assert.equal(anchor.isError, true);
    assert.match(textOf(anchor), /^anchor: "\.\.\/approved\.png" is outside the workspace/);
    const unknown = await call(client, 'generate_mockup', { prompt: 'A banner', sizes: ['nope-preset'], shell: 'rm -rf /' });
    assert.equal(unknown.isError, true);
    assert.match(textOf(unknown), /unknown field "shell"/);
    assert.equal(emulator.requests.length, 0, 'nothing was sent');
    assert.deepEqual(await fs.readdir(workspace), [], 'nothing was written');
  });

  it('a fault of the service comes back as the typed message with its fix and request id; nothing is written', async () => {
    const { client } = await connect();
    emulator.inject({ type: 'safety', shape: 'promptBlocked' });
    const blocked = await call(client, 'generate_mockup', { prompt: 'Blocked screen', sizes: ['1024x1024'], quality: 'low' });
    assert.equal(blocked.isError, true);
    assert.match(textOf(blocked), /safety system/i);
    assert.match(textOf(blocked), /request id [0-9a-f-]{36}/);
    emulator.inject({ type: 'unauthorized' });
    const auth = await call(client, 'generate_mockup', { prompt: 'Unauthorised screen', sizes: ['1024x1024'], quality: 'low' });
    assert.equal(auth.isError, true);
    assert.match(textOf(auth), /key|credential|sign/i);
    assert.ok(!textOf(auth).includes(emulator.apiKey));
    assert.equal(existsSync(path.join(workspace, 'mockups')) ? (await fs.readdir(path.join(workspace, 'mockups'))).length : 0, 0);
  });

  it('--async-after answers with a job id, and get_job returns the same result when done', async () => {
    const { client } = await connect(['--async-after', '0']);
    const started = await call(client, 'generate_mockup', { prompt: 'Onboarding screen', sizes: ['1024x1024'], quality: 'low' });
    assert.ok(!started.isError);
    const jobId = /as job (job-[0-9a-f]{8})/.exec(textOf(started))?.[1];
    assert.ok(jobId, textOf(started));
    const done = await call(client, 'get_job', { jobId, waitSeconds: 60 });
    assert.ok(!done.isError, textOf(done));
    assert.match(textOf(done), /^Generated 1 image\(s\) in the workspace/);
    assert.equal(imagesOf(done).length, 1);
    assert.equal(linksOf(done).length, 1);
    const missing = await call(client, 'get_job', { jobId: 'job-00000000' });
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /No job job-00000000/);
  });

  it('without --workspace, writes under the client\'s MCP root', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-mcp-root-'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [cli, 'mcp'],
      cwd: os.tmpdir(),
      env: { PATH: process.env['PATH'] ?? '', AZURE_OPENAI_ENDPOINT: emulator.endpoint, AZURE_OPENAI_DEPLOYMENT: emulator.deployment, AZURE_OPENAI_API_KEY: emulator.apiKey },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'roots-test', version: '1.0.0' }, { capabilities: { roots: {} } });
    const { ListRootsRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: `file://${root}`, name: 'project' }] }));
    await client.connect(transport);
    clients.push(client);
    const result = await call(client, 'generate_mockup', { prompt: 'Profile screen', sizes: ['1024x1024'], quality: 'low', name: 'profile' });
    assert.ok(!result.isError, textOf(result));
    assert.ok(existsSync(path.join(root, 'mockups', 'profile.png')), 'written under the client\'s root');
  });
});
