// The agent surfaces in the real VS Code host against the Foundry emulator: the language model
// tools through vscode.lm.invokeTool (VS Code's own confirmation dialog with the cost, files
// written, result parts, preview size, cancel writes nothing), @mockups' handler with a fake chat
// model, and the MCP server definition provider (no key in what VS Code keeps; the resolved
// definition starts a server the MCP SDK's client can list).
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readImageInfo } from '../../src/core/image';
import type { FoundryMockupsApi } from '../../src/extension';
import { type Emulator, startEmulator } from '../emulator/server';
import { describeUi, type PageDriver } from './driver';
import { activateExtension, RecordingUi } from './testUi';

const TOOL = { generate: 'foundryMockups_generateMockup', refine: 'foundryMockups_refineMockup', plan: 'foundryMockups_planSizes', find: 'foundryMockups_findMockups' };
const DIALOG = '.monaco-dialog-box';

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opened a workspace folder');
  return folder.uri.fsPath;
}

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.flatMap((part) => (part instanceof vscode.LanguageModelTextPart ? [part.value] : [])).join('\n');
}

const dataParts = (result: vscode.LanguageModelToolResult): Array<{ mimeType: string; data: Uint8Array }> =>
  (result.content).filter((p): p is { mimeType: string; data: Uint8Array } => typeof p === 'object' && p !== null && 'mimeType' in p && 'data' in p);

const invoke = (name: string, input: object, token?: vscode.CancellationToken): Thenable<vscode.LanguageModelToolResult> => vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);

async function untilRequests(emulator: Emulator, count: number): Promise<void> {
  for (let i = 0; i < 200 && emulator.requests.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(emulator.requests.length >= count, 'the request reached the emulator');
}

describe('Agent tools, @mockups and the MCP server definition (real VS Code host, Foundry emulator)', function () {
  this.timeout(180_000);
  let api: FoundryMockupsApi;
  let emulator: Emulator;

  before(async () => {
    api = await activateExtension(vscode);
    emulator = await startEmulator({ apiKey: 'agents-emulator-key-0123456789abcdef' });
    await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: 'apiKey' });
    await vscode.commands.executeCommand('foundryMockups.setApiKey', emulator.apiKey);
    await vscode.workspace.getConfiguration('foundryMockups').update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
    api.setUserInterface(new RecordingUi());
  });
  after(async () => {
    api.setUserInterface(undefined);
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  it('registers the contributed tools with their schemas', () => {
    const ours = vscode.lm.tools.filter((t) => t.name.startsWith('foundryMockups_'));
    assert.deepEqual(ours.map((t) => t.name).sort(), Object.values(TOOL).sort());
    const generate = ours.find((t) => t.name === TOOL.generate);
    assert.ok((generate?.inputSchema as { properties?: Record<string, unknown> } | undefined)?.properties?.['sizes']);
  });

  it('paid tools prepare a confirmation with the cost and where files go, sending nothing', async () => {
    // What VS Code shows in its confirmation when an agent calls the tool in a chat (outside a chat,
    // as here, the host runs it without asking, so the text is read from the tool itself).
    const source = new vscode.CancellationTokenSource();
    const prepared = await api.agents.tool(TOOL.generate).prepareInvocation?.({ input: { prompt: 'Wallet screen', sizes: ['390x844@3x', 'og-image'], quality: 'low', folder: 'mockups/agents-asked' } }, source.token);
    const message = prepared?.confirmationMessages?.message;
    const text = typeof message === 'string' ? message : (message?.value ?? '');
    assert.match(prepared?.confirmationMessages?.title ?? '', /Generate mockups with Foundry\?/);
    assert.match(text, /2 image\(s\) \(2 size\(s\) x 1 variant\(s\)\) at low quality: about \$0\.\d+/);
    assert.match(text, /mockups\/agents-asked\//);
    const free = await api.agents.tool(TOOL.plan).prepareInvocation?.({ input: { sizes: ['og-image'] } }, source.token);
    assert.equal(free?.confirmationMessages, undefined, 'free tools do not ask');
    assert.equal(emulator.requests.length, 0);
    assert.ok(!existsSync(path.join(workspaceRoot(), 'mockups/agents-asked')));
  });

  it('plan_sizes answers without a confirmation and sends nothing', async () => {
    const result = await invoke(TOOL.plan, { sizes: ['390x844@3x', 'og-image'] });
    assert.match(textOf(result), /390x844@3x: target 1170x2532, generated at 1184x2544/);
    assert.equal(emulator.requests.length, 0);
  });

  describeUi('paid tools through VS Code\'s confirmation', function (driver: PageDriver) {
    /**
     * VS Code 1.106 asks with our confirmation in a dialog when a tool is invoked outside a chat;
     * 1.100 invokes it without asking. Resolves with the dialog's text after pressing `answer`, or
     * undefined when the invocation settled without a dialog.
     */
    const confirmation = async (running: Thenable<unknown>, answer: 'accept' | 'decline'): Promise<string | undefined> => {
      const dialog = driver.waitFor(DIALOG, { timeoutMs: 30_000 }).then(
        () => true,
        () => false,
      );
      const settled = Promise.resolve(running).then(
        () => false,
        () => false,
      );
      if (!(await Promise.race([dialog, settled]))) return undefined;
      const shown = `${await driver.text(`${DIALOG} .dialog-message-text`)}\n${await driver.text(`${DIALOG} .dialog-message-detail`)}`;
      await driver.screenshot('agents-tool-confirmation');
      if (answer === 'accept') await driver.click(`${DIALOG} .dialog-buttons .monaco-button >> nth=0`);
      else await driver.press('Escape');
      return shown;
    };

    it('generate: asks with the cost first, then writes exact sizes and returns the text and small previews', async () => {
      const running = invoke(TOOL.generate, { prompt: 'Wallet screen of a banking app', sizes: ['390x844@3x'], quality: 'low', folder: 'mockups/agents' });
      const shown = await confirmation(running, 'accept');
      if (shown !== undefined) {
        assert.match(shown, /Generate mockups with Foundry\?/);
        assert.match(shown, /1 image\(s\) \(1 size\(s\) x 1 variant\(s\)\) at low quality: about \$0\.\d+/);
        assert.match(shown, /Files are written to mockups\/agents\/ in the workspace/);
      } else {
        console.log(`This host (VS Code ${vscode.version}) invokes tools outside a chat without asking; the confirmation is checked on 1.106+.`);
      }
      const result = await running;
      const text = textOf(result);
      assert.match(text, /^Generated 1 image\(s\) in the workspace, cost \$/);
      assert.match(text, /- mockups\/agents\/wallet-screen-banking-app-1170x2532\.png \(1170x2532 px, png/);
      const file = path.join(workspaceRoot(), 'mockups/agents/wallet-screen-banking-app-1170x2532.png');
      const info = await readImageInfo(await fs.readFile(file));
      assert.deepEqual([info.width, info.height], [1170, 2532]);
      const parts = dataParts(result);
      if ('LanguageModelDataPart' in vscode) {
        assert.equal(parts.length, 1, 'one preview where the host has LanguageModelDataPart');
        const preview = await readImageInfo(parts[0].data);
        assert.deepEqual([parts[0].mimeType, preview.width, preview.height], ['image/jpeg', 237, 512]);
        assert.ok(parts[0].data.length < 200 * 1024, `preview of ${parts[0].data.length} bytes`);
        console.log(`Preview part: ${parts[0].data.length} bytes, ${preview.width}x${preview.height}`);
      } else {
        assert.equal(parts.length, 0, 'text only where the host has no data parts');
      }
    });

    it('cancelling while the service works writes nothing', async () => {
      emulator.inject({ type: 'delay', ms: 10_000 });
      const source = new vscode.CancellationTokenSource();
      const running = invoke(TOOL.generate, { prompt: 'Cancelled screen', sizes: ['1024x1024'], quality: 'low', folder: 'mockups/agents-cancelled' }, source.token);
      const asked = driver.waitFor(DIALOG, { timeoutMs: 5_000 }).then(
        () => driver.click(`${DIALOG} .dialog-buttons .monaco-button >> nth=0`),
        () => undefined,
      );
      await Promise.race([asked.then(() => untilRequests(emulator, 1)), untilRequests(emulator, 1)]);
      source.cancel();
      await assert.rejects(Promise.resolve(running), (error: Error) => error.name === 'Canceled' || /cancel/i.test(error.message));
      const folder = path.join(workspaceRoot(), 'mockups/agents-cancelled');
      assert.deepEqual(existsSync(folder) ? (await fs.readdir(folder)).filter((f) => !f.startsWith('.')) : [], []);
    });

    it('refine edits the image beside it; find_mockups finds both', async () => {
      const running = invoke(TOOL.refine, { image: 'mockups/agents/wallet-screen-banking-app-1170x2532.png', change: 'make the balance card dark', quality: 'low' });
      const shown = await confirmation(running, 'accept');
      if (shown !== undefined) assert.match(shown, /Refine the mockup with Foundry\?/);
      assert.match(textOf(await running), /- mockups\/agents\/wallet-screen-banking-app-1170x2532-refined\.png \(1170x2532 px/);
      const found = textOf(await invoke(TOOL.find, { text: 'wallet' }));
      assert.match(found, /^2 of the \d+ mockup\(s\) in the workspace match/);
      assert.match(found, /wallet-screen-banking-app-1170x2532-refined\.png \(1170x2532.*edited from mockups\/agents\/wallet-screen-banking-app-1170x2532\.png/);
    });
  });

  it('a path outside the workspace is refused with the resolver\'s message, without asking', async () => {
    const result = await invoke(TOOL.refine, { image: '../outside.png', change: 'x' });
    assert.match(textOf(result), /outside the workspace folder/);
    assert.equal(emulator.requests.length, 0);
  });

  describe('@mockups', () => {
    interface Recorded {
      markdown: string[];
      progress: string[];
      buttons: vscode.Command[];
      anchors: vscode.Uri[];
    }
    function recordingStream(): { stream: vscode.ChatResponseStream; recorded: Recorded } {
      const recorded: Recorded = { markdown: [], progress: [], buttons: [], anchors: [] };
      const stream = {
        markdown: (value: string | vscode.MarkdownString) => void recorded.markdown.push(typeof value === 'string' ? value : value.value),
        progress: (value: string) => void recorded.progress.push(value),
        button: (command: vscode.Command) => void recorded.buttons.push(command),
        anchor: (value: vscode.Uri | vscode.Location) => void recorded.anchors.push(value instanceof vscode.Uri ? value : value.uri),
        reference: () => undefined,
        filetree: () => undefined,
        push: () => undefined,
      };
      return { stream: stream, recorded };
    }
    const request = (prompt: string, model: Partial<vscode.LanguageModelChat> | undefined, command?: string): vscode.ChatRequest =>
      ({ prompt, command, references: [], toolReferences: [], toolInvocationToken: undefined, model }) as unknown as vscode.ChatRequest;

    it('with a fake chat model: its JSON fills the template and sizes; the answer shows a thumbnail, size, cost and buttons', async () => {
      const asked: string[] = [];
      const model: Partial<vscode.LanguageModelChat> = {
        sendRequest: (messages) => {
          asked.push(JSON.stringify(messages));
          async function* text(): AsyncIterable<string> {
            await Promise.resolve(); // the answer streams in two chunks
            yield '{"template": {"id": "web-page", "fields": {"site": "a travel blog", "page": "home page"}},';
            yield ' "sizes": ["desktop-1440"]}';
          }
          return Promise.resolve({ text: text(), stream: text() } as unknown as vscode.LanguageModelChatResponse);
        },
      };
      const { stream, recorded } = recordingStream();
      const source = new vscode.CancellationTokenSource();
      const result = await api.agents.chat(request('the home page of our travel blog at desktop size', model), { history: [] }, stream, source.token);
      const { markdown, buttons, anchors } = recorded;
      assert.equal(asked.length, 1);
      const files = (result as vscode.ChatResult | undefined)?.metadata?.['files'] as string[];
      assert.equal(files.length, 1, markdown.join('\n'));
      assert.match(files[0], /^mockups\/travel-blog-home-page-desktop-1440\.png$/);
      assert.ok(markdown.some((m) => /^!\[mockups\/travel-blog-home-page-desktop-1440\.png\]\(data:image\/jpeg;base64,/.test(m)), 'a thumbnail');
      assert.ok(markdown.some((m) => /1440x900 px · \$0\.\d+/.test(m)), markdown.join('\n'));
      assert.deepEqual(buttons.map((b) => b.command), ['foundryMockups.openStudio', 'revealInExplorer']);
      assert.equal(anchors[0]?.fsPath, path.join(workspaceRoot(), files[0]));
    });

    it('without a model: the text is the prompt', async () => {
      const { stream } = recordingStream();
      const result = await api.agents.chat(request('A plain onboarding screen', undefined, 'generate'), { history: [] }, stream, new vscode.CancellationTokenSource().token);
      assert.equal(((result as vscode.ChatResult).metadata?.['files'] as string[]).length, 1);
      assert.equal(emulator.requests.at(-1)?.body?.['prompt'], 'A plain onboarding screen');
    });
  });

  it('the MCP server definition keeps no key; the key reaches only the started server\'s environment', async function () {
    const mcp = api.agents.mcp;
    const provided = await mcp.provideMcpServerDefinitions(new vscode.CancellationTokenSource().token);
    if (!('McpStdioServerDefinition' in vscode)) {
      assert.deepEqual(provided, [], 'a host without the MCP API gets no definition');
      this.skip();
    }
    assert.equal(provided?.length, 1);
    const [definition] = provided ?? [];
    assert.ok(definition);
    assert.deepEqual(definition.args.slice(1), ['mcp', '--workspace', workspaceRoot()]);
    assert.equal(definition.env['AZURE_OPENAI_ENDPOINT'], emulator.endpoint);
    assert.ok(!JSON.stringify(definition).includes(emulator.apiKey), 'the listed definition carries no key');
    const resolved = await mcp.resolveMcpServerDefinition(definition, new vscode.CancellationTokenSource().token);
    assert.equal(resolved?.env['AZURE_OPENAI_API_KEY'], emulator.apiKey, 'the key is in the started server\'s environment');
    for (const scope of ['globalValue', 'workspaceValue', 'workspaceFolderValue'] as const) {
      assert.ok(!JSON.stringify(vscode.workspace.getConfiguration().inspect('mcp')?.[scope] ?? {}).includes(emulator.apiKey), `no key in ${scope} of the mcp settings`);
      assert.ok(!JSON.stringify(vscode.workspace.getConfiguration().inspect('foundryMockups')?.[scope] ?? {}).includes(emulator.apiKey));
    }
    assert.ok(!existsSync(path.join(workspaceRoot(), '.vscode', 'mcp.json')) || !(await fs.readFile(path.join(workspaceRoot(), '.vscode', 'mcp.json'), 'utf8')).includes(emulator.apiKey));

    // The resolved definition starts a working server.
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const client = new Client({ name: 'agents-integration', version: '1.0.0' });
    const env = Object.fromEntries(Object.entries({ ...process.env, ...resolved?.env }).filter((e): e is [string, string] => typeof e[1] === 'string'));
    await client.connect(new StdioClientTransport({ command: resolved?.command ?? '', args: resolved?.args ?? [], env }));
    try {
      assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['generate_mockup', 'refine_mockup', 'plan_sizes', 'find_mockups']);
    } finally {
      await client.close();
    }
  });
});
