// UI tests in the real workbench (Chromium): Generate Mockup... from the command palette with the
// keyboard, and Generate Mockup Here... from the Explorer's context menu; the files are then found
// on disk. Runs only in the offline host, which opens the page-action bridge.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FoundryMockupsApi } from '../../src/extension';
import { readImageInfo } from '../../src/core/image';
import { type Emulator, startEmulator } from '../emulator/server';
import { describeUi, type PageDriver } from './driver';
import { activateExtension } from './testUi';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

/** Moves the quick pick's focus down with the keyboard to the row containing `text`, and checks it with Space. */
async function checkRow(driver: Driver, text: string): Promise<void> {
  for (let i = 0; i < 8; i++) {
    await driver.press('ArrowDown');
    const focused = await driver.text(`${ROWS}.focused`);
    if (focused.includes(text)) {
      await driver.press('Space');
      await driver.waitFor(`${ROWS}.focused[aria-checked="true"]`);
      return;
    }
  }
  throw new Error(`no quick pick row with "${text}" reached with the arrow keys`);
}

type Driver = PageDriver;

/**
 * Answers the Generate Mockup quick inputs with the keyboard: the prompt, one preset (filtered,
 * reached with the arrow keys and checked with Space), low quality, one variant, and the folder
 * when the flow asks for one.
 */
async function answerGenerateFlow(driver: Driver, answers: { prompt: string; preset: string; folder?: string; screenshot?: string }): Promise<void> {
  const step = (title: RegExp): Promise<void> => driver.waitFor(`${QUICK_INPUT} .quick-input-title >> text=${String(title)}`);
  await step(/prompt/);
  await driver.press('Control+A');
  await driver.type(answers.prompt);
  await driver.press('Enter');
  await step(/sizes/);
  await driver.type(answers.preset);
  await driver.waitFor(`${ROWS}[aria-label*="${answers.preset}"]`);
  await checkRow(driver, answers.preset);
  if (answers.screenshot) await driver.screenshot(answers.screenshot);
  await driver.press('Enter');
  await step(/quality/);
  await driver.type('low');
  await driver.press('Enter');
  await step(/variants/);
  await driver.type('1');
  await driver.press('Enter');
  if (answers.folder !== undefined) {
    await step(/folder/);
    await driver.press('Control+A');
    await driver.type(answers.folder);
    await driver.press('Enter');
  }
}

/**
 * Chooses a context-menu entry with the keyboard (from the bottom, where the extension's group
 * is), checking the focused entry's text before Enter: a click can land while the menu is still
 * fading in, and VS Code ignores it then.
 */
async function chooseMenuItem(driver: Driver, label: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await driver.press('ArrowUp');
    if ((await driver.text('.context-view .action-item.focused')).trim() === label) {
      await driver.press('Enter');
      return;
    }
  }
  throw new Error(`no context menu entry "${label}" reached with the arrow keys`);
}

async function waitForFiles(folder: string, predicate: (files: string[]) => boolean, what: string): Promise<string[]> {
  for (let i = 0; i < 300; i++) {
    const files = await fs.readdir(folder).catch(() => [] as string[]);
    if (predicate(files)) return files.sort();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what} in ${folder}`);
}

describeUi('Generate Mockup in the workbench UI (Chromium)', function (driver) {
  this.timeout(120_000);
  let api: FoundryMockupsApi;
  let emulator: Emulator;
  let root: string;

  before(async () => {
    api = await activateExtension(vscode);
    api.setUserInterface(undefined); // the real quick inputs and notifications
    root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    emulator = await startEmulator({ apiKey: 'ui-emulator-key-0123456789abcdef01' });
    await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: 'apiKey' });
    await vscode.commands.executeCommand('foundryMockups.setApiKey', emulator.apiKey);
    await vscode.workspace.getConfiguration('foundryMockups').update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  after(async () => {
    await driver.press('Escape').catch(() => undefined);
    await emulator?.close();
  });

  it('runs Generate Mockup... from the command palette with the keyboard and writes the files', async () => {
    const folder = 'mockups/palette';
    await driver.waitFor('.monaco-workbench', { timeoutMs: 30_000 });
    await driver.press('F1');
    await driver.waitFor(QUICK_INPUT_BOX);
    await driver.type('Mockups: Generate Mockup...');
    await driver.waitFor(`${ROWS}[aria-label*="Generate Mockup..."]`);
    await driver.press('Enter');

    await answerGenerateFlow(driver, { prompt: 'Settings screen with dark mode toggle', preset: 'og-image', folder, screenshot: 'generate-palette-sizes' });

    // The sidecar is written first (it is the group's manifest): the run is done when it says so.
    await driver.waitFor('.notification-toast >> text=/Generated 1 mockup in/', { timeoutMs: 20_000 });
    await driver.screenshot('generate-palette-done');
    const files = await waitForFiles(path.join(root, folder), (f) => f.some((n) => n.endsWith('.mockup.json')), 'the sidecar');
    assert.deepEqual(files, [
      'settings-screen-dark-mode-toggle-og-image.original.png',
      'settings-screen-dark-mode-toggle-og-image.png',
      'settings-screen-dark-mode-toggle-og-image.png.mockup.json',
    ]);
    const info = await readImageInfo(await fs.readFile(path.join(root, folder, 'settings-screen-dark-mode-toggle-og-image.png')));
    assert.deepEqual([info.width, info.height], [1200, 630]);
    await driver.waitFor('.notification-toast >> text=/Generating mockups/', { state: 'hidden', timeoutMs: 15_000 });
  });

  it('runs Generate Mockup Here... from the Explorer context menu of a folder', async () => {
    const folder = 'designs';
    await fs.mkdir(path.join(root, folder), { recursive: true });
    await vscode.commands.executeCommand('workbench.view.explorer');
    await vscode.commands.executeCommand('workbench.files.action.refreshFilesExplorer');
    const row = `.explorer-folders-view .monaco-list-row[aria-label="${folder}"]`;
    await driver.waitFor(row, { timeoutMs: 20_000 });
    await driver.rightClick(row);
    const item = '.context-view .action-item >> text="Generate Mockup Here..."';
    await driver.waitFor(item);
    await driver.screenshot('generate-here-context-menu');
    await chooseMenuItem(driver, 'Generate Mockup Here...');

    await answerGenerateFlow(driver, { prompt: 'Empty inbox illustration', preset: 'instagram-square' });

    // The image lands by rename once it is complete; the sidecar was written before it.
    const files = await waitForFiles(path.join(root, folder), (f) => f.includes('empty-inbox-illustration-instagram-square.png'), 'the image');
    assert.ok(files.includes('empty-inbox-illustration-instagram-square.png.mockup.json'), JSON.stringify(files));
    const info = await readImageInfo(await fs.readFile(path.join(root, folder, 'empty-inbox-illustration-instagram-square.png')));
    assert.deepEqual([info.width, info.height], [1080, 1080]);
  });

  it('cancels from the progress notification: the request is aborted and nothing is written', async () => {
    const folder = 'mockups/cancelled';
    await vscode.commands.executeCommand('notifications.clearAll');
    const cancel = '.notification-toast .monaco-button >> text="Cancel"';
    // The progress of the previous test's request may still be closing: its Cancel is not this one's.
    await driver.waitFor(cancel, { state: 'hidden', timeoutMs: 20_000 });
    emulator.inject({ type: 'delay', ms: 20_000 });
    const running = vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Slow hero banner', sizes: ['og-image'], folder, quality: 'low' });
    await driver.waitFor(cancel, { timeoutMs: 20_000 });
    await driver.screenshot('generate-progress-cancel');
    await driver.click(cancel);
    await assert.rejects(Promise.resolve(running), (error: Error & { kind?: string }) => error.kind === 'cancelled');
    await vscode.commands.executeCommand('notifications.showList');
    await driver.screenshot('generate-cancelled');
    await driver.waitFor('.notifications-center >> text=/cancelled; nothing was written/', { timeoutMs: 10_000 });
    await vscode.commands.executeCommand('notifications.hideList');
    assert.deepEqual(await fs.readdir(path.join(root, folder)).catch(() => []), [], 'nothing was written');
  });

  it('shows a rate-limited retry in the progress notification, counting down, and then writes the image', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    emulator.inject({ type: 'rateLimit', retryAfterMs: 4000 });
    const running = vscode.commands.executeCommand<vscode.Uri[]>('foundryMockups.generate', { prompt: 'Rate limited pricing page', sizes: ['1024x1024'], folder: 'mockups/paced', quality: 'low' });
    const seen = new Set<string>();
    const seconds = (): Set<string> => new Set([...seen].map((t) => /retrying in (\d) s/.exec(t)?.[1]).filter((x): x is string => !!x));
    for (let waited = 0; waited < 8000 && seconds().size < 2; waited += 250) {
      for (const text of await driver.texts('.notifications-toasts .notification-list-item-message').catch(() => [])) seen.add(text);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok([...seen].some((t) => /rate limited, retrying in [1-4] s \(attempt 2 of \d\)/.test(t)), `the notification shows the retry: ${[...seen].join(' | ')}`);
    assert.ok(seconds().size >= 2, `the wait counts down: ${[...seconds()].join(', ')} s seen`);
    const uris = await running;
    assert.equal(uris.length, 1, 'then the image is written');
  });

  it("offers Refine Image... and Open Studio on an image's context menu, and opens the Studio with it selected", async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.join(root, 'designs', 'empty-inbox-illustration-instagram-square.png')));
    const row = '.explorer-folders-view .monaco-list-row[aria-label="empty-inbox-illustration-instagram-square.png"]';
    await driver.waitFor(row, { timeoutMs: 20_000 });
    await driver.rightClick(row);
    await driver.waitFor('.context-view .action-item >> text="Refine Image..."');
    const open = '.context-view .action-item >> text="Open Studio"';
    await driver.waitFor(open);
    await driver.screenshot('image-context-menu');
    // The menu itself (not the workbench around it) against its baseline: every entry, in order,
    // with the extension's group at the bottom.
    await driver.matchScreenshot('explorer-image-context-menu', '.context-view .monaco-menu');
    await chooseMenuItem(driver, 'Open Studio');
    const selected = await waitUntil(() =>
      api.studio.current()?.posted.find((m) => m.type === 'selected' && m.item.file === 'designs/empty-inbox-illustration-instagram-square.png'),
    );
    assert.ok(selected, 'the Studio opened with the image selected for refining');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

async function waitUntil<T>(probe: () => T | undefined): Promise<T | undefined> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
