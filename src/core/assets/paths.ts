/**
 * Keeps every path the product writes or reads inside the folder the user chose.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

export class PathOutsideRootError extends Error {
  constructor(
    readonly requested: string,
    readonly root: string,
  ) {
    super(`The path "${requested}" is outside the workspace folder "${root}": choose a folder inside it.`);
    this.name = 'PathOutsideRootError';
  }
}

/**
 * Resolves `requested` (absolute, or relative to `root`) and checks that it stays inside `root`,
 * also after following symbolic links of the part that already exists. Returns the absolute path.
 */
export function resolveInside(root: string, requested: string): string {
  const absoluteRoot = path.resolve(root);
  const resolved = path.resolve(absoluteRoot, requested);
  if (!isInside(absoluteRoot, resolved)) throw new PathOutsideRootError(requested, absoluteRoot);
  const realRoot = realpathOrSelf(absoluteRoot);
  const realTarget = realpathOfExistingPrefix(resolved);
  if (!isInside(realRoot, realTarget)) throw new PathOutsideRootError(requested, absoluteRoot);
  return resolved;
}

export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function realpathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The real path of the longest existing prefix of `p`, with the rest appended. */
function realpathOfExistingPrefix(p: string): string {
  let existing = p;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return p;
      rest.unshift(path.basename(existing));
      existing = parent;
    }
  }
}
