/**
 * find_mockups: the workspace's mockups, read from their sidecars the way the Studio's history reads
 * them (parseHistoryEntry, filterHistory), found by a bounded walk of the workspace roots. Folders
 * that belong to tools (.git, node_modules) and hidden folders are skipped; a sidecar whose image is
 * missing (a group being written, or left by a killed run) is not a mockup yet.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SIDECAR_SUFFIX } from '../assets/sidecar';
import { filterHistory, type HistoryEntry, type HistoryFilter, MAX_SIDECAR_BYTES, parseHistoryEntry } from '../studio/history';

/** At most this many sidecars are read, and folders this deep visited. */
export const MAX_SIDECARS = 2000;
const MAX_DEPTH = 12;
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'out']);

export interface FoundMockup extends HistoryEntry {
  /** The root it was found under. */
  readonly root: string;
}

/** Every mockup under `roots` (workspace-relative paths, forward slashes), unfiltered. */
export async function scanMockups(roots: readonly string[]): Promise<FoundMockup[]> {
  const found: FoundMockup[] = [];
  let read = 0;
  for (const root of roots) {
    const stack: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
    while (stack.length > 0 && read < MAX_SIDECARS) {
      const { dir, depth } = stack.pop() as { dir: string; depth: number };
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      const names = new Set(entries.map((e) => e.name));
      for (const entry of entries) {
        if (entry.isDirectory()) {
          if (depth < MAX_DEPTH && !entry.name.startsWith('.') && !SKIPPED.has(entry.name)) stack.push({ dir: path.join(dir, entry.name), depth: depth + 1 });
          continue;
        }
        if (!entry.isFile() || !entry.name.endsWith(SIDECAR_SUFFIX) || entry.name.startsWith('.')) continue;
        if (!names.has(entry.name.slice(0, -SIDECAR_SUFFIX.length)) || read >= MAX_SIDECARS) continue;
        read++;
        const file = path.join(dir, entry.name);
        try {
          if ((await fs.stat(file)).size > MAX_SIDECAR_BYTES) continue;
          const parsed = parseHistoryEntry(await fs.readFile(file, 'utf8'), path.relative(root, file).split(path.sep).join('/'));
          if (parsed) found.push({ ...parsed, root });
        } catch {
          // unreadable: not listed
        }
      }
    }
  }
  return found;
}

/** The mockups matching `filter`, newest first, at most `limit`. */
export async function findMockups(roots: readonly string[], filter: HistoryFilter, limit: number): Promise<{ matches: FoundMockup[]; total: number; scanned: number }> {
  const all = await scanMockups(roots);
  const matches = filterHistory(all, filter) as FoundMockup[];
  return { matches: matches.slice(0, limit), total: matches.length, scanned: all.length };
}
