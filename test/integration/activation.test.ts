import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FoundryMockupsApi } from '../../src/extension';
import { readSettings, SETTING_NAMES } from '../../src/host/settings';
import { activateExtension, EXTENSION_ID, RecordingUi } from './testUi';

interface ContributedCommand {
  command: string;
  title: string;
  category: string;
}

describe('activation', () => {
  let api: FoundryMockupsApi;
  let ui: RecordingUi;

  before(async () => {
    api = await activateExtension(vscode);
  });
  beforeEach(() => {
    ui = new RecordingUi();
    api.setUserInterface(ui);
  });
  after(() => api.setUserInterface(undefined));

  it('activates in the host and reports how long activation took', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.isActive, 'the extension is active');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0);
    console.log(`      activation took ${api.activationMs.toFixed(1)} ms (measured inside activate)`);
  });

  it('registers every contributed command, each in the Mockups category with a localized title', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = (extension?.packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes.commands;
    const ids = contributed.map((c) => c.command).sort();
    assert.deepEqual(ids, [
      'foundryMockups.clearApiKey',
      'foundryMockups.configureConnection',
      'foundryMockups.estimateBatch',
      'foundryMockups.generate',
      'foundryMockups.generateHere',
      'foundryMockups.openStudio',
      'foundryMockups.redesignImage',
      'foundryMockups.refineImage',
      'foundryMockups.runBatch',
      'foundryMockups.setApiKey',
      'foundryMockups.showLog',
      'foundryMockups.signIn',
    ]);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of contributed) {
      assert.ok(registered.has(command.command), `${command.command} is registered`);
      assert.equal(command.category, 'Mockups', `${command.command} category`);
      assert.ok(!command.title.startsWith('%'), `${command.command} title ${command.title} is resolved from package.nls.json`);
    }
  });

  it('loads only the activation shell at activation: the rest of the extension on first use', () => {
    // The extension's own files in Node's module cache when activate() returned: the shell, not
    // dist/features.js (which bundles the core, openai, ajv and @azure/identity) nor wasm-vips.
    // Only the extension's bundles count: the test runner's own files (out/, mocha and what the
    // suites import) are loaded before the extension here. What each bundle holds is checked on
    // the build's metafile (test/unit/bundles.test.ts).
    assert.deepEqual(api.loadedAtActivation.filter((file) => file.startsWith('dist/')), ['dist/extension.js']);
  });

  it('reads every setting through one typed reader whose names are all contributed, with their defaults from package.json', () => {
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } } }).contributes.configuration.properties;
    assert.deepEqual([...SETTING_NAMES].map((n) => `foundryMockups.${n}`).sort(), Object.keys(contributed).sort(), 'the reader knows exactly the contributed settings');
    const settings = readSettings();
    for (const name of SETTING_NAMES) {
      assert.deepEqual(settings[name], contributed[`foundryMockups.${name}`].default, `${name} defaults to package.json's default`);
    }
  });

  it('stores the API key given as an argument without prompting, and clears it', async () => {
    const key = '0123456789abcdef0123456789abcdef';
    assert.equal(await vscode.commands.executeCommand('foundryMockups.setApiKey', key), true);
    assert.equal(ui.messages.at(-1)?.message, 'Foundry Mockups: API key stored in secret storage.');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('foundryMockups'));
    assert.ok(!settings.includes(key), 'the key is not in the settings');
    assert.equal(await vscode.commands.executeCommand('foundryMockups.clearApiKey'), true, 'a key was stored');
    assert.equal(await vscode.commands.executeCommand('foundryMockups.clearApiKey'), false, 'no key is left');
    assert.equal(ui.messages.at(-1)?.message, 'Foundry Mockups: no API key was stored.');
  });

  it('refuses an API key that cannot be one, naming the problem', async () => {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('foundryMockups.setApiKey', 'has space inside the key value')),
      /contains spaces/,
    );
    assert.equal(await vscode.commands.executeCommand('foundryMockups.clearApiKey'), false, 'nothing was stored');
  });

  it('asks for the key in a password box when no argument is given, and stores nothing on Escape', async () => {
    ui.answerInput(undefined);
    assert.equal(await vscode.commands.executeCommand('foundryMockups.setApiKey'), false);
    assert.equal(await vscode.commands.executeCommand('foundryMockups.clearApiKey'), false);
  });
});
