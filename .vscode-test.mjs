// `npm run test:electron`: the same integration suite in VS Code desktop through @vscode/test-cli,
// for machines that can download VS Code. Offline, `npm run test:integration` runs it in
// code-server instead (test/host/runHostTests.ts).
import { defineConfig } from '@vscode/test-cli';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
// A fresh copy of the fixture for every run, so that tests may write into the workspace freely.
const workspaceFolder = join(root, '.vscode-test', 'workspace');
rmSync(workspaceFolder, { recursive: true, force: true });
cpSync(join(root, 'test', 'fixtures', 'workspace'), workspaceFolder, { recursive: true });

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  extensionDevelopmentPath: root,
  workspaceFolder,
  launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  // VS Code desktop has no page bridge: the UI suites are left out by name (test/integration/driver.ts).
  env: { FOUNDRY_MOCKUPS_NO_UI: '1' },
  mocha: {
    ui: 'bdd',
    color: false,
    timeout: 60000,
  },
});
