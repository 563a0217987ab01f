/**
 * Reads a batch file in the workspace and checks it with the core, with what only the extension
 * knows: the workspace folder (the root outputs must stay inside), the preset catalogue, the
 * workspace design system, the companion folder setting and the model family of the connection.
 */
import * as vscode from 'vscode';
import type { ParsedBatch } from '../core/batch/parse';
import { configuredModel } from '../host/connection';
import { companionFolder } from '../host/generation';
import { loadPresets } from '../host/presets';
import type { Services } from '../host/services';

export { configuredModel };

/** The text of the batch file: the open editor's (unsaved edits included), else the file's. */
export async function batchText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

export async function parseBatchFile(services: Services, uri: vscode.Uri, text?: string): Promise<ParsedBatch & { folder: vscode.WorkspaceFolder }> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder || uri.scheme !== 'file') {
    throw new Error(vscode.l10n.t('{0} is not in an open workspace folder: batch files write into the workspace they are in.', uri.fsPath || uri.toString()));
  }
  const [{ parseBatch }, { localFiles }] = await Promise.all([import('../core/batch/parse.js'), import('../core/batch/expand.js')]);
  const [catalogue, { design }] = await Promise.all([loadPresets(services), services.design.get()]);
  const companion = companionFolder();
  const parsed = parseBatch(text ?? (await batchText(uri)), {
    batchFile: uri.fsPath,
    root: folder.uri.fsPath,
    model: configuredModel(),
    presets: (id) => catalogue.find(id),
    ...localFiles,
    ...(design ? { designSystem: design } : {}),
    ...(companion ? { companionFolder: companion } : {}),
  });
  return { ...parsed, folder };
}

/** The batch file a command acts on: the explorer's selection, else one picked from the workspace. */
export async function chooseBatchFile(services: Services, arg: unknown, title: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return vscode.Uri.file(arg);
  const active = vscode.window.activeTextEditor?.document.uri;
  const files = await vscode.workspace.findFiles('**/*.mockups.json', '**/node_modules/**', 500);
  if (files.length === 0) {
    void services.ui.showWarningMessage(vscode.l10n.t('No batch file (*.mockups.json) in this workspace. Create one, such as campaign.mockups.json; its schema offers completion.'));
    return undefined;
  }
  files.sort((a, b) => Number(b.toString() === active?.toString()) - Number(a.toString() === active?.toString()) || a.fsPath.localeCompare(b.fsPath));
  const picked = await services.ui.pickOne(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title, placeHolder: vscode.l10n.t('Pick a batch file') },
  );
  return picked?.uri;
}
