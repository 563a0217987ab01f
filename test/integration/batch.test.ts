import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunBatchResult } from '../../src/commands/runBatch';
import type { EstimateBatchResult } from '../../src/commands/estimateBatch';
import type { FoundryMockupsApi } from '../../src/extension';
import { type Emulator, startEmulator } from '../emulator/server';
import { pageDriver } from './driver';
import { activateExtension, RecordingUi } from './testUi';

const cli = path.resolve(__dirname, '../../../dist/cli.js');

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

  it('Estimate Batch Cost previews a read-only document: nothing is left dirty or Untitled, and closing the preview asks nothing', async () => {
    const uri = await writeBatch('campaigns/estimate-only.mockups.json', { defaults: { quality: 'low' }, assets: [{ id: 'card', prompt: 'Promotion card', sizes: ['og-image', '1024x1024'] }] });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const estimate = await vscode.commands.executeCommand<EstimateBatchResult | undefined>('foundryMockups.estimateBatch', uri);
    assert.ok(estimate);
    assert.equal(estimate.jobs, 2);
    const previewTab = (): vscode.Tab | undefined =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType));
    for (let waited = 0; !previewTab() && waited < 15_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const tab = previewTab();
    assert.ok(tab, `the Markdown preview is open: ${vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', ')}`);
    // No Untitled document, nothing dirty.
    const documents = vscode.workspace.textDocuments;
    assert.deepEqual(documents.filter((d) => d.isDirty).map((d) => d.uri.toString()), [], 'no dirty document');
    assert.deepEqual(documents.filter((d) => d.uri.scheme === 'untitled').map((d) => d.uri.toString()), [], 'no Untitled document');
    assert.match(tab.label, /estimate-only\.estimate\.md/);
    // The previewed document is ours, read-only Markdown holding the estimate.
    const shown = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'foundry-mockups', path: '/campaigns/estimate-only.estimate.md' }));
    assert.equal(shown.getText(), estimate.markdown);
    assert.equal(shown.languageId, 'markdown');
    assert.equal(shown.isDirty, false);
    const driver = pageDriver();
    if (driver) {
      // The preview renders the estimate's table.
      // The preview's own content (other webviews of earlier suites may still be in the page).
      const rendered = await driver.text('table:has-text("card/og-image")', { frame: 'webview', timeoutMs: 20_000 }).catch(() => '');
      assert.match(rendered, /card\/og-image/, `the preview shows the estimate: ${rendered.slice(0, 300)}`);
    }
    // Closing asks nothing: the close completes, and no editor or dirty document is left.
    assert.equal(await vscode.window.tabGroups.close(tab), true);
    assert.equal(previewTab(), undefined);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isDirty));
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

  it('a broken answer from the service is a failed job with the request id: nothing written, the job sent again next time', async () => {
    const uri = await writeBatch('campaigns/faults.mockups.json', {
      defaults: { quality: 'low' },
      assets: [
        { id: 'cut', prompt: 'Order history [fault:truncatedImage]', sizes: ['1024x1024'] },
        { id: 'html', prompt: 'Order detail [fault:notImage]', sizes: ['1200x630'] },
        { id: 'fine', prompt: 'Order tracking [fault:malformedJson x1]', sizes: ['1024x1024'] },
        { id: 'b64', prompt: 'Order receipt [fault:badBase64]', sizes: ['1024x1024'] },
        { id: 'echo', prompt: 'Order map [fault:echoKey]', sizes: ['1024x1024'] },
        { id: 'echofail', prompt: 'Order chat [fault:echoKey:400]', sizes: ['1024x1024'] },
      ],
    });
    const result = await vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri);
    assert.ok(result, JSON.stringify(ui.messages));
    const [cut, html, fine, b64, echo, echofail] = result.report.jobs;
    assert.deepEqual([cut.status, cut.errorKind, html.status, html.errorKind, fine.status], ['failed', 'invalidResponse', 'failed', 'invalidResponse', 'done']);
    assert.deepEqual([b64.status, b64.errorKind], ['failed', 'invalidResponse']);
    assert.match(b64.reason ?? '', /base64/);
    assert.deepEqual([echo.status, echofail.status], ['done', 'failed'], 'a key echoed in the headers does not fail the job; a 400 does');
    assert.match(cut.reason ?? '', /answered, but the answer was broken: the PNG is cut short.*\(request id [0-9a-f-]{36}\)$/);
    assert.match(html.reason ?? '', /bytes are not an image/);
    assert.equal(fine.attempts, 2, 'the malformed 200 was retried');
    assert.equal(result.report.summary.requests, emulator.requests.length, 'the report counts what the service received');
    assert.equal(result.report.jobs.reduce((sum, j) => sum + j.attempts, 0), emulator.requests.length);
    const out = path.join(workspaceRoot(), 'campaigns/mockups/faults');
    const files = (await fs.readdir(out)).filter((f) => !f.includes('.report.')).sort();
    assert.deepEqual(files, ['echo-1024x1024.png', 'echo-1024x1024.png.mockup.json', 'fine-1024x1024.png', 'fine-1024x1024.png.mockup.json'], 'nothing of the broken answers is on disk');
    assert.ok(ui.messages.some((m) => m.severity === 'warning' && /Batch faults: 2 done, 0 skipped \(already done\), 4 failed/.test(m.message)));
    // The key the service echoed reaches no report, sidecar, result, message or log line.
    const key = emulator.apiKey;
    for (const file of await fs.readdir(out)) assert.ok(!(await fs.readFile(path.join(out, file), 'utf8').catch(() => '')).includes(key), `${file} holds no key`);
    assert.ok(!JSON.stringify(result).includes(key), 'the command result holds no key');
    assert.ok(!JSON.stringify(ui.messages).includes(key), 'no message shows the key');
    const log = await fs.readFile(path.join(api.logUri.fsPath, 'Foundry Mockups.log'), 'utf8').catch(() => '');
    assert.ok(!log.includes(key), 'the log holds no key');

    emulator.reset();
    const again = await vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri);
    assert.deepEqual(again?.report.jobs.map((j) => j.status), ['failed', 'failed', 'skipped', 'failed', 'skipped', 'failed'], 'a failed job is not done: it is sent again');
    assert.deepEqual(again?.report.runs.map((r) => r.done), [2, 0], 'the report keeps the first run in its history');
  });

  it('sends the workspace design system with every job and an anchor\'s image with every job that waits for it', async () => {
    const config = vscode.workspace.getConfiguration('foundryMockups');
    await writeBatch('campaigns/brand/brand.tokens.json', { color: { primary: { $type: 'color', $value: '#C2410C' } }, font: { body: { $type: 'fontFamily', $value: 'Manrope' } } });
    await config.update('styleGuide', 'campaigns/brand/brand.tokens.json', vscode.ConfigurationTarget.Workspace);
    try {
      const uri = await writeBatch('campaigns/anchored.mockups.json', {
        anchor: 'home',
        defaults: { quality: 'low' },
        assets: [
          { id: 'home', prompt: 'Home screen of a travel app', sizes: ['1024x1024', '1536x1024'] },
          { id: 'trips', prompt: 'Trips list of a travel app', sizes: ['1024x1024'] },
        ],
      });
      const result = await vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri);
      assert.ok(result, JSON.stringify(ui.messages));
      assert.deepEqual(result.report.jobs.map((j) => j.status), ['done', 'done', 'done']);
      const sent = emulator.requests.filter((r) => r.status === 200);
      assert.equal(sent.length, 3);
      for (const request of sent) {
        assert.match(String(request.body?.['prompt']), /#c2410c/i, 'the colour reaches the service');
        assert.match(String(request.body?.['prompt']), /Manrope/, 'the font family reaches the service');
      }
      assert.deepEqual(sent.map((r) => r.operation), ['generations', 'edits', 'edits'], 'the anchor first, then the jobs that wait for it');
      const out = path.join(workspaceRoot(), 'campaigns/mockups/anchored');
      const anchor = await fs.readFile(path.join(out, 'home-1024x1024.png'));
      for (const request of sent.slice(1)) assert.ok(request.files.some((f) => f.bytes.equals(anchor)), 'the anchor image is sent as a reference');
      const sidecar = JSON.parse(await fs.readFile(path.join(out, 'trips-1024x1024.png.mockup.json'), 'utf8')) as { prompt: { styleGuide: string }; lineage: { anchor: { file: string } } };
      assert.equal(sidecar.lineage.anchor.file, 'campaigns/mockups/anchored/home-1024x1024.png');
      assert.equal(sidecar.prompt.styleGuide, 'campaigns/brand/brand.tokens.json');
      // The run report as a user opens it (Open Report): a picture for the README (npm run pictures).
      const driver = pageDriver();
      const markdown = result.reportFiles.find((f) => f.endsWith('.md'));
      if (driver && markdown) {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(markdown));
        await driver.waitFor('.webview.ready', { timeoutMs: 20_000 }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await driver.screenshot('batch-report');
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      }
    } finally {
      await config.update('styleGuide', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('shows a rate-limit wait in the progress notification, counting down, and then goes on', async () => {
    const uri = await writeBatch('campaigns/paced.mockups.json', { defaults: { quality: 'low' }, assets: [{ id: 'paced', prompt: 'Pricing page', sizes: ['1024x1024'] }] });
    emulator.inject({ type: 'rateLimit', retryAfterMs: 4000 });
    const running = vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri);
    const driver = pageDriver();
    if (driver) {
      const seen: string[] = [];
      for (let waited = 0; waited < 8000 && !seen.some((t) => /rate limited, pausing every request for [1-4] s/.test(t)); waited += 250) {
        seen.push(...(await driver.texts('.notifications-toasts .notification-list-item-message').catch(() => [])));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(seen.some((t) => /0 of 1 .*rate limited, pausing every request for [1-4] s/.test(t)), `the notification shows the wait: ${[...new Set(seen)].join(' | ')}`);
      // It counts down: a 4 s wait is shown as more than one number of seconds.
      for (let waited = 0; waited < 4000 && new Set(seen.map((t) => /for (\d) s/.exec(t)?.[1]).filter(Boolean)).size < 2; waited += 250) {
        seen.push(...(await driver.texts('.notifications-toasts .notification-list-item-message').catch(() => [])));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const seconds = new Set(seen.map((t) => /for (\d) s/.exec(t)?.[1]).filter(Boolean));
      assert.ok(seconds.size >= 2, `the wait counts down: ${[...seconds].join(', ')} s seen`);
    }
    const result = await running;
    assert.deepEqual(result?.report.jobs.map((j) => [j.status, j.attempts]), [['done', 2]]);
  });

  it('two Run Batch of one batch at once: the second is refused naming the first, every job is paid once', async () => {
    const uri = await writeBatch('campaigns/twice.mockups.json', { defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Loyalty card', sizes: ['1024x1024'], variants: 4 }] });
    emulator.inject({ type: 'delay', ms: 400 });
    const [first, second] = await Promise.all([
      vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri),
      new Promise((resolve) => setTimeout(resolve, 150)).then(() => vscode.commands.executeCommand<RunBatchResult | undefined>('foundryMockups.runBatch', uri)),
    ]);
    // Which one takes the lock first depends on the host's timing; exactly one runs.
    const ran = [first, second].filter((r) => r !== undefined);
    assert.equal(ran.length, 1, 'one run, one refusal');
    assert.equal(ran[0]?.report.summary.done, 4);
    const refused = ui.messages.find((m) => /Another run of campaigns\/twice\.mockups\.json is in progress/.test(m.message));
    assert.ok(refused, JSON.stringify(ui.messages.map((m) => m.message)));
    assert.equal(refused.severity, 'warning');
    assert.match(refused.message, /process \d+ on this machine, started .* from VS Code \(Run Batch\)/);
    assert.equal(emulator.requests.length, 4);
  });

  it('Run Batch refuses while the command-line tool runs the same batch, and asks above foundryMockups.batch.maxJobs', async () => {
    assert.ok(existsSync(cli), `${cli} exists`);
    const uri = await writeBatch('campaigns/shared.mockups.json', { defaults: { quality: 'low' }, assets: [{ id: 'a', prompt: 'Referral screen', sizes: ['1024x1024'], variants: 3 }] });
    const slow = await startEmulator({ apiKey: emulator.apiKey, latencyMs: 500 });
    try {
      const child = spawn(process.execPath, [cli, 'run', 'campaigns/shared.mockups.json', '--concurrency', '1'], {
        cwd: workspaceRoot(),
        env: { ...process.env, AZURE_OPENAI_ENDPOINT: slow.endpoint, AZURE_OPENAI_DEPLOYMENT: slow.deployment, AZURE_OPENAI_API_KEY: slow.apiKey, CI: 'true' },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      for (let waited = 0; slow.requests.length === 0 && waited < 30_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      const refused = await vscode.commands.executeCommand('foundryMockups.runBatch', uri);
      assert.equal(refused, undefined);
      assert.ok(ui.messages.some((m) => m.message.includes(`process ${String(child.pid)} on this machine`) && /from the command line/.test(m.message)), JSON.stringify(ui.messages.map((m) => m.message)));
      assert.equal(emulator.requests.length, 0, 'Run Batch sent nothing');
      assert.equal(await exited, 0);
      assert.equal(slow.requests.length, 3);
    } finally {
      await slow.close();
    }

    const config = vscode.workspace.getConfiguration('foundryMockups');
    await config.update('batch.maxJobs', 2, vscode.ConfigurationTarget.Global);
    try {
      const big = await writeBatch('campaigns/big.mockups.json', { defaults: { quality: 'low' }, assets: [{ id: 'b', prompt: 'Wishlist', sizes: ['1024x1024'], variants: 3 }] });
      ui.answerConfirm(false);
      assert.equal(await vscode.commands.executeCommand('foundryMockups.runBatch', big), undefined);
      assert.match(ui.confirmations.at(-1) ?? '', /This batch sends 3 requests, more than 2 in one run\..*foundryMockups\.batch\.maxJobs/);
      assert.equal(emulator.requests.length, 0, 'declined: nothing sent');
    } finally {
      await config.update('batch.maxJobs', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
