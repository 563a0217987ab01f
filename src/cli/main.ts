/**
 * `foundry-mockups`: the command-line tool over the same core as the extension.
 * `main` takes arguments and an IO object so tests can call it in-process.
 */
import { Redactor } from '../core/foundry/redact';
import { COMMANDS } from './commands/index';
import { type CliIO, describeFailure, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './io';

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

/**
 * A redactor for everything the tool prints: the key from --api-key or AZURE_OPENAI_API_KEY, and
 * an --endpoint that is not a URL (a key pasted into the wrong flag), so that neither is ever
 * echoed back, whatever field (message, request id, --json report) would carry it.
 */
function outputRedactor(argv: readonly string[], env: CliIO['env']): Redactor {
  const flag = (name: string): string | undefined => {
    const index = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (index < 0) return undefined;
    const arg = argv[index];
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  };
  const redactor = new Redactor([flag('--api-key'), env?.['AZURE_OPENAI_API_KEY']]);
  for (const endpoint of [flag('--endpoint'), env?.['AZURE_OPENAI_ENDPOINT']]) {
    if (endpoint && !/^https?:\/\/[^\s/?#]+/i.test(endpoint.trim())) redactor.add(endpoint);
  }
  return redactor;
}

export async function main(argv: readonly string[], unsafeIo: CliIO): Promise<number> {
  const redactor = outputRedactor(argv, unsafeIo.env);
  const io: CliIO = { ...unsafeIo, stdout: (text) => unsafeIo.stdout(redactor.text(text)), stderr: (text) => unsafeIo.stderr(redactor.text(text)) };
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
    const failure = describeFailure(error);
    io.stderr(`${TOOL} ${command.name}: ${failure.message}\n`);
    return failure.code;
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
      process.stderr.write(`${TOOL}: ${describeFailure(error).message}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
