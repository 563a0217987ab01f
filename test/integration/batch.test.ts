import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunBatchResult } from '../../src/commands/runBatch';
import type { EstimateBatchResult } from '../../src/commands/estimateBatch';
import type { FoundryMockupsApi } from '../../src/extension';
import { type Emulator, startEmulator } from '../emulator/server';
import { pageDriver } from './driver';
import { activateExtension, RecordingUi } from './testUi';

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opened a workspace folder');
  return folder.uri.fsPath;
}

async function writeBatch(relative: string, value: unknown): Promise<vscode.Uri> {
  const file = path.join(workspaceRoot(), relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return vscode.Uri.file(file);
}

async function diagnosticsOf(uri: vscode.Uri, until: (d: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  for (let waited = 0; waited < 15_000; waited += 100) {
    const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Foundry Mockups');
    if (until(found)) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Foundry Mockups');
}

describe('Run Batch and Estimate Batch Cost (real VS Code host, Foundry emulator)', function () {
  this.timeout(180_000);
  let api: FoundryMockupsApi;
  let ui: RecordingUi;
  let emulator: Emulator;

  before(async () => {
    api = await activateExtension(vscode);
    // A small quota so that the run meets HTTP 429s and has to pace itself.
    emulator = await startEmulator({ apiKey: 'emulator-key-batch-0123456789abcdef', quota: { images: 4, windowMs: 400 } });
    await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: 'apiKey' });
    await vscode.commands.executeCommand('foundryMockups.setApiKey', emulator.apiKey);
    const config = vscode.workspace.getConfiguration('foundryMockups');
    await config.update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
    await config.update('batch.concurrency', 3, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    api.setUserInterface(undefined);
    await emulator.close();
    // Leave no estimate preview open for the suites that follow.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  beforeEach(() => {
    ui = new RecordingUi();
    api.setUserInterface(ui);
    emulator.reset();
  });

  it('runs a localised batch through runBatch under the rate limit and faults; a rerun sends nothing', async () => {
    const uri = await writeBatch('campaigns/launch.mockups.json', {
      defaults: { quality: 'low' },
      locales: { ar: { strings: ['ابدأ الآن'] }, ja: { strings: ['今すぐ始める'] } },
      assets: [
        { id: 'welcome', prompt: 'Welcome screen of a fitness app', sizes: ['iphone-16', '1024x1024'] },
        { id: 'promo', prompt: 'Promotion card', sizes: ['og-image'], variants: 2, output: '{locale}/{id}-{preset}-v{variant}' },
      ],
    });
    emulator.inject([{ type: 'status', status: 500 }, { type: 'delay', ms: 0 }, { type: 'reset' }, { type: 'rateLimit', retryAfterMs: 100 }]);
    const result = await vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri);
    assert.ok(result, `the run returned its report; messages: ${JSON.stringify(ui.messages)}`);
    assert.deepEqual([result.report.summary.jobs, result.report.summary.done, result.report.summary.failed], [8, 8, 0]);
    assert.ok(emulator.requests.some((r) => r.status === 429), 'the quota was met');
    const out = path.join(workspaceRoot(), 'campaigns/mockups/launch');
    for (const name of ['welcome-iphone-16-ar.png', 'welcome-iphone-16-ja.png', 'welcome-1024x1024-ar.png', 'ar/promo-og-image-v1.png', 'ja/promo-og-image-v2.png', 'launch.report.json', 'launch.report.md']) {
      assert.ok(existsSync(path.join(out, name)), `${name} was written`);
    }
    const sidecar = JSON.parse(await fs.readFile(path.join(out, 'welcome-iphone-16-ar.png.mockup.json'), 'utf8')) as { batch: { file: string; assetId: string }; prompt: { sent: string }; fingerprint: string };
    assert.deepEqual(sidecar.batch, { file: 'campaigns/launch.mockups.json', assetId: 'welcome' });
    assert.match(sidecar.prompt.sent, /ابدأ الآن/);
    assert.match(sidecar.prompt.sent, /right to left/);
    assert.ok(ui.messages.some((m) => m.severity === 'info' && /Batch launch: 8 done, 0 skipped/.test(m.message) && m.items.includes('Open Report')));
    assert.match(await fs.readFile(path.join(out, 'launch.report.md'), 'utf8'), /<img src="ar\/promo-og-image-v1\.png"/);

    emulator.reset();
    const again = await vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri);
    assert.deepEqual([again?.report.summary.skipped, again?.report.summary.done], [8, 0]);
    assert.equal(emulator.requests.length, 0, 'a rerun sends no request for jobs already done');

    const estimate = await vscode.commands.executeCommand<EstimateBatchResult | undefined>('foundryMockups.estimateBatch', uri);
    assert.ok(estimate);
    assert.deepEqual([estimate.jobs, estimate.toSend], [8, 0]);
    assert.match(estimate.markdown, /\| `welcome\/iphone-16\/ar\/v1` \| 1179x2556 \|/);
    assert.equal(emulator.requests.length, 0, 'estimating sends nothing');
  });

  it('lists semantic problems of a batch file in the Problems panel, refuses to run it, and clears them when fixed', async () => {
    const text = [
      '{',
      '  "assets": [',
      '    { "id": "a", "prompt": "Cart", "sizes": ["iphone-99"] },',
      '    { "id": "b", "prompt": "Cart", "sizes": ["1024x1024", "1536x1024"], "output": "same" },',
      '    { "id": "c", "prompt": "Cart", "sizes": ["1024x1024"], "output": "../../../../outside/{id}" },',
      '    { "id": "d", "prompt": "Cart", "sizes": ["1024x1024"], "edit": { "image": "missing.png" } }',
      '  ]',
      '}',
    ].join('\n');
    const uri = await writeBatch('campaigns/broken.mockups.json', text);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const found = await diagnosticsOf(uri, (d) => d.length >= 4);
    const line = (pattern: RegExp): number | undefined => found.find((d) => pattern.test(d.message))?.range.start.line;
    assert.equal(line(/Unknown preset id: "iphone-99"/), 2, JSON.stringify(found.map((d) => d.message)));
    assert.equal(line(/gives "same" for both/), 3);
    assert.equal(line(/escapes the output folder/), 4);
    assert.equal(line(/image to edit "missing.png" does not exist/), 5);
    assert.ok(found.every((d) => d.severity === vscode.DiagnosticSeverity.Error));

    const driver = pageDriver();
    if (driver) {
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await driver.waitFor('.markers-panel', { timeoutMs: 10_000 });
      const rows = await driver.texts('.markers-panel .monaco-list-row');
      assert.ok(rows.some((r) => /iphone-99/.test(r)), `the Problems panel shows the problem: ${rows.join(' | ')}`);
      await driver.screenshot('batch-problems-panel');
    }

    const result = await vscode.commands.executeCommand('foundryMockups.runBatch', uri);
    assert.equal(result, undefined);
    assert.equal(emulator.requests.length, 0, 'nothing is sent for a batch file with problems');
    assert.match(ui.errors().at(-1)?.message ?? '', /has 4 problem\(s\), so nothing was sent/);

    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), JSON.stringify({ assets: [{ id: 'a', prompt: 'Cart', sizes: ['iphone-16'] }] }, null, 2));
    await vscode.workspace.applyEdit(edit);
    await document.save();
    assert.deepEqual(await diagnosticsOf(uri, (d) => d.length === 0), [], 'fixed problems leave the panel');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
