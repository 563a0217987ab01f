// The smoke suite: Foundry Mockups as a user has it, installed from its VSIX with
// `code-server --install-extension` into a fresh profile (not the repository in development mode),
// driven through its public commands in the real VS Code host against the Foundry emulator.
// Only the commands' scripting contract and the workbench page are used: nothing from src/.
import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import * as vscode from 'vscode';
import { type Emulator, startEmulator } from '../../emulator/server';
import { pageDriver } from '../../integration/driver';
import { pngSize, REPO_ROOT } from '../artifacts';

const EXTENSION_ID = 'foundry-mockups.foundry-mockups';

interface RunBatchResult {
  report: { summary: { jobs: number; done: number; skipped: number; failed: number } };
}
interface EstimateBatchResult {
  jobs: number;
  toSend: number;
  markdown: string;
}
interface Sidecar {
  output: { file: string; width: number; height: number };
  original?: { file: string; width: number; height: number };
  request: { operation: string };
  lineage?: { parent?: { file: string }; mask?: { file: string } };
}

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the host opened a workspace folder');
  return folder.uri.fsPath;
}

const readSidecar = async (image: vscode.Uri): Promise<Sidecar> => JSON.parse(await fs.readFile(`${image.fsPath}.mockup.json`, 'utf8')) as Sidecar;

describe('Foundry Mockups installed from its VSIX (fresh profile, Foundry emulator)', function () {
  this.timeout(180_000);
  let extension: vscode.Extension<unknown>;
  let emulator: Emulator;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    extension = found;
    emulator = await startEmulator({ apiKey: 'smoke-emulator-key-0123456789abcdef0' });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await emulator?.close();
  });

  it('is the installed copy, not the repository, and activates with every contributed command', async () => {
    const installed = extension.extensionUri.fsPath;
    const { version } = extension.packageJSON as { version: string };
    assert.equal(path.basename(installed), `${EXTENSION_ID}-${version}`, 'installed under its id and version');
    assert.ok(!path.resolve(installed).startsWith(path.resolve(REPO_ROOT)), `${installed} is outside the repository`);
    assert.ok(!existsSync(path.join(installed, 'src')) && !existsSync(path.join(installed, 'node_modules', 'openai')), 'only what the VSIX holds');

    await extension.activate();
    assert.ok(extension.isActive);
    const contributed = (extension.packageJSON as { contributes: { commands: Array<{ command: string }> } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), []);

    await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: 'apiKey' });
    await vscode.commands.executeCommand('foundryMockups.setApiKey', emulator.apiKey);
    await vscode.workspace.getConfiguration('foundryMockups').update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
  });

  it('generates at a post-processed size (390x844@3x): exact pixels, the original kept beside it', async () => {
    const [uri] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Checkout screen', sizes: ['390x844@3x'], folder: 'mockups/smoke', quality: 'low' });
    assert.ok(uri, 'the command returns the image written');
    assert.equal(pngSize(uri.fsPath), '1170x2532');
    const sidecar = await readSidecar(uri);
    assert.equal(`${sidecar.output.width}x${sidecar.output.height}`, '1170x2532');
    assert.ok(sidecar.original, 'post-processed from a generation size');
    assert.equal(pngSize(path.join(path.dirname(uri.fsPath), sidecar.original.file)), '1184x2544');
  });

  it('generates at an exact size (1024x1024) with nothing to post-process', async () => {
    const [uri] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Profile screen', sizes: ['1024x1024'], folder: 'mockups/smoke', quality: 'low' });
    assert.equal(pngSize(uri.fsPath), '1024x1024');
    assert.equal((await readSidecar(uri)).original, undefined);
  });

  it('refines an image with a mask, writing the edit beside it with its lineage', async () => {
    const image = 'mockups/smoke/profile-screen-1024x1024.png';
    const raw = Buffer.alloc(1024 * 1024 * 4, 255);
    for (let y = 0; y < 512; y++) for (let x = 0; x < 1024; x++) raw[(y * 1024 + x) * 4 + 3] = 0; // the top half is to be repainted
    await fs.writeFile(path.join(workspaceRoot(), 'mockups/smoke/mask.png'), await sharp(raw, { raw: { width: 1024, height: 1024, channels: 4 } }).png().toBuffer());
    const before = emulator.requests.length;
    const [uri] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.refineImage', { image, prompt: 'A round avatar at the top', mask: 'mockups/smoke/mask.png', quality: 'low' });
    assert.equal(path.basename(uri.fsPath), 'profile-screen-1024x1024-refined.png');
    const sidecar = await readSidecar(uri);
    assert.equal(sidecar.request.operation, 'edit');
    assert.deepEqual([sidecar.lineage?.parent?.file, sidecar.lineage?.mask?.file], [image, 'mockups/smoke/mask.png']);
    const sent = emulator.requests.slice(before).find((r) => r.operation === 'edits');
    assert.ok(sent?.files.some((f) => f.field === 'mask'), 'the mask was sent');
  });

  it('opens the Studio, which paints its app from the installed dist/ and media/', async function () {
    const driver = pageDriver();
    if (!driver) this.skip();
    await vscode.commands.executeCommand('foundryMockups.openStudio');
    // The webview's script replaces the host's loading placeholder (#app aria-busy) with the app.
    await driver.waitFor('#app:not([aria-busy]) button', { frame: 'webview', timeoutMs: 60_000 });
    assert.ok((await driver.texts('#app button', { frame: 'webview' })).length > 3, 'the app rendered its controls');
    await driver.screenshot('smoke-studio');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('estimates a batch without sending anything, then runs it; a rerun sends nothing', async () => {
    const file = path.join(workspaceRoot(), 'campaigns', 'smoke.mockups.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify({ defaults: { quality: 'low' }, assets: [{ id: 'hero', prompt: 'Hero banner of a travel app', sizes: ['og-image', '1024x1024'] }] }, null, 2));
    const uri = vscode.Uri.file(file);
    const before = emulator.requests.length;
    const estimate = await vscode.commands.executeCommand<EstimateBatchResult | undefined>('foundryMockups.estimateBatch', uri);
    assert.deepEqual([estimate?.jobs, estimate?.toSend], [2, 2]);
    assert.equal(emulator.requests.length, before, 'estimating sends nothing');
    const result = await vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri);
    assert.deepEqual([result?.report.summary.jobs, result?.report.summary.done, result?.report.summary.failed], [2, 2, 0]);
    assert.equal(pngSize(path.join(workspaceRoot(), 'campaigns/mockups/smoke/hero-og-image.png')), '1200x630');
    const again = await vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri);
    assert.deepEqual([again?.report.summary.skipped, again?.report.summary.done], [2, 0]);
  });

  describe('agent tools (issue 13)', () => {
    it('calls one agent tool through vscode.lm.invokeTool: files written, a text part and a small preview', async () => {
      const before = emulator.requests.length;
      const source = new vscode.CancellationTokenSource();
      const result = await vscode.lm.invokeTool('foundryMockups_generateMockup', { input: { prompt: 'Agent wallet screen', sizes: ['1024x1024'], quality: 'low', folder: 'mockups/smoke-agent' }, toolInvocationToken: undefined }, source.token);
      const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
      assert.match(text, /^Generated 1 image\(s\) in the workspace, cost \$/);
      assert.match(text, /mockups\/smoke-agent\/agent-wallet-screen-1024x1024\.png \(1024x1024 px/);
      assert.equal(emulator.requests.length, before + 1);
      assert.equal(pngSize(path.join(workspaceRoot(), 'mockups/smoke-agent/agent-wallet-screen-1024x1024.png')), '1024x1024');
      const previews = result.content.filter((part): part is { mimeType: string; data: Uint8Array } => typeof (part as { mimeType?: unknown }).mimeType === 'string');
      assert.equal(previews.length, 1, 'one small preview');
      assert.ok(previews[0].data.length < 200 * 1024);
    });
  });
});
