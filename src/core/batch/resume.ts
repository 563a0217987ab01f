/**
 * What a run (and an estimate) knows before it sends anything: which jobs are done already.
 *
 * - Before a run, every folder its jobs write into is tidied (removeIncompleteGroups): temporary
 *   files of killed writes, and incomplete groups. The sidecar is written first and records every
 *   file of its group with its SHA-256, so a group a killed run left is a sidecar whose image is
 *   missing; it is removed with the files whose content matches what it recorded. A file the
 *   product did not write is never removed.
 * - A job is DONE when a sidecar in its folder has the job's fingerprint (prompt as sent,
 *   parameters, deployment, variant: requestFingerprint) AND the files it records are on disk with
 *   the size and SHA-256 it recorded. An image that was edited, damaged or replaced since is not a
 *   proof: the job is sent again (under a new name; nothing is ever overwritten).
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { removeIncompleteGroups } from '../assets/groups';
import { companionPath, type FileRecord, type Sidecar, sidecarsIn } from '../assets/sidecar';
import { FoundryError } from '../foundry';
import { type ConnectionInfo, type InputFile, type MockupRequest, requestFingerprint } from '../generation';
import type { Batch, BatchJob } from './types';

export interface DoneEntry {
  readonly sidecar: Sidecar;
  readonly sidecarFile: string;
  readonly file: string;
  readonly original?: string;
}

/**
 * Removes what a killed run left behind in the folders these jobs write into: temporary files and
 * incomplete groups (see removeIncompleteGroups). Returns the removed paths.
 */
export async function tidyOutputFolders(jobs: readonly BatchJob[]): Promise<string[]> {
  const removed: string[] = [];
  const names = new Map<string, Set<string>>();
  for (const job of jobs) {
    const set = names.get(job.output.folder);
    if (set) set.add(job.output.baseName);
    else names.set(job.output.folder, new Set([job.output.baseName]));
  }
  for (const [folder, bases] of names) {
    // This run holds the batch's lock: what a killed run left under its jobs' names (`<name>.png`,
    // `<name>-2.png`, their sidecars and originals) goes at any age. Anything else (another batch's
    // lock being taken, the Studio writing into the same folder) only once it is clearly stale.
    const ours = (file: string): boolean => {
      for (let dot = file.indexOf('.'); dot > 0; dot = file.indexOf('.', dot + 1)) {
        const stem = file.slice(0, dot);
        if (bases.has(stem) || bases.has(stem.replace(/-\d+$/, ''))) return true;
      }
      return false;
    };
    removed.push(...(await removeIncompleteGroups(folder, 60_000, ours)));
  }
  return removed;
}

/** Fingerprint -> every group of ours that records it, for every sidecar in `folders` (not yet verified). */
export async function indexDoneJobs(folders: Iterable<string>): Promise<Map<string, DoneEntry[]>> {
  const done = new Map<string, DoneEntry[]>();
  for (const folder of new Set(folders)) {
    // Not ours, or damaged: not a proof that a job is done.
    for await (const { file: sidecarFile, data } of sidecarsIn(folder)) {
      const sidecar = data as Sidecar | null;
      if (typeof sidecar?.fingerprint !== 'string' || typeof sidecar.output?.file !== 'string') continue;
      let entry: DoneEntry = {
        sidecar,
        sidecarFile,
        file: path.join(folder, path.basename(sidecar.output.file)),
      };
      const original = typeof sidecar.original?.file === 'string' ? companionPath(folder, sidecar.original.file) : undefined;
      if (original) entry = { ...entry, original };
      const list = done.get(sidecar.fingerprint);
      if (list) list.push(entry);
      else done.set(sidecar.fingerprint, [entry]);
    }
  }
  return done;
}

/** Why the files of a group no longer prove it is done (undefined: they are exactly what was written). */
export async function groupProblem(entry: DoneEntry): Promise<string | undefined> {
  const records: Array<[string, FileRecord | undefined]> = [[entry.file, entry.sidecar.output], ...(entry.original ? [[entry.original, entry.sidecar.original] as [string, FileRecord | undefined]] : [])];
  for (const [file, record] of records) {
    const name = path.basename(file);
    let size: number;
    try {
      size = (await fs.stat(file)).size;
    } catch {
      return `${name} is missing`;
    }
    if (typeof record?.bytes === 'number' && record.bytes !== size) return `${name} has ${size.toLocaleString('en-US')} bytes, not the ${record.bytes.toLocaleString('en-US')} its sidecar recorded`;
    if (typeof record?.sha256 !== 'string') return `the sidecar of ${name} records no SHA-256`;
    if ((await sha256OfFile(file)) !== record.sha256) return `${name} does not match the SHA-256 its sidecar recorded (it was changed or damaged)`;
  }
  return undefined;
}

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Absolute paths of the images of made anchor jobs, by job id. */
export type AnchorFiles = ReadonlyMap<string, string>;

/** The anchor image a job sends: a workspace file, or the image its anchor job made (undefined: not made yet). */
export function anchorFileOf(job: BatchJob, made: AnchorFiles): string | undefined {
  if (!job.anchor) return undefined;
  return 'file' in job.anchor ? job.anchor.file : made.get(job.anchor.job);
}

/**
 * The MockupRequest of a job; edit inputs and the anchor are read (and may throw with a clear
 * message). A job anchored to another job needs that job's image in `made`.
 */
export async function jobRequest(job: BatchJob, batch: Batch, read: (file: string) => Promise<Uint8Array> = readInput, made: AnchorFiles = new Map()): Promise<MockupRequest> {
  const input = async (file: string): Promise<InputFile> => ({ bytes: await read(file), file: path.relative(batch.root, file).split(path.sep).join('/') });
  const anchorFile = anchorFileOf(job, made);
  if (job.anchor && anchorFile === undefined) throw new FoundryError('validation', `Not sent: its anchor ${'job' in job.anchor ? job.anchor.job : ''} is not made yet.`, { param: 'anchor' });
  const edit = job.edit
    ? {
        image: await input(job.edit.image),
        ...(job.edit.references.length ? { references: await Promise.all(job.edit.references.map(input)) } : {}),
        ...(job.edit.mask ? { mask: await input(job.edit.mask) } : {}),
      }
    : undefined;
  return {
    promptTyped: job.promptTyped,
    promptSent: job.promptSent,
    ...(job.template ? { template: job.template } : {}),
    ...(job.locale ? { locale: job.locale } : {}),
    ...(job.styleGuide ? { styleGuide: job.styleGuide } : {}),
    ...(job.designSystem ? { designSystem: job.designSystem } : {}),
    ...(anchorFile !== undefined ? { anchor: await input(anchorFile) } : {}),
    plan: job.plan,
    n: 1,
    variant: job.variant,
    ...(job.quality ? { quality: job.quality } : {}),
    outputFormat: job.format,
    ...(job.compression !== undefined ? { outputCompression: job.compression } : {}),
    ...(job.background ? { background: job.background } : {}),
    ...(job.moderation ? { moderation: job.moderation } : {}),
    folder: job.output.folder,
    baseName: job.output.baseName,
    batch: { file: batch.fileRelative, assetId: job.assetId },
    ...(edit ? { edit } : {}),
    ...(batch.companionFolder ? { companionFolder: batch.companionFolder } : {}),
  };
}

/**
 * A reader of input images that reads each file `keep` accepts once and hands out the same bytes
 * (so their SHA-256 is taken once too, digestOf); other files are read each time.
 */
export function cachingReader(keep: (file: string) => boolean = () => true): (file: string) => Promise<Uint8Array> {
  const cache = new Map<string, Promise<Uint8Array>>();
  return (file) => {
    if (!keep(file)) return readInput(file);
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = readInput(file);
      cache.set(file, bytes);
    }
    return bytes;
  };
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new FoundryError('validation', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, { param: 'edit' });
  }
}

/**
 * Fingerprint of every job (reading edit inputs and anchors once per file); failures are returned
 * as errors. A job whose anchor job is not made yet has none: it cannot be done.
 */
export async function fingerprintJobs(jobs: readonly BatchJob[], batch: Batch, connection: ConnectionInfo, made: AnchorFiles = new Map()): Promise<Map<BatchJob, string | Error>> {
  const read = cachingReader();
  const out = new Map<BatchJob, string | Error>();
  for (const job of jobs) {
    if (job.anchor && anchorFileOf(job, made) === undefined) continue;
    try {
      out.set(job, requestFingerprint(await jobRequest(job, batch, job.edit || job.anchor ? read : undefined, made), connection));
    } catch (error) {
      out.set(job, error instanceof Error ? error : new Error(String(error)));
    }
  }
  return out;
}

export interface DoneJobs {
  /** The jobs that are done, with the group that proves it. */
  readonly done: Map<BatchJob, DoneEntry>;
  /** Jobs whose sidecar is there but whose files do not match it: why (they are not done). */
  readonly changed: Map<BatchJob, string>;
  /** The fingerprints of the jobs that could be done (their folder holds sidecars), or why a job's inputs could not be read. */
  readonly fingerprints: Map<BatchJob, string | Error>;
  /** The images of the anchor jobs these jobs name that are done, by job id (also anchors of other shards). */
  readonly anchors: Map<string, string>;
}

/** The jobs of the batch that `jobs` are anchored to (they may be in another shard). */
export function anchorJobsOf(jobs: readonly BatchJob[], batch: Batch): BatchJob[] {
  const ids = new Set<string>();
  for (const job of jobs) if (job.anchor && 'job' in job.anchor) ids.add(job.anchor.job);
  return ids.size ? batch.jobs.filter((job) => ids.has(job.id)) : [];
}

/**
 * Which of `jobs` are done: a sidecar in the job's own folder records its fingerprint, and the
 * files it records are intact. Only the groups that match a job are hashed, each once. The anchor
 * jobs come first: a job anchored to one can be done only with the anchor's image as it is now.
 */
export async function resolveDoneJobs(jobs: readonly BatchJob[], batch: Batch, connection: ConnectionInfo): Promise<DoneJobs> {
  const anchorJobs = anchorJobsOf(jobs, batch);
  const index = await indexDoneJobs([...jobs, ...anchorJobs].map((j) => j.output.folder));
  // Only jobs whose folder holds sidecars can be done: a fresh batch of 100,000 jobs hashes nothing.
  const folders = new Set<string>();
  for (const entries of index.values()) for (const entry of entries) folders.add(path.dirname(entry.sidecarFile));
  const verdicts = new Map<DoneEntry, Promise<string | undefined>>();
  const result: DoneJobs = { done: new Map(), changed: new Map(), fingerprints: new Map(), anchors: new Map() };

  const resolve = async (some: readonly BatchJob[]): Promise<void> => {
    const fingerprints = await fingerprintJobs(folders.size ? some.filter((j) => folders.has(j.output.folder)) : [], batch, connection, result.anchors);
    for (const job of some) {
      const fingerprint = fingerprints.get(job);
      if (fingerprint !== undefined) result.fingerprints.set(job, fingerprint);
      const candidates = typeof fingerprint === 'string' ? (index.get(fingerprint) ?? []).filter((e) => path.dirname(e.sidecarFile) === job.output.folder) : [];
      let problem: string | undefined;
      for (const entry of candidates) {
        let verdict = verdicts.get(entry);
        if (!verdict) {
          verdict = groupProblem(entry);
          verdicts.set(entry, verdict);
        }
        problem = await verdict;
        if (problem === undefined) {
          result.done.set(job, entry);
          break;
        }
      }
      if (!result.done.has(job) && problem !== undefined) result.changed.set(job, problem);
    }
  };

  const ofRun = new Set(jobs);
  const anchored = (job: BatchJob): boolean => job.anchor !== undefined && 'job' in job.anchor;
  const isAnchor = new Set(anchorJobs);
  await resolve([...anchorJobs, ...jobs.filter((job) => !anchored(job) && !isAnchor.has(job))]);
  for (const job of anchorJobs) {
    const entry = result.done.get(job);
    if (entry) result.anchors.set(job.id, entry.file);
    // An anchor of another shard is looked at, not run: it is not one of this run's jobs.
    if (!ofRun.has(job)) {
      result.done.delete(job);
      result.changed.delete(job);
      result.fingerprints.delete(job);
    }
  }
  await resolve(jobs.filter(anchored));
  return result;
}

/** Which of `jobs` are done already (see resolveDoneJobs). */
export async function findDoneJobs(jobs: readonly BatchJob[], batch: Batch, connection: ConnectionInfo): Promise<Map<BatchJob, DoneEntry>> {
  return (await resolveDoneJobs(jobs, batch, connection)).done;
}
