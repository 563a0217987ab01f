// The test host itself: the extension is loaded in development mode, and the page-action bridge
// drives the real workbench (command palette) from inside the extension host.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeUi } from './driver';

const EXTENSION_ID = 'foundry-mockups.foundry-mockups';
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROWS = '.quick-input-widget .quick-input-list .monaco-list-row';

describe('test host', () => {
  it('loads Foundry Mockups from the repository in development mode', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    // Loaded from this repository (out/test/integration/ -> root), not from an installed copy.
    assert.equal(path.resolve(extension.extensionUri.fsPath), path.resolve(__dirname, '..', '..', '..'));
    assert.ok(vscode.workspace.workspaceFolders?.length, 'the test workspace is open');
  });

  it('has the language model tool, chat and MCP APIs the agent surfaces stand on (VS Code 1.106)', function () {
    if (vscode.env.uiKind !== vscode.UIKind.Web) {
      this.skip(); // test:electron runs whatever desktop version it downloaded
    }
    // Read without the 1.95 typings, which do not declare the newer ones.
    const api = vscode as unknown as Record<string, Record<string, unknown> | undefined>;
    const missing = [
      ['lm', 'registerTool'],
      ['lm', 'invokeTool'],
      ['lm', 'registerMcpServerDefinitionProvider'],
      ['chat', 'createChatParticipant'],
    ].filter(([namespace, name]) => typeof api[namespace]?.[name] !== 'function');
    assert.deepEqual(missing, [], `the host (VS Code ${vscode.version}) lacks ${missing.map((m) => m.join('.')).join(', ')}`);
    const DataPart = api.LanguageModelDataPart as unknown as { image?: (data: Uint8Array, mime: string) => { mimeType: string; data: Uint8Array } } | undefined;
    assert.ok(typeof DataPart?.image === 'function', `the host (VS Code ${vscode.version}) lacks vscode.LanguageModelDataPart`);
    const part = DataPart.image(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 'image/png');
    assert.equal(part.mimeType, 'image/png');
    assert.equal(part.data.length, 4);
  });

  describeUi('page-action bridge', (driver) => {
    afterEach(async () => {
      // Leave no quick input open for the next test, whatever happened.
      await driver.press('Escape').catch(() => undefined);
    });

    it('lists the Mockups commands in the command palette', async () => {
      await driver.waitFor('.monaco-workbench', { timeoutMs: 30_000 });
      await driver.press('F1');
      await driver.waitFor(`${QUICK_INPUT} input`);
      await driver.type('Mockups: ');
      await driver.waitFor(QUICK_INPUT_ROWS);
      const rows = await driver.texts(QUICK_INPUT_ROWS);
      const mockupRows = rows.filter((row) => row.includes('Mockups:'));
      assert.ok(mockupRows.length > 0, `no "Mockups:" entries in the palette; it shows: ${JSON.stringify(rows)}`);
      assert.ok(
        mockupRows.some((row) => row.includes('Open Studio')),
        `"Mockups: Open Studio" is missing from ${JSON.stringify(mockupRows)}`,
      );
      const file = await driver.screenshot('host-command-palette');
      assert.match(file, /test-artifacts[\\/]host-command-palette\.png$/);
      await driver.press('Escape');
      await driver.waitFor(QUICK_INPUT, { state: 'hidden' });
    });

    it('refuses malformed requests instead of acting on them', async () => {
      await assert.rejects(driver.screenshot('../escape'), /plain file name/);
      await assert.rejects(driver.press(''), /must not be empty/);
      await assert.rejects(driver.click('#no-such-element', { timeoutMs: 200 }), /click failed/);
    });
  });
});
