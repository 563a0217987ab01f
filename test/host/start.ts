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
import { startEmulator } from '../emulator/server';
import { onShutdownSignal, startHost } from './host';

export interface StartArgs {
  port?: number;
  folder?: string;
  colorTheme?: string;
  /** Connect the extension to a fresh Foundry emulator (default true). */
  emulator: boolean;
}

/** Parses the command line; throws on anything unknown so that typos do not pass silently. */
export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StartArgs {
  const args: StartArgs = { port: parsePort(env.FOUNDRY_MOCKUPS_HOST_PORT), emulator: true };
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
      case '--no-emulator':
        args.emulator = false;
        break;
      default:
        throw new Error(`unknown argument '${flag}'; use --port N, --folder PATH, --theme NAME, --no-emulator`);
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

  // A fresh emulator with a little latency and paced streaming, so that progress and partial
  // previews look as they do against the real service.
  const emulator = args.emulator ? await startEmulator({ latencyMs: 1500, streamIntervalMs: 400 }) : undefined;
  const host = await startHost({
    browser: false,
    port: args.port,
    folder: args.folder,
    colorTheme: args.colorTheme,
    ...(emulator
      ? {
          settings: {
            'foundryMockups.endpoint': emulator.endpoint,
            'foundryMockups.deployment': emulator.deployment,
            'foundryMockups.model': emulator.model,
            'foundryMockups.apiMode': 'v1',
            'foundryMockups.auth': 'apiKey',
          },
          env: { AZURE_OPENAI_API_KEY: emulator.apiKey },
        }
      : {}),
    onLog: (_type, text) => process.stdout.write(`${text}\n`),
  }).catch(async (error: unknown) => {
    await emulator?.close();
    throw error;
  });
  try {
    process.stdout.write(
      [
        '',
        'Foundry Mockups is running in code-server (VS Code in the browser), loaded from',
        `  ${path.resolve(__dirname, '..', '..', '..')}`,
        `Workspace: ${host.workspaceFolder}${args.folder ? '' : ' (a fresh copy, removed when you stop)'}`,
        emulator
          ? `Connected to a fresh Foundry emulator at ${emulator.endpoint} (deployment ${emulator.deployment}, ${emulator.model}); --no-emulator uses your own settings.`
          : 'Using your own connection settings (no emulator).',
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
    await emulator?.close();
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
