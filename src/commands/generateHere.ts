import * as vscode from 'vscode';
import { parseGenerateOptions } from '../core/options';
import type { Services } from '../host/services';
import { resolveWorkspacePath } from '../host/workspace';
import { askGenerateOptions, executeGenerate } from './shared/generation';
import { showFailure } from '../host/failure';

/**
 * Generate Mockup Here... on a folder in the explorer: the Generate flow with the folder fixed.
 * Scripts may pass the folder's Uri and an options object as the second argument.
 */
export async function run(services: Services, folder?: unknown, options?: unknown): Promise<vscode.Uri[] | undefined> {
  if (!(folder instanceof vscode.Uri)) {
    throw new Error(vscode.l10n.t('Generate Mockup Here... needs a folder: right-click a folder in the Explorer.'));
  }
  if (options !== undefined && !Array.isArray(options)) {
    return executeGenerate(services, { ...parseGenerateOptions(options), folder: folder.fsPath }, true);
  }
  let asked;
  try {
    const where = resolveWorkspacePath(folder.fsPath);
    asked = await askGenerateOptions(services, where.relative || '.');
  } catch (error) {
    await showFailure(services, error);
    return undefined;
  }
  return asked ? executeGenerate(services, asked, false) : undefined;
}
