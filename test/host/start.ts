// `npm start`: code-server with this extension loaded in development mode, for trying it by hand in
// any browser on this machine. Runs until Ctrl+C, then ends code-server and removes its state.
//
//   node out/test/host/start.js [--port N] [--folder PATH] [--theme "Default Light Modern"]
//
// Without --folder a fresh copy of test/fixtures/workspace is opened (and removed at the end).
// FOUNDRY_MOCKUPS_HOST_PORT sets the port too; by default a free one is picked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePort } from './config';
import { onShutdownSignal, startHost } from './host';

export interface StartArgs {
  port?: number;
  folder?: string;
  colorTheme?: string;
}

/** Parses the command line; throws on anything unknown so that typos do not pass silently. */
export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StartArgs {
  const args: StartArgs = { port: parsePort(env.FOUNDRY_MOCKUPS_HOST_PORT) };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) {
        throw new Error(`${flag} needs a value`);
      }
      return next;
    };
    switch (flag) {
      case '--port':
        args.port = parsePort(value());
        break;
      case '--folder':
        args.folder = path.resolve(value());
        break;
      case '--theme':
        args.colorTheme = value();
        break;
      default:
        throw new Error(`unknown argument '${flag}'; use --port N, --folder PATH, --theme NAME`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  const args = parseStartArgs(process.argv.slice(2));
  if (args.folder !== undefined && !fs.statSync(args.folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`--folder ${args.folder} is not a folder`);
  }
  let stop: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => (stop = resolve));
  const removeSignalHandlers = onShutdownSignal((signal) => stop(signal === 'SIGINT' ? 0 : 143));

  const host = await startHost({
    browser: false,
    port: args.port,
    folder: args.folder,
    colorTheme: args.colorTheme,
    onLog: (_type, text) => process.stdout.write(`${text}\n`),
  });
  try {
    process.stdout.write(
      [
        '',
        'Foundry Mockups is running in code-server (VS Code in the browser), loaded from',
        `  ${path.resolve(__dirname, '..', '..', '..')}`,
        `Workspace: ${host.workspaceFolder}${args.folder ? '' : ' (a fresh copy, removed when you stop)'}`,
        '',
        'Open this URL in a browser on this machine:',
        `  ${host.url}`,
        '',
        'After changing the code, run `npm run build` and reload the browser window (Developer: Reload Window).',
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
    return await Promise.race([
      stopped,
      host.broken.catch((error: Error) => {
        process.stderr.write(`${error.message}\n${host.serverOutput().slice(-30).join('\n')}\n`);
        return 1;
      }),
    ]);
  } finally {
    process.stdout.write('Stopping code-server...\n');
    await host.close();
    removeSignalHandlers();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
