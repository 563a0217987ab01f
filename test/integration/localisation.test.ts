// Foundry Mockups with VS Code's display language set to Japanese: the run `npm run test:integration`
// makes after the English one (code-server `--locale ja`, see test/host/runHostTests.ts), with only
// this suite. What a Japanese user sees: the command palette, a notification and the Studio page in
// the extension's Japanese bundles. The workbench's own strings stay English (no language pack is
// installed offline); only the extension's l10n/ and package.nls.ja.json are Japanese.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FoundryMockupsApi } from '../../src/extension';
import { LOCALISATION_SUITE, TEST_LOCALE_ENV } from '../host/config';
import { describeUi, type PageDriver } from './driver';
import { activateExtension, until } from './testUi';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
const W = { frame: 'webview' as const, timeoutMs: 20_000 };

// Declared by the Japanese run only (TEST_LOCALE_ENV): the English run leaves it out.
if (process.env[TEST_LOCALE_ENV] === 'ja') {
  describeUi(LOCALISATION_SUITE, function (driver: PageDriver) {
    this.timeout(120_000);
    const d = driver;
    let api: FoundryMockupsApi;

    before(async () => {
      api = await activateExtension(vscode);
      await d.waitFor('.monaco-workbench', { timeoutMs: 30_000 });
    });
    afterEach(async () => {
      await d.press('Escape').catch(() => undefined);
    });
    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('runs with Japanese as VS Code\'s display language, and the extension\'s strings come from its Japanese bundle', () => {
      assert.equal(vscode.env.language, 'ja');
      assert.match(vscode.l10n.uri?.path ?? '', /\/l10n\/bundle\.l10n\.ja\.json$/);
      assert.equal(vscode.l10n.t('Generate'), '生成');
      assert.equal(vscode.l10n.t('{0}: {1} ({2} variant(s))', 'og-image', '1200x630', 2), 'og-image: 1200x630 (バリエーション 2 個)');
    });

    it('lists the commands in the command palette with their Japanese titles', async () => {
      await d.press('F1');
      await d.waitFor(`${QUICK_INPUT} input`);
      await d.type('モックアップ: ');
      await d.waitFor(QUICK_INPUT_ROWS);
      const rows = await until('the Japanese command titles', async () => {
        const texts = await d.texts(QUICK_INPUT_ROWS);
        return texts.some((row) => row.includes('モックアップ: Studio を開く')) && texts;
      }, 15_000).catch(async (error: Error) => {
        throw new Error(`${error.message}; the palette shows ${JSON.stringify(await d.texts(QUICK_INPUT_ROWS))}`);
      });
      assert.ok(rows.some((row) => row.includes('モックアップ: モックアップの生成...')), JSON.stringify(rows));
      await d.screenshot('localisation-ja-command-palette');
      await d.press('Escape');
      await d.waitFor(QUICK_INPUT, { state: 'hidden' });
    });

    it('shows the notification of a command in Japanese', async () => {
      await vscode.commands.executeCommand('foundryMockups.clearApiKey');
      await d.waitFor('.notification-toast >> text=/Foundry Mockups: API キーは保存されていませんでした。/', { timeoutMs: 15_000 });
    });

    it('shows the Studio in Japanese: tabs, headings, buttons, and the page\'s language', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('foundryMockups.openStudio');
      const probe = await until('the Studio panel', () => api.studio.current());
      await d.waitFor('#generate', { ...W, timeoutMs: 60_000 });
      const init = await until('init', () => probe.posted.find((m) => m.type === 'init'));
      assert.equal(init.type === 'init' ? init.l10n.language : undefined, 'ja');
      assert.equal(await d.text('#generate', W), '生成');
      assert.equal(await d.text('#tab-create', W), '作成');
      assert.equal(await d.text('#tab-history', W), '履歴');
      assert.equal(await d.text('#h-sizes', W), 'サイズ');
      assert.equal(await d.text('#h-options', W), 'オプション');
      assert.equal(await d.text('.results-area .empty p', W), '左側で作成して [生成] を押してください。画像はワークスペースに保存され、それぞれに内容を記録したサイドカーが付きます。');
      // Strings the app builds before init arrives come from the bundle the host embedded in the page.
      await d.waitFor('textarea#prompt[placeholder^="画面、コンポーネント"]', W);
      await d.waitFor('html[lang="ja"]', W);
      await d.screenshot('localisation-ja-studio');
    });
  });
} else {
  console.log(`Localisation suite left out (it runs in the Japanese run, with ${TEST_LOCALE_ENV}=ja)`);
}
