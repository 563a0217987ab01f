/**
 * Groups of files written together (sidecar, original, painted mask, image) and left incomplete by a process
 * that was killed between two of them. The sidecar is written first and names every other file
 * of its group with its SHA-256, so an incomplete group is recognised by a sidecar whose image is
 * missing, and only files whose content matches what that sidecar recorded are removed: a file the
 * product did not write is never touched.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { removeStaleTempFiles } from './atomicWrite';
import { companionPath, SIDECAR_SUFFIX, sidecarsIn } from './sidecar';

interface RecordedFile {
  readonly file?: unknown;
  readonly sha256?: unknown;
}

interface SidecarShape {
  readonly tool?: { readonly name?: unknown };
  readonly output?: RecordedFile;
  readonly original?: RecordedFile;
  readonly lineage?: { readonly mask?: RecordedFile };
}

/**
 * A painted mask written with its image is named after it (`x.png` -> `x-mask.png`), beside it or
 * in its companion folder; a mask file the edit only read is not. The lineage records the mask
 * workspace-relative: its place in the sidecar's folder is the name, under its folder's name when
 * that is not the sidecar's own folder.
 */
function paintedMaskOf(sidecar: SidecarShape, outputName: string, dir: string): { file: string; sha256: unknown } | undefined {
  const mask = sidecar.lineage?.mask;
  if (typeof mask?.file !== 'string') return undefined;
  const name = path.posix.basename(mask.file.replace(/\\/g, '/'));
  if (name !== `${outputName.replace(/\.[^.]+$/, '')}-mask.png`) return undefined;
  const parent = path.posix.basename(path.posix.dirname(mask.file.replace(/\\/g, '/')));
  const relative = parent && parent !== '.' && parent !== path.basename(dir) ? `${parent}/${name}` : name;
  return { file: relative, sha256: mask.sha256 };
}

/**
 * Removes the incomplete groups in `dir` (a sidecar of ours whose image is missing, with the
 * original it recorded when its content matches) and the temporary files of killed writes, when
 * they are older than `olderThanMs` (a group being written by another process right now takes
 * milliseconds), or of any age when `ours` says their file name is one only the caller writes (a
 * batch run holding its lock, for its jobs' names). Returns the removed paths.
 */
export async function removeIncompleteGroups(dir: string, olderThanMs = 60_000, ours: (fileName: string) => boolean = () => false): Promise<string[]> {
  const removed: string[] = [];
  for await (const { entry, file: sidecarFile, data } of sidecarsIn(dir)) {
    const sidecar = data as SidecarShape | null;
    if (sidecar?.tool?.name !== 'foundry-mockups' || typeof sidecar.output?.file !== 'string') continue;
    if (`${sidecar.output.file}${SIDECAR_SUFFIX}` !== entry) continue; // a sidecar always sits beside its own image
    if (await exists(path.join(dir, path.basename(sidecar.output.file)))) continue; // complete
    if (!ours(path.basename(sidecar.output.file)) && Date.now() - (await fs.lstat(sidecarFile)).mtimeMs < olderThanMs) continue; // may still be being written
    for (const recorded of [sidecar.original, paintedMaskOf(sidecar, sidecar.output.file, dir), sidecar.output]) {
      if (typeof recorded?.file !== 'string' || typeof recorded.sha256 !== 'string') continue;
      const file = recorded === sidecar.output ? path.join(dir, path.basename(recorded.file)) : companionPath(dir, recorded.file);
      if (!file) continue;
      if ((await sha256Of(file)) === recorded.sha256) {
        await fs.rm(file, { force: true });
        removed.push(file);
      }
    }
    await fs.rm(sidecarFile, { force: true });
    removed.push(sidecarFile);
  }
  removed.push(...(await removeStaleTempFiles(dir, olderThanMs, ours)));
  return removed;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

async function sha256Of(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256').update(await fs.readFile(file)).digest('hex');
  } catch {
    return undefined;
  }
}
