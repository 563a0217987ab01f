/**
 * The folders a webview may load files from, kept to those that hold what it shows: a folder is
 * allowed for the images in it, and a folder inside an allowed one needs no entry of its own.
 * Source files, settings or secrets in other folders of the workspace stay out of its reach.
 */
import * as path from 'node:path';

export function isCovered(roots: readonly string[], file: string): boolean {
  return roots.some((root) => {
    const relative = path.relative(root, file);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  });
}

/** The smallest set of folders that covers `roots` and the folders of `files`. */
export function withFoldersOf(roots: readonly string[], files: readonly string[]): string[] {
  const candidates = [...roots, ...files.map((file) => path.dirname(file))].map((folder) => path.resolve(folder));
  // Shorter paths first, so that a parent is kept before its children are considered.
  const unique = [...new Set(candidates)].sort((a, b) => a.length - b.length || a.localeCompare(b));
  const result: string[] = [];
  for (const folder of unique) if (!isCovered(result, folder)) result.push(folder);
  return result;
}
