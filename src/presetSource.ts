import * as vscode from 'vscode';
import { DESIGN_SYSTEM_FILE, formatProblem, loadPresetCatalogue, type PresetCatalogue } from './core/sizes/designSystem';
import type { Services } from './services';

let lastReported = '';

/**
 * The preset catalogue: built-in presets, the workspace's `.vscode/mockups.json` and the user's
 * `foundryMockups.presets` setting. Problems (duplicate ids, malformed entries) are logged and
 * shown once, naming the file and the entry.
 */
export async function loadPresets(services: Services): Promise<PresetCatalogue> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  let workspace: { text: string; fileLabel: string } | undefined;
  if (folder) {
    const uri = vscode.Uri.joinPath(folder.uri, DESIGN_SYSTEM_FILE);
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      workspace = { text: new TextDecoder().decode(bytes), fileLabel: DESIGN_SYSTEM_FILE };
    } catch {
      // no design-system file in this workspace
    }
  }
  const catalogue = loadPresetCatalogue({ ...(workspace ? { workspace } : {}), user: vscode.workspace.getConfiguration('foundryMockups').get('presets') });
  const report = catalogue.problems.map(formatProblem).join('\n');
  if (report && report !== lastReported) {
    lastReported = report;
    for (const line of report.split('\n')) services.log.warn(`Presets: ${line}`);
    void services.ui.showWarningMessage(vscode.l10n.t('Some presets could not be loaded: {0}', catalogue.problems.map(formatProblem)[0]));
  }
  return catalogue;
}
