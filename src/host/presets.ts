import * as vscode from 'vscode';
import { PathOutsideRootError, PathRefusedError } from '../core/assets/paths';
import { DESIGN_SYSTEM_FILE, formatProblem, loadPresetCatalogue, type PresetCatalogue } from '../core/sizes/designSystem';
import type { Services } from './services';
import { setting } from './settings';
import { readWorkspaceFile } from './workspace';

let lastReported = '';

/**
 * The preset catalogue: built-in presets, the workspace's `.vscode/mockups.json` and the user's
 * `foundryMockups.presets` setting. Problems (duplicate ids, malformed entries) are logged and
 * shown once, naming the file and the entry.
 */
export async function loadPresets(services: Services): Promise<PresetCatalogue> {
  let workspace: { text: string; fileLabel: string } | undefined;
  let refused: string | undefined;
  if (vscode.workspace.workspaceFolders?.length) {
    try {
      const { bytes } = await readWorkspaceFile(DESIGN_SYSTEM_FILE);
      workspace = { text: new TextDecoder().decode(bytes), fileLabel: DESIGN_SYSTEM_FILE };
    } catch (error) {
      // No presets file in this workspace is the common case; one that leads outside is reported.
      if (error instanceof PathOutsideRootError || error instanceof PathRefusedError) refused = vscode.l10n.t('{0} is not read: {1}', DESIGN_SYSTEM_FILE, error.message);
    }
  }
  const catalogue = loadPresetCatalogue({ ...(workspace ? { workspace } : {}), user: setting('presets') });
  const problems = [...(refused ? [refused] : []), ...catalogue.problems.map(formatProblem)];
  const report = problems.join('\n');
  if (report && report !== lastReported) {
    lastReported = report;
    for (const line of report.split('\n')) services.log.warn(`Presets: ${line}`);
    void services.ui.showWarningMessage(vscode.l10n.t('Some presets could not be loaded: {0}', problems[0]));
  }
  return catalogue;
}
