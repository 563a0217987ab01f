/**
 * `foundry-mockups`: the command-line tool over the same core as the extension.
 * `main` takes arguments and an IO object so tests can call it in-process.
 */
import { COMMANDS } from './commands/index';
import { type CliIO, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './io';

export const TOOL = 'foundry-mockups';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${TOOL} <command> [options]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run "${TOOL} <command> --help" for a command's options.`,
  ].join('\n');
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(help() + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`${TOOL}: unknown command "${name}".\n\n${help()}\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${TOOL} ${command.name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`${TOOL} ${command.name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  // First Ctrl+C: stop sending, finish the report; a second one ends the process at once.
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nStopping: no new requests are sent; press Ctrl+C again to quit now.\n');
    interrupt.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const io: CliIO = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stderr.isTTY),
    signal: interrupt.signal,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
