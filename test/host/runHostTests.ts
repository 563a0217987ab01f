// `npm run test:integration`: runs the integration suite (out/test/integration/**/*.test.js, via
// out/test/integration/index.js) inside a real VS Code, offline: code-server's Node extension host
// with headless Chromium as the window. Exit code: the suite's (0 all passed), 1 on failure,
// timeout or crash, 130/143 when interrupted. A failed run leaves a screenshot in test-artifacts/.
//
// To hand settings to the tests (e.g. a Foundry emulator started first), call
// `runHostTests({ env: { FOUNDRY_MOCKUPS_TEST_ENDPOINT: url, ...forwardEnv(['SOME_VAR']) } })`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UPDATE_BASELINES_ENV } from './baseline';
import { failureScreenshotName, forwardEnv, hostRuns, isWorkbenchNoise, timeoutFromEnv } from './config';
import { onShutdownSignal, REPO_ROOT, startHost, type Host } from './host';

export { forwardEnv };

export interface RunHostTestsOptions {
  /** Extra environment for the extension host (the tests read it from process.env). */
  env?: Readonly<Record<string, string>>;
  /** Overall limit; defaults to FOUNDRY_MOCKUPS_HOST_TIMEOUT_MS or 10 minutes. */
  timeoutMs?: number;
  /** The compiled suite entry; defaults to out/test/integration/index.js. */
  extensionTestsPath?: string;
  /** Extensions in development mode; defaults to the repository (see HostOptions). */
  extensionDevelopmentPaths?: readonly string[];
  /** .vsix files installed into the fresh profile first (the smoke suite's installed extension). */
  installExtensions?: readonly string[];
  /** `workbench.colorTheme`; defaults to FOUNDRY_MOCKUPS_HOST_THEME, else Default Dark Modern. */
  colorTheme?: string;
  /** VS Code's display language (code-server's `--locale`, e.g. `ja`); English when absent. */
  locale?: string;
  /** Print code-server's output and bridge actions as they happen (also FOUNDRY_MOCKUPS_HOST_VERBOSE=1). */
  verbose?: boolean;
  /** Where lines go; defaults to stdout/stderr. */
  out?: (line: string) => void;
  err?: (line: string) => void;
}

type Outcome = { kind: 'exit'; code: number } | { kind: 'timeout' } | { kind: 'broken'; error: Error } | { kind: 'signal'; signal: NodeJS.Signals };

/** Runs the suite once and resolves with the process exit code. Never rejects. */
export async function runHostTests(options: RunHostTestsOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const verbose = options.verbose ?? process.env.FOUNDRY_MOCKUPS_HOST_VERBOSE === '1';
  const started = Date.now();
  const since = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  let timeoutMs: number;
  try {
    timeoutMs = options.timeoutMs ?? timeoutFromEnv();
  } catch (error) {
    err(`[host] ${(error as Error).message}`);
    return 1;
  }
  const extensionTestsPath = options.extensionTestsPath ?? path.join(REPO_ROOT, 'out', 'test', 'integration', 'index.js');
  if (!fs.existsSync(extensionTestsPath)) {
    err(`[host] ${extensionTestsPath} does not exist; run \`npm run compile-tests\` first`);
    return 1;
  }
  const main = readMain();
  if (main && !fs.existsSync(path.join(REPO_ROOT, main))) {
    err(`[host] warning: the extension's main (${main}) does not exist yet; run \`npm run build\` first`);
  }

  let signalled: ((signal: NodeJS.Signals) => void) | undefined;
  const signal = new Promise<Outcome>((resolve) => (signalled = (s) => resolve({ kind: 'signal', signal: s })));
  const removeSignalHandlers = onShutdownSignal((s) => signalled?.(s));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs)));

  let host: Host | undefined;
  let outcome: Outcome;
  try {
    const starting = startHost({
      extensionTestsPath,
      extensionDevelopmentPaths: options.extensionDevelopmentPaths,
      installExtensions: options.installExtensions,
      env: options.env,
      colorTheme: options.colorTheme ?? process.env.FOUNDRY_MOCKUPS_HOST_THEME,
      locale: options.locale,
      onLog: (type, text) => {
        if (!verbose && isWorkbenchNoise(text)) {
          return;
        }
        (type === 'error' || type === 'warn' ? err : out)(text);
      },
      onServerOutput: verbose ? (line) => err(`[code-server] ${line}`) : undefined,
      onBridgeAction: verbose ? (request, result) => err(`[bridge] ${JSON.stringify(request)} -> ${JSON.stringify(result)}`) : undefined,
      onTiming: (milestone, ms) => err(`[host] ${milestone} ready after ${(ms / 1000).toFixed(1)} s`),
    });
    // A signal or the time limit while starting still ends whatever has started.
    const first = await Promise.race([
      starting.then((h) => ({ kind: 'started' as const, host: h })),
      signal,
      timeout,
    ]);
    if (first.kind !== 'started') {
      outcome = first;
      host = await starting.catch(() => undefined);
    } else {
      host = first.host;
      err(`[host] workbench: ${host.url}`);
      outcome = await Promise.race([
        host.testsExited.then((code): Outcome => ({ kind: 'exit', code })),
        host.broken.catch((error: Error): Outcome => ({ kind: 'broken', error })),
        signal,
        timeout,
      ]);
    }
  } catch (error) {
    outcome = { kind: 'broken', error: error as Error };
  } finally {
    clearTimeout(timer);
  }

  const code = exitCodeOf(outcome);
  switch (outcome.kind) {
    case 'exit':
      err(`[host] suite finished with code ${outcome.code} after ${since()}`);
      break;
    case 'timeout':
      err(`[host] FAILED: no result within ${timeoutMs} ms (${TIMEOUT_ENV_HINT})`);
      break;
    case 'broken':
      err(`[host] FAILED: ${outcome.error.message}`);
      break;
    case 'signal':
      err(`[host] interrupted by ${outcome.signal}`);
      break;
  }

  try {
    if (code !== 0 && host) {
      if (outcome.kind !== 'exit' || verbose) {
        err('[host] last lines from code-server:');
        for (const line of host.serverOutput().slice(-40)) {
          err(`[code-server] ${line}`);
        }
      }
      const reason = outcome.kind === 'exit' ? `exit-${outcome.code}` : outcome.kind;
      const file = await host.screenshot(failureScreenshotName(reason)).catch((error: Error) => {
        err(`[host] could not save a screenshot: ${error.message.split('\n')[0]}`);
        return undefined;
      });
      if (file) {
        err(`[host] screenshot of the failed run: ${path.relative(process.cwd(), file) || file}`);
      }
    }
  } finally {
    await host?.close();
    removeSignalHandlers();
  }
  return code;
}

const TIMEOUT_ENV_HINT = 'raise FOUNDRY_MOCKUPS_HOST_TIMEOUT_MS if the suite needs longer';

function exitCodeOf(outcome: Outcome): number {
  switch (outcome.kind) {
    case 'exit':
      return outcome.code === 0 ? 0 : 1;
    case 'signal':
      return outcome.signal === 'SIGINT' ? 130 : 143;
    default:
      return 1;
  }
}

function readMain(): string | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main?: unknown };
    return typeof manifest.main === 'string' ? manifest.main : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `npm run test:integration`: the runs `hostRuns` gives (the suite in English, then the localisation
 * suite with Japanese as the display language), one after the other; the first failing code wins.
 */
async function runAll(): Promise<number> {
  let result = 0;
  for (const run of hostRuns()) {
    process.stderr.write(`[host] run: ${run.name}\n`);
    const code = await runHostTests({ env: run.env, ...(run.locale ? { locale: run.locale } : {}) });
    if (code === 130 || code === 143) return code;
    if (result === 0) result = code;
  }
  return result;
}

if (require.main === module) {
  // `--update-baselines` (npm run test:baselines): the UI tests write their screenshot baselines
  // instead of comparing (the bridge, in this process, reads the switch; see baseline.ts).
  for (const arg of process.argv.slice(2)) {
    if (arg === '--update-baselines') {
      process.env[UPDATE_BASELINES_ENV] = '1';
    } else {
      process.stderr.write(`[host] unknown argument '${arg}' (the only one is --update-baselines)\n`);
      process.exit(2);
    }
  }
  runAll().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`[host] ${String(error)}\n`);
      process.exit(1);
    },
  );
}
