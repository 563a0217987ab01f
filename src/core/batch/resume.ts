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
  for (const folder of new Set(jobs.map((job) => job.output.folder))) {
    // This run holds the batch's lock and is about to write these names: no age limit.
    removed.push(...(await removeIncompleteGroups(folder, 0)));
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

/** The MockupRequest of a job; edit inputs are read (and may throw with a clear message). */
export async function jobRequest(job: BatchJob, batch: Batch, read: (file: string) => Promise<Uint8Array> = readInput): Promise<MockupRequest> {
  const input = async (file: string): Promise<InputFile> => ({ bytes: await read(file), file: path.relative(batch.root, file).split(path.sep).join('/') });
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
  };
}

async function readInput(file: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new FoundryError('validation', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, { param: 'edit' });
  }
}

/** Fingerprint of every job (reading edit inputs once per file); failures are returned as errors. */
export async function fingerprintJobs(jobs: readonly BatchJob[], batch: Batch, connection: ConnectionInfo): Promise<Map<BatchJob, string | Error>> {
  const cache = new Map<string, Promise<Uint8Array>>();
  const read = (file: string): Promise<Uint8Array> => {
    let bytes = cache.get(file);
    if (!bytes) {
      bytes = readInput(file);
      cache.set(file, bytes);
    }
    return bytes;
  };
  const out = new Map<BatchJob, string | Error>();
  for (const job of jobs) {
    try {
      out.set(job, requestFingerprint(job.edit ? await jobRequest(job, batch, read) : await jobRequest(job, batch), connection));
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
}

/**
 * Which of `jobs` are done: a sidecar in the job's own folder records its fingerprint, and the
 * files it records are intact. Only the groups that match a job are hashed, each once.
 */
export async function resolveDoneJobs(jobs: readonly BatchJob[], batch: Batch, connection: ConnectionInfo): Promise<DoneJobs> {
  const index = await indexDoneJobs(jobs.map((j) => j.output.folder));
  // Only jobs whose folder holds sidecars can be done: a fresh batch of 100,000 jobs hashes nothing.
  const folders = new Set<string>();
  for (const entries of index.values()) for (const entry of entries) folders.add(path.dirname(entry.sidecarFile));
  const fingerprints = await fingerprintJobs(folders.size ? jobs.filter((j) => folders.has(j.output.folder)) : [], batch, connection);
  const done = new Map<BatchJob, DoneEntry>();
  const changed = new Map<BatchJob, string>();
  const verdicts = new Map<DoneEntry, Promise<string | undefined>>();
  for (const job of jobs) {
    const fingerprint = fingerprints.get(job);
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
        done.set(job, entry);
        break;
      }
    }
    if (!done.has(job) && problem !== undefined) changed.set(job, problem);
  }
  return { done, changed, fingerprints };
}

/** Which of `jobs` are done already (see resolveDoneJobs). */
export async function findDoneJobs(jobs: readonly BatchJob[], batch: Batch, connection: ConnectionInfo): Promise<Map<BatchJob, DoneEntry>> {
  return (await resolveDoneJobs(jobs, batch, connection)).done;
}
