import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BatchLockedError } from '../core/batch/lock';
import { FoundryError } from '../core/foundry/errors';
import { ImageCheckError } from '../core/image/check';
import { ImageError } from '../core/image/process';
/** What a CLI command may touch: output streams and the working folder (injected by tests). */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Environment variables (connection, CI); default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (a progress bar instead of plain lines). */
  readonly isTTY?: boolean;
  /** Aborted on Ctrl+C: runs stop sending, keep what is done and write their report. */
  readonly signal?: AbortSignal;
}

export const EXIT_OK = 0;
/** Unexpected failure. */
export const EXIT_FAILURE = 1;
/** Invalid input: bad arguments, unknown target or preset. */
export const EXIT_USAGE = 2;

/** Thrown for invalid input; main prints the message and exits with EXIT_USAGE. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * What `main` prints for a failure and the exit code. Expected failures (invalid input, a failed
 * request, a broken answer, an image that could not be processed, a batch locked by another run,
 * a file the system refused) are one line without a stack trace; only a bug in the tool shows
 * its stack, so that it can be reported.
 */
export function describeFailure(error: unknown): { readonly message: string; readonly code: number; readonly expected: boolean } {
  if (error instanceof UsageError) return { message: error.message, code: EXIT_USAGE, expected: true };
  if (error instanceof FoundryError) {
    const id = error.requestId && !error.message.includes(error.requestId) ? ` (request id ${error.requestId})` : '';
    return { message: `${error.message}${id}`, code: error.kind === 'validation' ? EXIT_USAGE : EXIT_FAILURE, expected: true };
  }
  if (error instanceof BatchLockedError || error instanceof ImageError || error instanceof ImageCheckError) return { message: error.message, code: EXIT_FAILURE, expected: true };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof Error && typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    // The file system or the network said no (EACCES, ENOSPC, EROFS...): the message names the path.
    return { message: error.message, code: EXIT_FAILURE, expected: true };
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { message: `unexpected error (a bug in foundry-mockups; please report it with this text):\n${text}`, code: EXIT_FAILURE, expected: false };
}

export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full help text. */
  readonly usage: string;
  run(args: readonly string[], io: CliIO): Promise<number>;
}

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's arguments strictly: unknown flags, missing values and (unless allowed)
 * positionals are usage errors that point to the command's --help.
 */
export function parseCommandArgs<T extends OptionsConfig>(command: string, args: readonly string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: [...args], allowPositionals, strict: true, options });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\nRun "foundry-mockups ${command} --help" for the options.`);
  }
}
