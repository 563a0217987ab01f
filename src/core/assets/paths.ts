/**
 * The one path resolver: every path the product reads or writes (output folders and batch output
 * patterns, style guides and design-system files, edit images, masks, references, `--out`,
 * `.vscode/mockups.json`) goes through it. It keeps them inside the root the user chose (a
 * workspace folder; the CLI's working folder), also after following symbolic links: the real path
 * of the deepest part that already exists must be inside the root's real path. For writes it
 * refuses `.git/` and `node_modules/`, names with control or bidirectional-override characters,
 * and it gives names in Unicode NFC, so that two look-alike names cannot both be made.
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

/** A path the product will not write to, with the reason and the fix. */
export class PathRefusedError extends Error {
  constructor(
    readonly requested: string,
    reason: string,
  ) {
    super(`The path "${visible(requested)}" cannot be used: ${reason}`);
    this.name = 'PathRefusedError';
  }
}

export type PathPurpose = 'read' | 'write';

export interface ResolvedPath {
  readonly root: string;
  readonly absolute: string;
  /** Relative to the root, with forward slashes; '' for the root itself. */
  readonly relative: string;
}

/** Folders whose content belongs to tools, never to mockups. */
const PROTECTED_FOLDERS = ['.git', 'node_modules'];

/**
 * Control characters (C0, DEL, C1), bidirectional overrides, embeddings and isolates, and the
 * invisible marks that make one name look like another.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/** The unsafe character in `name`, described, or undefined. */
export function unsafeCharacterProblem(name: string): string | undefined {
  const match = UNSAFE_CHARACTERS.exec(name);
  if (!match) return undefined;
  const code = match[0].codePointAt(0) ?? 0;
  return `it contains the invisible character U+${code.toString(16).toUpperCase().padStart(4, '0')} (a control, bidirectional or zero-width character), which can make a name look like another: remove it.`;
}

/**
 * Resolves `requested` (absolute, or relative to `root`) and checks that it stays inside `root`,
 * also after following symbolic links. Returns the absolute path, NFC-normalised for writes.
 */
export function resolveInside(root: string, requested: string, purpose: PathPurpose = 'read'): string {
  return resolveIn(root, requested, purpose).absolute;
}

export function resolveIn(root: string, requested: string, purpose: PathPurpose = 'read'): ResolvedPath {
  if (typeof requested !== 'string') throw new PathRefusedError(String(requested), 'it is not a path.');
  const absoluteRoot = path.resolve(root);
  const text = purpose === 'write' ? requested.normalize('NFC') : requested;
  if (purpose === 'write') {
    const problem = unsafeCharacterProblem(text);
    if (problem) throw new PathRefusedError(requested, problem);
  }
  const resolved = path.resolve(absoluteRoot, text);
  if (!isInside(absoluteRoot, resolved)) throw new PathOutsideRootError(requested, absoluteRoot);
  const realRoot = realpathOrSelf(absoluteRoot);
  const realTarget = realpathOfExistingPrefix(resolved);
  if (!isInside(realRoot, realTarget)) throw new PathOutsideRootError(requested, absoluteRoot);
  const relative = path.relative(absoluteRoot, resolved).split(path.sep).join('/');
  if (purpose === 'write') {
    const segments = [...relative.split('/'), ...path.relative(realRoot, realTarget).split(path.sep)];
    const inside = PROTECTED_FOLDERS.find((folder) => segments.some((s) => s.toLowerCase() === folder));
    if (inside) throw new PathRefusedError(requested, `it is inside ${inside}/, which belongs to your tools: choose a folder outside it, such as mockups.`);
  }
  return { root: absoluteRoot, absolute: resolved, relative };
}

/** The first of `roots` that holds `requested` (relative paths: the first root), resolved there. */
export function resolveInRoots(roots: readonly string[], requested: string, purpose: PathPurpose = 'read'): ResolvedPath {
  if (roots.length === 0) throw new PathRefusedError(requested, 'no folder is open: open the folder the mockups belong to first.');
  const root = path.isAbsolute(requested) ? (roots.find((r) => isInside(path.resolve(r), path.resolve(requested))) ?? roots[0]) : roots[0];
  return resolveIn(root, requested, purpose);
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

/** A name as it can be shown: unsafe characters spelled out. */
function visible(text: string): string {
  return text.replace(new RegExp(UNSAFE_CHARACTERS.source, 'gu'), (c) => `<U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}>`);
}
