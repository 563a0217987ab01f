import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import * as vscode from 'vscode';
import type { FoundryMockupsApi } from '../../src/extension';
import { type Emulator, startEmulator } from '../emulator/server';
import { activateExtension, RecordingUi } from './testUi';

interface SidecarLineage {
  lineage?: { parent?: { file: string }; references?: Array<{ file: string }>; mask?: { file: string } };
  request: { operation: string };
}

describe('Refine, Configure Connection, Sign In and first use (real VS Code host)', function () {
  this.timeout(120_000);
  let api: FoundryMockupsApi;
  let ui: RecordingUi;
  let emulator: Emulator;
  let root: string;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('foundryMockups');

  async function connectToEmulator(): Promise<void> {
    await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: 'apiKey' });
    await vscode.commands.executeCommand('foundryMockups.setApiKey', emulator.apiKey);
  }

  before(async () => {
    api = await activateExtension(vscode);
    root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    emulator = await startEmulator({ apiKey: 'commands-emulator-key-0123456789abcd' });
    await connectToEmulator();
    await config().update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    api.setUserInterface(undefined);
    await emulator.close();
  });
  beforeEach(() => {
    ui = new RecordingUi();
    api.setUserInterface(ui);
    emulator.reset();
  });

  it('refines an image with references and a mask, writing beside it with the lineage', async () => {
    const [parent] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Profile screen', sizes: ['1024x1024'], folder: 'refine', quality: 'low' });
    const [reference] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Brand palette', sizes: ['1024x1024'], folder: 'refine', quality: 'low' });
    // A mask whose left half is transparent: the region to edit.
    const raw = Buffer.alloc(1024 * 1024 * 4, 255);
    for (let y = 0; y < 1024; y++) for (let x = 0; x < 512; x++) raw[(y * 1024 + x) * 4 + 3] = 0;
    await fs.writeFile(path.join(root, 'refine', 'mask.png'), await sharp(raw, { raw: { width: 1024, height: 1024, channels: 4 } }).png().toBuffer());
    emulator.reset();

    const uris = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.refineImage', {
      image: 'refine/profile-screen-1024x1024.png',
      prompt: 'Make the avatar round',
      references: [vscode.workspace.asRelativePath(reference)],
      mask: 'refine/mask.png',
      quality: 'low',
    });
    assert.equal(uris.length, 1);
    assert.equal(path.dirname(uris[0].fsPath), path.dirname(parent.fsPath), 'written beside the image');
    assert.equal(path.basename(uris[0].fsPath), 'profile-screen-1024x1024-refined.png');
    const sidecar = JSON.parse(await fs.readFile(`${uris[0].fsPath}.mockup.json`, 'utf8')) as SidecarLineage;
    assert.equal(sidecar.request.operation, 'edit');
    assert.equal(sidecar.lineage?.parent?.file, 'refine/profile-screen-1024x1024.png');
    assert.deepEqual(sidecar.lineage?.references?.map((r) => r.file), ['refine/brand-palette-1024x1024.png']);
    assert.equal(sidecar.lineage?.mask?.file, 'refine/mask.png');
    const sent = emulator.requests.at(-1);
    assert.equal(sent?.operation, 'edits');
    assert.deepEqual(sent?.files.map((f) => [f.field, f.contentType]), [
      ['image[]', 'image/png'],
      ['image[]', 'image/png'],
      ['mask', 'image/png'],
    ]);
  });

  it('refines with the parent\'s context: what it shows, its locale and its quality come from its sidecar', async () => {
    const [parent] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Checkout screen of a shoe shop', sizes: ['1024x1024'], locales: ['ja'], folder: 'refine', quality: 'low' });
    emulator.reset();
    const [refined] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.refineImage', { image: vscode.workspace.asRelativePath(parent), prompt: 'Make the pay button green' });
    assert.ok(refined);
    const sent = emulator.requests.at(-1);
    const prompt = String(sent?.body?.['prompt']);
    assert.match(prompt, /^Make the pay button green\r?\n\r?\nKeep everything not named above as it is in the image, which shows: Checkout screen of a shoe shop/);
    assert.match(prompt, /Japanese/, 'the parent\'s locale instruction is sent again');
    assert.equal(sent?.body?.['quality'], 'low', 'the parent\'s quality, not a costlier default, with no question asked');
  });

  it('redesigns an image with the workspace design system (Redesign Mockup...), writing beside it', async () => {
    await fs.mkdir(path.join(root, 'redesign'), { recursive: true });
    await fs.writeFile(path.join(root, 'redesign', 'DESIGN.md'), '---\nname: Harbor\ncolors:\n  primary: "#0B5FFF"\ntypography:\n  body:\n    fontFamily: Inter\n---\n');
    await config().update('styleGuide', 'redesign/DESIGN.md', vscode.ConfigurationTarget.Workspace);
    try {
      const [screenshot] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Old settings screen', sizes: ['1024x1024'], folder: 'redesign', quality: 'low' });
      const uris = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.redesignImage', { image: vscode.workspace.asRelativePath(screenshot), prompt: 'The same screen in our design system', quality: 'low' });
      assert.equal(uris.length, 1);
      assert.equal(path.basename(uris[0].fsPath), 'old-settings-screen-1024x1024-redesigned.png');
      const sent = String(emulator.requests.at(-1)?.body?.prompt);
      assert.match(sent, /^Redesign the screen in the image/);
      assert.match(sent, /#0b5fff/i);
      assert.match(sent, /Inter/);
      const sidecar = JSON.parse(await fs.readFile(`${uris[0].fsPath}.mockup.json`, 'utf8')) as { lineage: { mode: string }; prompt: { designSystem: { files: Array<{ file: string }> } } };
      assert.equal(sidecar.lineage.mode, 'redesign');
      assert.deepEqual(sidecar.prompt.designSystem.files.map((f) => f.file), ['redesign/DESIGN.md']);

      // At target sizes: the redesign is made at each size asked for.
      const [wide] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.redesignImage', { image: vscode.workspace.asRelativePath(screenshot), prompt: 'As a dark-mode version', sizes: ['1200x630'], quality: 'low' });
      assert.ok(wide);
      const target = (JSON.parse(await fs.readFile(`${wide.fsPath}.mockup.json`, 'utf8')) as { target: { width: number; height: number } }).target;
      assert.deepEqual([target.width, target.height], [1200, 630]);
      assert.deepEqual([(await sharp(wide.fsPath).metadata()).width, (await sharp(wide.fsPath).metadata()).height], [1200, 630]);

      // Every other surface sends the same design system: the hex value and the font family reach the service.
      const mask = Buffer.alloc(1024 * 1024 * 4, 255);
      for (let y = 0; y < 200; y++) for (let x = 0; x < 200; x++) mask[(y * 1024 + x) * 4 + 3] = 0;
      await fs.writeFile(path.join(root, 'redesign', 'corner.png'), await sharp(mask, { raw: { width: 1024, height: 1024, channels: 4 } }).png().toBuffer());
      const surfaces: Array<[string, () => Thenable<unknown>]> = [
        ['Generate Mockup', () => vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'Billing screen', sizes: ['1024x1024'], folder: 'redesign', quality: 'low' })],
        ['Generate Mockup Here', () => vscode.commands.executeCommand('foundryMockups.generateHere', vscode.Uri.file(path.join(root, 'redesign')), { prompt: 'Empty state', sizes: ['1024x1024'], quality: 'low' })],
        ['Refine Image', () => vscode.commands.executeCommand('foundryMockups.refineImage', { image: vscode.workspace.asRelativePath(screenshot), prompt: 'Round the avatar', quality: 'low' })],
        ['Refine Image with a mask (inpaint)', () => vscode.commands.executeCommand('foundryMockups.refineImage', { image: vscode.workspace.asRelativePath(screenshot), prompt: 'Add a logo', mask: 'redesign/corner.png', quality: 'low' })],
        ['the generate-mockups language model tool', () => vscode.lm.invokeTool('foundryMockups_generateMockup', { input: { prompt: 'Wallet screen', sizes: ['1024x1024'], quality: 'low', folder: 'redesign' }, toolInvocationToken: undefined })],
      ];
      for (const [surface, call] of surfaces) {
        emulator.reset();
        await call();
        const prompt = String(emulator.requests.at(-1)?.body?.prompt);
        assert.match(prompt, /#0b5fff/i, `${surface}: the colour reaches the service`);
        assert.match(prompt, /Inter/, `${surface}: the font family reaches the service`);
      }
    } finally {
      await config().update('styleGuide', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('refuses to refine a file outside the workspace or one that is not an image', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.refineImage', { image: '../secret.png', prompt: 'x' })), /outside the workspace folder/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.refineImage', { image: 'README.md', prompt: 'x' })), /not a PNG or JPEG/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.refineImage', { prompt: 'x' })), /"image" is required/);
    // An image that is a symbolic link to a file outside the workspace, and a mask that is one.
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-refine-outside-'));
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000000' } }).png().toFile(path.join(outside, 'secret.png'));
    await fs.mkdir(path.join(root, 'refine'), { recursive: true });
    await fs.rm(path.join(root, 'refine', 'linked-secret.png'), { force: true });
    await fs.symlink(path.join(outside, 'secret.png'), path.join(root, 'refine', 'linked-secret.png'));
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.refineImage', { image: 'refine/linked-secret.png', prompt: 'x' })), /outside the workspace folder/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.redesignImage', { image: 'refine/linked-secret.png', prompt: 'x' })), /outside the workspace folder/);
    assert.equal(emulator.requests.length, 0);
  });

  it('guides the connection setup, checking each answer, and can send a test request', async () => {
    ui.answerInput(emulator.endpoint).answerInput(emulator.deployment).answerPick('gpt-image-2').answerPick('v1').answerPick('API key');
    ui.messageAnswer = (message, items) => (message.startsWith('Connection saved') ? items[0] : undefined);
    assert.equal(await vscode.commands.executeCommand('foundryMockups.configureConnection'), true);
    assert.equal(config().get('endpoint'), emulator.endpoint);
    assert.equal(config().get('auth'), 'apiKey');
    assert.ok(ui.messages.some((m) => /The connection works: .* answered in/.test(m.message)), JSON.stringify(ui.messages));
    assert.equal(emulator.requests.length, 1, 'one test request');
  });

  it('refuses invalid connection settings with the setting and the fix', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: 'http://example.com', deployment: 'x y' })),
      (error: Error) => /endpoint: .*https:\/\//.test(error.message) && /deployment: .*not a deployment name/.test(error.message),
    );
  });

  it('takes the portal\'s Target URI as the endpoint: saves its endpoint, deployment, API form and version', async () => {
    const keys = ['endpoint', 'deployment', 'apiMode', 'apiVersion'] as const;
    const before = Object.fromEntries(keys.map((k) => [k, config().inspect<string>(k)?.workspaceValue]));
    try {
      assert.equal(await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: 'https://contoso-images.openai.azure.com/openai/deployments/gpt-image-2-eu/images/generations?api-version=2025-04-01-preview' }), true);
      assert.deepEqual(Object.fromEntries(keys.map((k) => [k, config().get<string>(k)])), {
        endpoint: 'https://contoso-images.openai.azure.com',
        deployment: 'gpt-image-2-eu',
        apiMode: 'dated',
        apiVersion: '2025-04-01-preview',
      });
    } finally {
      for (const k of keys) await config().update(k, before[k], vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(config().get('endpoint'), emulator.endpoint, 'the suite\'s connection is back');
  });

  it('offers to configure the connection instead of failing when none is set', async () => {
    await config().update('endpoint', '', vscode.ConfigurationTarget.Workspace);
    try {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'x', sizes: ['1024x1024'] })), /not connected yet/);
      const offer = ui.messages.find((m) => m.severity === 'warning');
      assert.ok(offer?.items.includes('Configure Connection'), JSON.stringify(ui.messages));
      assert.equal(emulator.requests.length, 0);
    } finally {
      await connectToEmulator();
    }
  });

  it('signs in with an API key when that is the chosen method, and offers the methods on auto', async () => {
    ui.answerInput('fedcba9876543210fedcba9876543210');
    assert.equal(await vscode.commands.executeCommand('foundryMockups.signIn'), true);
    await config().update('auth', 'auto', vscode.ConfigurationTarget.Global);
    ui.answerPick('API key').answerInput(emulator.apiKey);
    assert.equal(await vscode.commands.executeCommand('foundryMockups.signIn'), true);
    assert.equal(config().get('auth'), 'apiKey', 'the chosen method is remembered');
  });

  it('reports rate limiting after the retries, and a service outage, each with Retry', async () => {
    emulator.inject(Array.from({ length: 4 }, () => ({ type: 'rateLimit' as const, retryAfterMs: 5 })));
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'x', sizes: ['1024x1024'], folder: 'limits' })));
    assert.match(ui.errors().at(-1)?.message ?? '', /rate|limit|too many/i);
    assert.ok(ui.errors().at(-1)?.items.includes('Retry'));
    assert.equal(emulator.requests.length, 4, 'the first attempt and three retries');
  });

  it('contributes a walkthrough from install to the first mockup', () => {
    const walkthroughs = (vscode.extensions.getExtension('foundry-mockups.foundry-mockups')?.packageJSON as { contributes: { walkthroughs: Array<{ steps: Array<{ id: string }> }> } }).contributes.walkthroughs;
    assert.deepEqual(walkthroughs[0].steps.map((s) => s.id), ['connect', 'signIn', 'generate', 'find']);
  });
});
