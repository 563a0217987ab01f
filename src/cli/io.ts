import { parseArgs, type ParseArgsConfig } from 'node:util';
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
