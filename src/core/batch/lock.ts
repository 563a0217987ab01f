/**
 * One run of a batch at a time: a lock file `<output folder>/.<batch>.lock`, taken by runBatch
 * before anything is tidied or sent and released when the run ends. The CLI and Run Batch both go
 * through runBatch, so two runs of the same batch (two terminals, a terminal and VS Code, two
 * clicks on Run Batch in one window) cannot both pay for every job and write `-2` duplicates.
 *
 * - The lock is created atomically and exclusively (temp file + hard link, as every write of the
 *   product) with who holds it: process id, host, surface, shard, start time and a random nonce.
 * - A held lock refuses the second run with a BatchLockedError naming the holder, or, when asked
 *   to wait, is polled until it is released.
 * - A stale lock is taken over: on the same host, when its process is gone (a run killed with
 *   kill -9 or a crash); from another host (a shared folder), when its holder stopped refreshing
 *   it (the holder touches it every `staleMs / 3`). Taking over renames the stale file away and
 *   checks that it was the stale one, so two runs taking over at once do not both win.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileExistsError, writeFileAtomicExclusive } from '../assets/atomicWrite';
import { FoundryError } from '../foundry';
import type { Shard } from './expand';

export interface LockHolder {
  readonly tool: 'foundry-mockups';
  readonly pid: number;
  readonly host: string;
  /** `cli` or `vscode`. */
  readonly surface: string;
  /** The batch file, relative to the root. */
  readonly batch: string;
  readonly shard?: string;
  readonly startedAt: string;
  readonly nonce: string;
}

export class BatchLockedError extends Error {
  override readonly name = 'BatchLockedError';
  constructor(
    message: string,
    readonly holder: LockHolder | undefined,
    readonly file: string,
  ) {
    super(message);
  }
}

export interface BatchLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Removes the lock (only if it is still ours). Idempotent. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Who is asking: `cli` or `vscode` (named in the message another run sees). */
  readonly surface: string;
  readonly shard?: Shard;
  /** Wait for a held lock instead of refusing at once. */
  readonly wait?: boolean;
  /** Between two looks at a held lock while waiting. Default 1000 ms. */
  readonly pollMs?: number;
  /** Called once when the lock is held by another run and this one waits for it. */
  readonly onWait?: (holder: LockHolder | undefined, message: string) => void;
  /** Called when the lock was lost while held (another run took it over as stale). */
  readonly onLost?: () => void;
  /** Stops a wait (rejects with a `cancelled` FoundryError). */
  readonly signal?: AbortSignal;
  /** A lock from another host untouched for this long is stale. Default 120 000 ms. */
  readonly staleMs?: number;
  /** Seams for tests. */
  readonly hostname?: string;
  readonly pid?: number;
  readonly isAlive?: (pid: number) => boolean;
  readonly now?: () => number;
}

const DEFAULT_STALE_MS = 120_000;

export function lockFileOf(outputRoot: string, batchName: string): string {
  return path.join(outputRoot, `.${batchName}.lock`);
}

/** Whether a process with this id exists on this machine (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of a batch run; throws BatchLockedError while another live run holds it (unless waiting). */
export async function acquireBatchLock(target: { root: string; outputRoot: string; name: string; fileRelative: string }, options: LockOptions): Promise<BatchLock> {
  const file = lockFileOf(target.outputRoot, target.name);
  const host = options.hostname ?? os.hostname();
  const isAlive = options.isAlive ?? processAlive;
  const now = options.now ?? Date.now;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const holder: LockHolder = {
    tool: 'foundry-mockups',
    pid: options.pid ?? process.pid,
    host,
    surface: options.surface,
    batch: target.fileRelative,
    ...(options.shard ? { shard: `${options.shard.index}/${options.shard.count}` } : {}),
    startedAt: new Date(now()).toISOString(),
    nonce: randomBytes(12).toString('hex'),
  };
  const text = `${JSON.stringify(holder, null, 2)}\n`;
  await fs.mkdir(target.outputRoot, { recursive: true });

  let waited = false;
  for (;;) {
    if (options.signal?.aborted) throw new FoundryError('cancelled', 'Cancelled while waiting for the other run of this batch to finish.');
    try {
      await writeFileAtomicExclusive(path.dirname(file), path.basename(file), new TextEncoder().encode(text));
      return held(file, holder, staleMs, options.onLost);
    } catch (error) {
      if (!(error instanceof FileExistsError)) throw error;
    }
    const current = await readLock(file);
    if (!current) continue; // released in between
    const stale = current.holder
      ? current.holder.host === host
        ? !isAlive(current.holder.pid)
        : now() - current.mtimeMs > staleMs
      : now() - current.mtimeMs > staleMs; // unreadable: stale only once nobody refreshes it
    if (stale) {
      await takeOver(file, current.text);
      continue;
    }
    const message = lockedMessage(target.fileRelative, current.holder, host, path.relative(target.root, file).split(path.sep).join("/"));
    if (!options.wait) throw new BatchLockedError(message, current.holder, file);
    if (!waited) options.onWait?.(current.holder, message);
    waited = true;
    await sleep(options.pollMs ?? 1000, options.signal);
  }
}

function lockedMessage(batch: string, holder: LockHolder | undefined, host: string, file: string): string {
  if (!holder) return `Another run of ${batch} holds its lock (${file}), so this run sent nothing. Wait for it to finish, or delete the file if no run is going on.`;
  const where = holder.host === host ? `process ${holder.pid} on this machine` : `process ${holder.pid} on ${holder.host}`;
  const from = holder.surface === 'vscode' ? 'VS Code (Run Batch)' : holder.surface === 'cli' ? 'the command line' : holder.surface;
  return `Another run of ${batch} is in progress (${where}, started ${holder.startedAt} from ${from}${holder.shard ? `, shard ${holder.shard}` : ''}), so this run sent nothing: two runs at once would pay for every job twice. Wait for it to finish, or stop it.`;
}

async function readLock(file: string): Promise<{ text: string; holder?: LockHolder; mtimeMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    let holder: LockHolder | undefined;
    try {
      const parsed = JSON.parse(text) as Partial<LockHolder> | null;
      if (parsed?.tool === 'foundry-mockups' && typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.nonce === 'string') holder = parsed as LockHolder;
    } catch {
      holder = undefined;
    }
    return { text, ...(holder ? { holder } : {}), mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Moves the stale lock away; puts it back if what was moved turns out to be a fresh lock of another run. */
async function takeOver(file: string, staleText: string): Promise<void> {
  const tombstone = `${file}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fs.rename(file, tombstone);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else took it over
    throw error;
  }
  const moved = await fs.readFile(tombstone, 'utf8').catch(() => staleText);
  if (moved !== staleText) {
    // Another run replaced the stale lock between our look and our rename: give it back.
    await fs.link(tombstone, file).catch(() => undefined);
  }
  await fs.rm(tombstone, { force: true });
}

function held(file: string, holder: LockHolder, staleMs: number, onLost: (() => void) | undefined): BatchLock {
  let released = false;
  const ours = async (): Promise<boolean> => {
    const current = await readLock(file).catch(() => undefined);
    return current?.holder?.nonce === holder.nonce;
  };
  // Refresh the lock's time so that a run on another host sharing the folder sees it is alive.
  const heartbeat = setInterval(
    () => {
      void (async () => {
        if (released) return;
        if (!(await ours())) {
          clearInterval(heartbeat);
          if (!released) onLost?.();
          return;
        }
        const time = new Date();
        await fs.utimes(file, time, time).catch(() => undefined);
      })();
    },
    Math.max(1000, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  return {
    file,
    holder,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      if (await ours()) await fs.rm(file, { force: true });
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
