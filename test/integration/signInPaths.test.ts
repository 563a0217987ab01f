// The Entra ID sign-in paths in the real host: a Microsoft account session from VS Code's
// authentication API (answered at the UserInterface seam: VS Code asks the user's consent before
// an extension reads a session, and the test host refuses every dialog), and Azure CLI
// credentials through @azure/identity (a stand-in `az` on the extension host's PATH, which
// AzureCliCredential runs through the shell). Requests reach the emulator with the bearer token.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FoundryMockupsApi } from '../../src/extension';
import { type Emulator, startEmulator } from '../emulator/server';
import { activateExtension, RecordingUi } from './testUi';

const ACCOUNT = 'designer@contoso.example';

describe('Entra ID sign-in paths (real VS Code host, Foundry emulator)', function () {
  this.timeout(120_000);
  let api: FoundryMockupsApi;
  let ui: RecordingUi;
  let emulator: Emulator;
  let fakeBin: string;
  const savedPath = process.env.PATH;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('foundryMockups');

  before(async () => {
    api = await activateExtension(vscode);
    emulator = await startEmulator({ apiKey: 'entra-emulator-key-0123456789abcdef', token: 'entra-token-0123456789abcdef0123456789' });
    await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: 'microsoft' });
    await vscode.commands.executeCommand('foundryMockups.clearApiKey');
    await config().update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    process.env.PATH = savedPath;
    await config().update('tenant', undefined, vscode.ConfigurationTarget.Global);
    await config().update('auth', 'apiKey', vscode.ConfigurationTarget.Global);
    api.setUserInterface(undefined);
    await emulator.close();
    if (fakeBin) await fs.rm(fakeBin, { recursive: true, force: true });
  });
  beforeEach(() => {
    ui = new RecordingUi();
    ui.account = { label: ACCOUNT, accessToken: emulator.token };
    api.setUserInterface(ui);
    emulator.reset();
  });

  it('signs in with the Microsoft account, with the tenant in VS Code\'s scope form', async () => {
    await config().update('tenant', 'contoso.onmicrosoft.com', vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('foundryMockups.signIn'), true);
    assert.match(ui.messages.at(-1)?.message ?? '', new RegExp(`signed in as ${ACCOUNT}`));
    assert.deepEqual(ui.sessionRequests, [{ providerId: 'microsoft', scopes: ['https://ai.azure.com/.default', 'VSCODE_TENANT:contoso.onmicrosoft.com'], interactive: true }], 'the v1 form asks for the ai.azure.com scope, in the tenant');
  });

  it('sends the Microsoft account token as a bearer token, never as a key', async () => {
    ui.signedIn = true;
    const uris = await vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Team settings', sizes: ['1024x1024'], folder: 'entra', quality: 'low' });
    assert.equal(uris.length, 1);
    const request = emulator.requests.at(-1);
    assert.equal(request?.auth, 'bearer');
    assert.equal(request?.authValid, true);
    const sidecar = await fs.readFile(`${uris[0].fsPath}.mockup.json`, 'utf8');
    assert.ok(!sidecar.includes(emulator.token), 'no token in the sidecar');
  });

  it('on auto, uses a signed-in Microsoft account silently', async () => {
    await config().update('auth', 'auto', vscode.ConfigurationTarget.Global);
    ui.signedIn = true;
    await vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'Billing page', sizes: ['1024x1024'], folder: 'entra', quality: 'low' });
    assert.equal(emulator.requests.at(-1)?.auth, 'bearer');
    assert.ok(ui.sessionRequests.length > 0 && ui.sessionRequests.every((r) => !r.interactive), 'only silent session requests on auto');
  });

  it('on auto without an account, uses Azure CLI credentials through @azure/identity', async () => {
    ui.signedIn = false;
    ui.account = undefined;
    fakeBin = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-fake-az-'));
    const expires = Math.floor(Date.now() / 1000) + 3600;
    await fs.writeFile(
      path.join(fakeBin, 'az'),
      `#!/bin/sh\n# A stand-in for the Azure CLI: prints what "az account get-access-token --output json" prints.\necho '{"accessToken": "${emulator.token}", "expires_on": ${expires}, "tokenType": "Bearer"}'\n`,
      { mode: 0o755 },
    );
    process.env.PATH = `${fakeBin}${path.delimiter}${savedPath ?? ''}`;
    await vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'Audit log', sizes: ['1024x1024'], folder: 'entra', quality: 'low' });
    const request = emulator.requests.at(-1);
    assert.equal(request?.auth, 'bearer');
    assert.equal(request?.authValid, true);
    assert.ok(ui.sessionRequests.every((r) => !r.interactive), 'no interactive sign-in on auto');
  });

  it('explains a rejected token with what to check, and offers Sign In', async () => {
    await config().update('auth', 'microsoft', vscode.ConfigurationTarget.Global);
    ui.signedIn = true;
    emulator.inject({ type: 'unauthorized' });
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('foundryMockups.generate', { prompt: 'x', sizes: ['1024x1024'], folder: 'entra' })));
    const shown = ui.errors().at(-1);
    assert.match(shown?.message ?? '', /token|scope/i);
    assert.ok(shown?.items.includes('Sign In'));
    assert.ok(!(shown?.message ?? '').includes(emulator.token), 'the token is not in the message');
  });

  it('says what happened when the Microsoft sign-in is cancelled, and offers the ways forward', async () => {
    await config().update('auth', 'microsoft', vscode.ConfigurationTarget.Global);
    ui.cancelSignIn = true;
    let offered: readonly string[] = [];
    ui.messageAnswer = (_message, items) => {
      offered = items;
      return undefined;
    };
    assert.equal(await vscode.commands.executeCommand('foundryMockups.signIn'), false);
    const shown = ui.messages.at(-1);
    assert.equal(shown?.severity, 'warning');
    assert.match(shown?.message ?? '', /sign-in was cancelled, so Foundry Mockups is not signed in and nothing was sent/);
    assert.deepEqual(offered, ['Sign In Again', 'Set API Key']);
    assert.ok(!ui.messages.some((m) => m.severity === 'error'), 'a cancelled sign-in is not shown as an error');
    assert.equal(emulator.requests.length, 0);
  });
});
