import * as vscode from 'vscode';
import { type PathPurpose, PathRefusedError, resolveInRoots } from '../core/assets/paths';
import { isCompanionFileName } from '../core/image/naming';

export interface WorkspacePath {
  readonly folder: vscode.WorkspaceFolder;
  readonly absolute: string;
  /** Relative to the workspace folder, with forward slashes. */
  readonly relative: string;
}

function fileFolders(): readonly vscode.WorkspaceFolder[] {
  return vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
}

/**
 * Resolves a path the user, a script, the Studio or an agent gave, through the core's one path
 * resolver: absolute paths must lie inside one of the open workspace folders, relative ones are
 * taken from the first, symbolic links that lead outside are refused, and paths to write are
 * refused inside .git/ and node_modules/ or with invisible characters in their names.
 */
export function resolveWorkspacePath(requested: string, purpose: PathPurpose = 'read'): WorkspacePath {
  const folders = fileFolders();
  if (folders.length === 0) {
    throw new PathRefusedError(requested, vscode.l10n.t('open a folder first: Foundry Mockups writes images into the workspace.'));
  }
  const resolved = resolveInRoots(folders.map((f) => f.uri.fsPath), requested, purpose);
  const folder = folders.find((f) => f.uri.fsPath === resolved.root) ?? folders[0];
  return { folder, absolute: resolved.absolute, relative: resolved.relative };
}

/** The workspace-relative form of an absolute path inside the workspace (forward slashes). */
export function workspaceRelative(absolute: string): string {
  return resolveWorkspacePath(absolute).relative;
}

/** png and jpeg files of the workspace, in any case of extension. */
export const IMAGE_GLOB = '**/*.{png,jpg,jpeg,PNG,JPG,JPEG}';

/**
 * The workspace's png and jpeg images (outside node_modules, at most `limit`), without the files
 * kept beside exact-size images (`*.original.png`, painted masks): the images a user picks.
 */
export async function findWorkspaceImages(limit: number): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(IMAGE_GLOB, '**/node_modules/**', limit);
  return found.filter((uri) => !isCompanionFileName(uri.fsPath));
}

/** Reads a workspace file through the resolver (links leading outside are refused). */
export async function readWorkspaceFile(requested: string): Promise<{ path: WorkspacePath; bytes: Uint8Array }> {
  const where = resolveWorkspacePath(requested, 'read');
  return { path: where, bytes: await vscode.workspace.fs.readFile(vscode.Uri.file(where.absolute)) };
}
