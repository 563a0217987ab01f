// The suite entry the extension host loads (extensionTestsPath): runs mocha over every compiled
// out/test/integration/**/*.test.js. Used by the offline host (test/host/runHostTests.ts); under
// `npm run test:electron` @vscode/test-cli runs the same files with its own entry.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Every `*.test.js` below `dir`, sorted so that runs are repeatable. */
export function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...findTestFiles(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.js')) {
      found.push(full);
    }
  }
  return found.sort();
}

/**
 * code-server 4.100's web workbench reads `workbench.colorTheme` from the pre-seeded settings but
 * stays on its unloaded start-up theme (Light+) until the setting changes. Re-applying the setting
 * through the configuration API makes the workbench show the chosen theme, so screenshots match it.
 */
async function applyConfiguredColorTheme(): Promise<void> {
  if (vscode.env.uiKind !== vscode.UIKind.Web) {
    return;
  }
  const config = vscode.workspace.getConfiguration('workbench');
  const wanted = config.inspect<string>('colorTheme')?.globalValue;
  if (!wanted) {
    return;
  }
  const kind = /high contrast light/i.test(wanted)
    ? vscode.ColorThemeKind.HighContrastLight
    : /high contrast/i.test(wanted)
      ? vscode.ColorThemeKind.HighContrast
      : /\blight\b/i.test(wanted)
        ? vscode.ColorThemeKind.Light
        : vscode.ColorThemeKind.Dark;
  await config.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
  await config.update('colorTheme', wanted, vscode.ConfigurationTarget.Global);
  // The theme loads asynchronously; give it a moment, without failing the run if it never comes.
  for (let waited = 0; waited < 3000 && vscode.window.activeColorTheme.kind !== kind; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function run(): Promise<void> {
  await applyConfiguredColorTheme().catch((error: unknown) => console.warn(`could not apply the colour theme: ${String(error)}`));
  await runMocha(__dirname);
}

/** Runs mocha over every `*.test.js` below `dir` inside the extension host; rejects when any fails. */
export async function runMocha(dir: string): Promise<void> {
  // Colour codes would garble the lines the driver streams from the page.
  // FOUNDRY_MOCKUPS_TEST_GREP runs only the matching tests (a focused run; CI leaves it unset).
  const grep = process.env.FOUNDRY_MOCKUPS_TEST_GREP || undefined;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec', grep });
  for (const file of findTestFiles(dir)) {
    mocha.addFile(file);
  }
  await new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) {
          reject(new Error(`${failures} test(s) failed`));
        } else {
          resolve();
        }
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
