/**
 * Atomic, never-overwriting writes. Each file is written in full to a temporary file in the same
 * folder, flushed, then published under its final name with a hard link, which fails instead of
 * replacing an existing file; the temporary file is removed either way. A crash leaves at worst a
 * hidden `.*.fmtmp` file, never a partial asset (`removeStaleTempFiles` cleans those up).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const TEMP_SUFFIX = '.fmtmp';
const MAX_ATTEMPTS = 1000;

export interface NamedBytes {
  /** A file name, or `folder/name` for a file in a sub-folder (one plain segment, never `..`). */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export class FileExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists and is never overwritten.`);
    this.name = 'FileExistsError';
  }
}

/** Writes `bytes` to `dir/name` atomically; throws FileExistsError if that name is taken. */
export async function writeFileAtomicExclusive(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const { folder, base } = splitName(name);
  const final = path.join(dir, folder, base);
  const temp = path.join(dir, folder, `.${base}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await publish(temp, final);
  } finally {
    await fs.rm(temp, { force: true });
  }
  return final;
}

async function publish(temp: string, final: string): Promise<void> {
  try {
    await fs.link(temp, final);
    return;
  } catch (error) {
    if (code(error) === 'EEXIST') throw new FileExistsError(final);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(code(error) ?? '')) throw error;
  }
  // File systems without hard links: reserve the name exclusively, then replace the empty
  // reservation with the complete file in one rename.
  try {
    await (await fs.open(final, 'wx')).close();
  } catch (error) {
    if (code(error) === 'EEXIST') throw new FileExistsError(final);
    throw error;
  }
  try {
    await fs.rename(temp, final);
  } catch (error) {
    await fs.rm(final, { force: true });
    throw error;
  }
}

/**
 * Writes a group of files that share a base name (a sidecar, the original, the image), all or
 * nothing. `build(base)` gives the files for a candidate base name; when any of them exists, the
 * files already written for that candidate are removed and `base-2`, `base-3`... are tried.
 * Names are written in Unicode NFC. Files are written in the order given: put the sidecar first. It is the group's manifest (it
 * names every other file with its SHA-256), so a group left incomplete by a killed process can be
 * recognised and removed without ever touching a file the product did not write
 * (`removeIncompleteGroups` in groups.ts).
 */
export async function writeGroupAtomic(
  dir: string,
  base: string,
  build: (candidate: string) => readonly NamedBytes[],
  signal?: AbortSignal,
): Promise<{ base: string; files: string[] }> {
  await fs.mkdir(dir, { recursive: true });
  const nfcBase = base.normalize('NFC');
  const made = new Set<string>();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    signal?.throwIfAborted();
    const candidate = attempt === 1 ? nfcBase : `${nfcBase}-${attempt}`;
    const files = build(candidate).map((file) => ({ name: file.name.normalize('NFC'), bytes: file.bytes }));
    for (const folder of new Set(files.map((file) => splitName(file.name).folder))) {
      if (folder && !made.has(folder)) {
        await fs.mkdir(path.join(dir, folder), { recursive: true });
        made.add(folder);
      }
    }
    if (await anyExists(dir, files)) continue;
    const written: string[] = [];
    try {
      for (const file of files) {
        signal?.throwIfAborted();
        written.push(await writeFileAtomicExclusive(dir, file.name, file.bytes));
      }
      return { base: candidate, files: written };
    } catch (error) {
      await Promise.all(written.map((f) => fs.rm(f, { force: true })));
      if (error instanceof FileExistsError) continue; // taken meanwhile by another writer
      throw error;
    }
  }
  throw new Error(`Could not find a free file name for "${base}" in ${dir} after ${MAX_ATTEMPTS} attempts.`);
}

/**
 * Removes temporary files left by a write that was killed (older than `olderThanMs`, or of any age
 * when `ours` says the file it was writing is one only the caller writes); returns their paths.
 */
export async function removeStaleTempFiles(dir: string, olderThanMs = 60_000, ours: (fileName: string) => boolean = () => false): Promise<string[]> {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return removed;
  }
  const now = Date.now();
  for (const entry of entries) {
    if (!entry.startsWith('.') || !entry.endsWith(TEMP_SUFFIX)) continue;
    const file = path.join(dir, entry);
    // `.<name>.<12 hex>.fmtmp`: the name of the file being written.
    const written = entry.slice(1, -TEMP_SUFFIX.length).replace(/\.[0-9a-f]{12}$/, '');
    try {
      const stat = await fs.stat(file);
      if (ours(written) || now - stat.mtimeMs >= olderThanMs) {
        await fs.rm(file, { force: true });
        removed.push(file);
      }
    } catch {
      // gone already
    }
  }
  return removed;
}

/**
 * Whether any of `files` is taken in `dir`, comparing names as a user sees them: in Unicode NFC and
 * without case, so that `Café.png` typed in NFD, or `hero.png` beside `Hero.png`, is never made
 * beside a look-alike (and a repository checked out on a case-insensitive disk keeps both).
 */
async function anyExists(dir: string, files: readonly NamedBytes[]): Promise<boolean> {
  const byFolder = new Map<string, string[]>();
  for (const file of files) {
    const { folder, base } = splitName(file.name);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), base]);
  }
  for (const [folder, names] of byFolder) {
    let entries: string[];
    try {
      entries = await fs.readdir(path.join(dir, folder));
    } catch (error) {
      if (code(error) === 'ENOENT') continue;
      throw error;
    }
    const taken = new Set(entries.map(lookAlikeKey));
    if (names.some((name) => taken.has(lookAlikeKey(name)))) return true;
  }
  return false;
}

/** `name` or `folder/name`: one plain sub-folder at most, never a path that climbs or is absolute. */
function splitName(name: string): { folder: string; base: string } {
  const parts = name.split(/[\\/]/);
  if (parts.length > 2 || parts.some((part) => part === '' || part === '.' || part === '..')) throw new Error(`"${name}" is not a file name or folder/file name inside the output folder.`);
  return parts.length === 2 ? { folder: parts[0], base: parts[1] } : { folder: '', base: parts[0] };
}

function lookAlikeKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function code(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error).code) : undefined;
}
