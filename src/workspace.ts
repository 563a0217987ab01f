import * as path from 'node:path';
import * as vscode from 'vscode';
import { isInside, PathOutsideRootError, resolveInside } from './core/assets/paths';
import { isOriginalFileName } from './core/image/naming';

export interface WorkspacePath {
  readonly folder: vscode.WorkspaceFolder;
  readonly absolute: string;
  /** Relative to the workspace folder, with forward slashes. */
  readonly relative: string;
}

/**
 * Resolves a path the user or a script gave: absolute paths must lie inside one of the open
 * workspace folders; relative ones are taken from the first. Symbolic links that lead outside
 * are refused too.
 */
export function resolveWorkspacePath(requested: string): WorkspacePath {
  const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
  if (folders.length === 0) {
    throw new Error(vscode.l10n.t('Open a folder first: Foundry Mockups writes images into the workspace.'));
  }
  const folder = path.isAbsolute(requested) ? folders.find((f) => isInside(f.uri.fsPath, path.resolve(requested))) : folders[0];
  if (!folder) throw new PathOutsideRootError(requested, folders[0].uri.fsPath);
  const absolute = resolveInside(folder.uri.fsPath, requested);
  return { folder, absolute, relative: path.relative(folder.uri.fsPath, absolute).split(path.sep).join('/') };
}

/** png and jpeg files of the workspace, in any case of extension. */
export const IMAGE_GLOB = '**/*.{png,jpg,jpeg,PNG,JPG,JPEG}';

/**
 * The workspace's png and jpeg images (outside node_modules, at most `limit`), without the
 * service originals kept beside exact-size images (`*.original.png`): the images a user picks.
 */
export async function findWorkspaceImages(limit: number): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(IMAGE_GLOB, '**/node_modules/**', limit);
  return found.filter((uri) => !isOriginalFileName(uri.fsPath));
}
