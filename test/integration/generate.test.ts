import * as assert from 'node:assert/strict';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import * as vscode from 'vscode';
import type { FoundryMockupsApi } from '../../src/extension';
import { readImageInfo } from '../../src/core/image';
import { planTargets } from '../../src/core/generation/targets';
import { loadPresetCatalogue } from '../../src/core/sizes/designSystem';
import { type Emulator, startEmulator } from '../emulator/server';
import { activateExtension, RecordingUi } from './testUi';

const repoRoot = path.resolve(__dirname, '../../..');
const validateSidecar = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(path.join(repoRoot, 'schemas/sidecar.schema.json'), 'utf8')) as object);

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opened a workspace folder');
  return folder.uri.fsPath;
}

async function listFiles(relative: string): Promise<string[]> {
  try {
    return (await fs.readdir(path.join(workspaceRoot(), relative))).sort();
  } catch {
    return [];
  }
}

async function configure(emulator: Emulator, overrides: Record<string, unknown> = {}): Promise<void> {
  await vscode.commands.executeCommand('foundryMockups.configureConnection', {
    endpoint: emulator.endpoint,
    deployment: emulator.deployment,
    model: 'gpt-image-2',
    apiMode: 'v1',
    auth: 'apiKey',
    ...overrides,
  });
}

describe('Generate Mockup (real VS Code host, Foundry emulator)', function () {
  this.timeout(120_000);
  let api: FoundryMockupsApi;
  let ui: RecordingUi;
  let emulator: Emulator;
  let run = 0;
  let folder = '';

  before(async () => {
    api = await activateExtension(vscode);
    emulator = await startEmulator({ apiKey: 'emulator-key-0123456789abcdef0123' });
    await configure(emulator);
    await vscode.commands.executeCommand('foundryMockups.setApiKey', emulator.apiKey);
  });
  after(async () => {
    api.setUserInterface(undefined);
    await emulator.close();
  });
  beforeEach(async () => {
    ui = new RecordingUi();
    api.setUserInterface(ui);
    emulator.reset();
    folder = `mockups/generate-${++run}`;
    await vscode.workspace.getConfiguration('foundryMockups').update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
  });

  it('writes exact-size images and valid sidecars through the scripting contract', async () => {
    const uris = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', {
      prompt: 'Checkout screen for a coffee app',
      sizes: ['390x844@3x', 'og-image'],
      folder,
      quality: 'low',
    });
    assert.equal(uris.length, 2);
    const sizes = await Promise.all(uris.map(async (uri) => readImageInfo(await fs.readFile(uri.fsPath))));
    assert.deepEqual(
      sizes.map((s) => `${s.width}x${s.height}`),
      ['1170x2532', '1200x630'],
    );
    assert.deepEqual(await listFiles(folder), [
      'checkout-screen-coffee-app-1170x2532.original.png',
      'checkout-screen-coffee-app-1170x2532.png',
      'checkout-screen-coffee-app-1170x2532.png.mockup.json',
      'checkout-screen-coffee-app-og-image.original.png',
      'checkout-screen-coffee-app-og-image.png',
      'checkout-screen-coffee-app-og-image.png.mockup.json',
    ]);
    for (const uri of uris) {
      const sidecar = JSON.parse(await fs.readFile(`${uri.fsPath}.mockup.json`, 'utf8')) as { service: { endpointHost: string } };
      assert.ok(validateSidecar(sidecar), JSON.stringify(validateSidecar.errors));
      assert.equal(sidecar.service.endpointHost, new URL(emulator.endpoint).host);
      assert.ok(!JSON.stringify(sidecar).includes(emulator.apiKey), 'no key in the sidecar');
    }
    assert.equal(emulator.requests.length, 2, 'one request per size');
    assert.ok(ui.messages.some((m) => m.severity === 'info' && /Generated 2 mockups in/.test(m.message)));
  });

  it('keeps originals in the companion folder the setting names, and refuses a name that is a path', async () => {
    const config = vscode.workspace.getConfiguration('foundryMockups');
    await config.update('companionFolder', 'originals', vscode.ConfigurationTarget.Workspace);
    try {
      const [uri] = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Profile screen', sizes: ['390x844@3x'], folder, name: 'profile', quality: 'low' });
      assert.equal(path.basename(uri.fsPath), 'profile.png');
      assert.deepEqual(await listFiles(folder), ['originals', 'profile.png', 'profile.png.mockup.json']);
      assert.deepEqual(await listFiles(`${folder}/originals`), ['profile.original.png']);
      const sidecar = JSON.parse(await fs.readFile(`${uri.fsPath}.mockup.json`, 'utf8')) as { original: { file: string } };
      assert.ok(validateSidecar(sidecar), JSON.stringify(validateSidecar.errors));
      assert.equal(sidecar.original.file, 'originals/profile.original.png');
      await config.update('companionFolder', '../outside', vscode.ConfigurationTarget.Workspace);
      const requests = emulator.requests.length;
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'Profile screen', sizes: ['390x844@3x'], folder, quality: 'low' })),
        /foundryMockups\.companionFolder cannot be used: .*path separator.*Leave it empty/,
      );
      assert.equal(emulator.requests.length, requests, 'nothing was sent');
    } finally {
      await config.update('companionFolder', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('never overwrites: the same request again gets numbered names', async () => {
    const options = { prompt: 'Login screen', sizes: ['1024x1024'], folder, name: 'login', quality: 'low' };
    const first = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', options);
    const second = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', options);
    assert.equal(path.basename(first[0].fsPath), 'login.png');
    assert.equal(path.basename(second[0].fsPath), 'login-2.png');
  });

  it('rejects invalid options with a message naming each field', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: '', n: 11, quality: 'ultra', colour: 'red' })),
      (error: Error) => /"prompt"/.test(error.message) && /"n"/.test(error.message) && /"quality"/.test(error.message) && /"colour" is not an option/.test(error.message),
    );
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'x', sizes: ['100000x5'], folder })), /100000/);
    assert.equal(emulator.requests.length, 0, 'nothing was sent');
  });

  it('refuses a folder outside the workspace and writes nothing', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'x', sizes: ['1024x1024'], folder: '../escape' })), /outside the workspace folder/);
    await assert.rejects(fs.access(path.join(workspaceRoot(), '..', 'escape')));
    assert.equal(emulator.requests.length, 0);
  });

  it('shows each failure type with its message and actions, and writes nothing', async () => {
    const cases: Array<{ fault: Parameters<Emulator['inject']>[0]; message: RegExp; action?: string }> = [
      { fault: { type: 'safety', shape: 'promptBlocked' }, message: /safety/i },
      { fault: { type: 'safety', shape: 'outputFiltered' }, message: /safety|filtered/i },
      { fault: { type: 'unauthorized' }, message: /key|token/i, action: 'Sign In' },
      { fault: { type: 'forbidden', reason: 'role' }, message: /Cognitive Services OpenAI User/, action: 'Sign In' },
      { fault: { type: 'status', status: 400, code: 'invalid_value', message: 'Invalid size.' }, message: /Invalid size|invalid/i },
    ];
    for (const { fault, message, action } of cases) {
      ui.messages.length = 0;
      emulator.inject(fault);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'A settings page', sizes: ['1024x1024'], folder, quality: 'low' })));
      const shown = ui.errors().at(-1);
      assert.ok(shown, `an error is shown for ${JSON.stringify(fault)}`);
      assert.match(shown.message, message);
      assert.ok(shown.items.includes('Show Log'));
      assert.ok(shown.items.includes('Retry'), 'the failed request can be retried in one step');
      if (action) assert.ok(shown.items.includes(action), `${action} is offered`);
    }
    assert.deepEqual(await listFiles(folder), []);
  });

  it('offers Open Settings when the deployment does not exist', async () => {
    await configure(emulator, { deployment: 'no-such-deployment' });
    try {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'x', sizes: ['1024x1024'], folder })), /deployment/i);
      assert.ok(ui.errors().at(-1)?.items.includes('Open Settings'));
    } finally {
      await configure(emulator);
    }
  });

  it('asks before an expensive request, and writes nothing when declined', async () => {
    await vscode.workspace.getConfiguration('foundryMockups').update('confirmAboveUsd', 0, vscode.ConfigurationTarget.Global);
    ui.answerConfirm(false);
    const uris = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Dashboard', sizes: ['desktop-1920'], folder, quality: 'high' });
    assert.deepEqual(uris, []);
    assert.match(ui.confirmations[0], /estimated to cost about \$/);
    assert.equal(emulator.requests.length, 0);
  });

  it('runs the quick-input flow: prompt, sizes with plans, quality, variants, folder', async () => {
    ui.answerInput('Onboarding screen with three steps')
      .answerPick('iPhone 14 / 13 / 12', 'Open Graph image')
      .answerPick('low')
      .answerPick('2')
      .answerInput(folder);
    const uris = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate');
    assert.equal(uris.length, 4, '2 sizes x 2 variants');
    // The size picker shows each size's plan with the same warnings the Studio and the CLI show.
    const sizeItems = ui.pickItems[0] ?? [];
    const itemOf = (id: string): vscode.QuickPickItem | undefined => sizeItems.find((i) => i.description?.startsWith(`${id} ·`));
    for (const id of ['linkedin-banner', 'desktop-4k', 'iphone-14']) {
      const [planned] = planTargets([id], loadPresetCatalogue({}), 'gpt-image-2');
      assert.ok(planned?.ok);
      const detail = itemOf(id)?.detail ?? '';
      assert.ok(detail.startsWith(planned.info.explanation), `${id}: the plan's sentence (${detail})`);
      for (const warning of planned.info.warnings) assert.ok(detail.includes(`$(warning) `) && detail.includes(warning), `${id}: "${warning}" in ${detail}`);
      if (planned.info.warnings.length === 0) assert.ok(!detail.includes('$(warning)'), `${id}: no warning`);
    }
    assert.deepEqual(
      (await listFiles(folder)).filter((f) => f.endsWith('.png') && !f.includes('.original.')),
      ['onboarding-screen-three-steps-iphone-14-v1.png', 'onboarding-screen-three-steps-iphone-14-v2.png', 'onboarding-screen-three-steps-og-image-v1.png', 'onboarding-screen-three-steps-og-image-v2.png'],
    );
    // The next run offers the same choices first.
    ui.answerInput(undefined);
    await vscode.commands.executeCommand('foundryMockups.generate');
    assert.equal(ui.prompts.at(-1), 'Generate Mockup (1/5): prompt');
  });

  it('generates into the right-clicked folder', async () => {
    const target = vscode.Uri.file(path.join(workspaceRoot(), folder, 'here'));
    await fs.mkdir(target.fsPath, { recursive: true });
    const uris = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generateHere', target, { prompt: 'Empty state illustration', sizes: ['1024x1024'], quality: 'low' });
    assert.equal(path.dirname(uris[0].fsPath), target.fsPath);
  });

  it('refuses folders inside .git/ or node_modules/, links out of the workspace and names with invisible characters, sending nothing', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-outside-'));
    await fs.symlink(outside, path.join(workspaceRoot(), 'linked-out')).catch(() => undefined);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ folder: '.git/mockups' }, /inside \.git\/, which belongs to your tools/],
      [{ folder: 'node_modules/mockups' }, /inside node_modules\/, which belongs to your tools/],
      [{ folder: 'linked-out' }, /outside the workspace folder/],
      [{ folder: 'mockups', name: 'login\u202egnp.exe' }, /U\+202E/],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'Login', sizes: ['1024x1024'], quality: 'low', ...options })), message, JSON.stringify(options));
    }
    assert.equal(emulator.requests.length, 0, 'nothing was sent');
    assert.deepEqual(await fs.readdir(outside), [], 'nothing was written outside');
    assert.ok(!existsSync(path.join(workspaceRoot(), '.git', 'mockups')) && !existsSync(path.join(workspaceRoot(), 'node_modules', 'mockups')));
  });

  it('keeps the API key in secret storage only: not in settings, sidecars or the log', async () => {
    await vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'Pricing table', sizes: ['1024x1024'], folder, quality: 'low' });
    const settings = await fs.readFile(path.join(workspaceRoot(), '.vscode', 'settings.json'), 'utf8').catch(() => '');
    assert.ok(!settings.includes(emulator.apiKey), 'not in workspace settings');
    for (const file of await listFiles(folder)) {
      if (file.endsWith('.json')) assert.ok(!(await fs.readFile(path.join(workspaceRoot(), folder, file), 'utf8')).includes(emulator.apiKey));
    }
    const logFile = path.join(api.logUri.fsPath, 'Foundry Mockups.log');
    const log = await waitForFileContaining(logFile, 'Request ');
    assert.ok(!log.includes(emulator.apiKey), 'not in the log');
    assert.match(log, /Request \S+: .*tokens/, 'the log records the request id, tokens and cost');
  });
});

async function waitForFileContaining(file: string, text: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const content = await fs.readFile(file, 'utf8').catch(() => '');
    if (content.includes(text)) return content;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${file} never contained "${text}"`);
}
