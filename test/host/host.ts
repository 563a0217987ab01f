// The offline VS Code test host: code-server (VS Code's server build) with a fresh state, the
// extension loaded in development mode, and optionally headless Chromium as the window.
// Used by runHostTests.ts (the integration suite) and start.ts (`npm start`).
// Recipe and measurements: ../shared/reference/vscode-test-host.md.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { startBridge, type Bridge } from './bridge';
import type { BridgeRequest, BridgeResponse } from './bridgeProtocol';
import {
  buildServerEnv,
  buildWorkbenchUrl,
  codeServerArgs,
  colorSchemeOf,
  DEFAULT_COLOR_THEME,
  DRIVER_URL_ENV,
  hostInstall,
  languagePacksFor,
  LOOPBACK,
  screenshotPath,
  serverConfigText,
  serverStatePaths,
  userSettings,
} from './config';

/** The repository root, from this file's place in `out/test/host/`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');
/** The committed screenshot baselines the UI tests compare with (test/host/baseline.ts). */
export const BASELINES_DIR = path.join(REPO_ROOT, 'test', 'integration', 'baselines');
export const WORKSPACE_FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'workspace');
/** code-server and the Node 22 it runs on, installed by test/host/install.sh. */
export const HOST_INSTALL = hostInstall(REPO_ROOT);
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const SERVER_START_TIMEOUT_MS = 60_000;
const CLOSE_STEP_TIMEOUT_MS = 10_000;

export interface HostOptions {
  /** Extensions to load in development mode; defaults to the repository root (this extension). */
  extensionDevelopmentPaths?: readonly string[];
  /**
   * .vsix files installed into the run's fresh extensions folder with `code-server --install-extension`
   * before the server starts, as a user installs them (the smoke suite tests the packaged extension).
   */
  installExtensions?: readonly string[];
  /** The compiled suite entry; when set, the extension host runs it and reports through `testsExited`. */
  extensionTestsPath?: string;
  /** A folder to open as it is. Without it, a fresh copy of `workspaceFixture` is opened. */
  folder?: string;
  /** The folder copied for each run; defaults to test/fixtures/workspace. */
  workspaceFixture?: string;
  /** A fixed port; otherwise a free one is picked. */
  port?: number;
  /** Extra environment for code-server, which its extension host inherits. See `forwardEnv`. */
  env?: Readonly<Record<string, string>>;
  /** `workbench.colorTheme` of the fresh profile. */
  colorTheme?: string;
  /** VS Code's display language (code-server's `--locale`); English when absent. */
  locale?: string;
  /** Further user settings of the fresh profile (for example the emulator's connection for `npm start`). */
  settings?: Readonly<Record<string, unknown>>;
  /** Launch headless Chromium and open the workbench (default true). */
  browser?: boolean;
  /** Open the page-action bridge for tests (default: when a browser is launched). */
  bridge?: boolean;
  viewport?: { width: number; height: number };
  /** Extension host console output (mocha's reporter lines), as they arrive. */
  onLog?: (type: string, text: string) => void;
  /** code-server's own output lines. Kept in `serverOutput()` in any case. */
  onServerOutput?: (line: string) => void;
  /** Every bridge action, after it ran. */
  onBridgeAction?: (request: BridgeRequest, result: BridgeResponse) => void;
  /** Milestones with the milliseconds since `startHost` was called. */
  onTiming?: (milestone: 'server' | 'browser' | 'workbench', ms: number) => void;
}

export interface Host {
  /** The page to open: workbench, folder and extension development payload. */
  readonly url: string;
  readonly port: number;
  /** The workspace folder the workbench opened (a fresh copy unless `folder` was given). */
  readonly workspaceFolder: string;
  /** The browser page, when a browser was launched. */
  readonly page: Page | undefined;
  /** The page-action bridge URL handed to the extension host, if any. */
  readonly driverUrl: string | undefined;
  /** Settles with the suite's exit code when the extension host calls codeAutomationExit. */
  readonly testsExited: Promise<number>;
  /** Rejects when the host breaks: code-server exits, or the page crashes or closes. */
  readonly broken: Promise<never>;
  /** The last lines code-server printed. */
  serverOutput(): string[];
  /** Saves a full-page screenshot to test-artifacts/<name>.png; returns its path, or undefined without a page. */
  screenshot(name: string): Promise<string | undefined>;
  /** Ends the browser, code-server's whole process group and the temporary state. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts code-server with a fresh state and, unless `browser: false`, opens the workbench in Chromium. */
export async function startHost(options: HostOptions = {}): Promise<Host> {
  const started = Date.now();
  const timing = (milestone: 'server' | 'browser' | 'workbench'): void => options.onTiming?.(milestone, Date.now() - started);
  if (!fs.existsSync(HOST_INSTALL.codeServerEntry) || !fs.existsSync(HOST_INSTALL.node)) {
    throw new Error(`code-server or its Node is not installed in ${HOST_INSTALL.dir}; run \`npm run host:install\``);
  }

  const resources = new Resources();
  try {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-host-'));
    resources.stateDir = stateDir;
    const state = serverStatePaths(stateDir);
    fs.mkdirSync(path.join(state.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(state.extensionsDir, { recursive: true });
    fs.writeFileSync(path.join(state.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...userSettings(options.colorTheme), ...options.settings }, null, 2));
    fs.writeFileSync(state.configFile, serverConfigText());
    if (options.locale !== undefined) {
      const translations = path.join(stateDir, 'no-translations.i18n.json');
      fs.writeFileSync(translations, JSON.stringify({ contents: {} }));
      fs.writeFileSync(path.join(state.userDataDir, 'languagepacks.json'), JSON.stringify(languagePacksFor(options.locale, translations), null, 2));
    }

    let workspaceFolder = options.folder;
    if (workspaceFolder === undefined) {
      workspaceFolder = path.join(stateDir, 'workspace');
      fs.cpSync(options.workspaceFixture ?? WORKSPACE_FIXTURE, workspaceFolder, { recursive: true });
    }
    workspaceFolder = path.resolve(workspaceFolder);

    const useBrowser = options.browser ?? true;
    let bridge: Bridge | undefined;
    if (options.bridge ?? useBrowser) {
      bridge = await startBridge({ artifactsDir: ARTIFACTS_DIR, baselineDir: BASELINES_DIR, onAction: options.onBridgeAction });
      resources.bridge = bridge;
    }

    const env = buildServerEnv(process.env, { ...options.env, ...(bridge ? { [DRIVER_URL_ENV]: bridge.url } : {}) }, HOST_INSTALL.nodeBinDir);
    for (const vsix of options.installExtensions ?? []) {
      await installExtension(vsix, state, env);
    }
    const output = new LineBuffer(400, options.onServerOutput);
    const server = await startServer(state, env, output, options.port, resources, options.locale);
    timing('server');

    const url = buildWorkbenchUrl({
      port: server.port,
      folder: workspaceFolder,
      extensionDevelopmentPaths: options.extensionDevelopmentPaths ?? [REPO_ROOT],
      extensionTestsPath: options.extensionTestsPath,
    });

    let resolveExit: (code: number) => void = () => undefined;
    const testsExited = new Promise<number>((resolve) => (resolveExit = resolve));
    let rejectBroken: (error: Error) => void = () => undefined;
    const broken = new Promise<never>((_resolve, reject) => (rejectBroken = reject));
    broken.catch(() => undefined); // observed by whoever races it; never an unhandled rejection
    server.child.once('exit', (code, signal) => {
      if (!resources.closing) {
        rejectBroken(new Error(`code-server exited early (${signal ?? `code ${code}`})`));
      }
    });

    let page: Page | undefined;
    if (useBrowser) {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [...CHROMIUM_ARGS],
        headless: true,
        // The driver decides when the browser ends (it takes screenshots first).
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        timeout: SERVER_START_TIMEOUT_MS,
      });
      resources.browser = browser;
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1440, height: 900 },
        colorScheme: colorSchemeOf(options.colorTheme ?? DEFAULT_COLOR_THEME),
      });
      page = await context.newPage();
      // Both functions must exist before the workbench loads: it looks for them once.
      await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
        const list = Array.isArray(args) ? (args as unknown[]) : [args];
        options.onLog?.(typeof type === 'string' ? type : 'log', format(...list));
      });
      await page.exposeFunction('codeAutomationExit', (code: unknown) => {
        resolveExit(typeof code === 'number' && Number.isInteger(code) ? code : 1);
      });
      page.on('crash', () => rejectBroken(new Error('the browser page crashed')));
      page.on('close', () => {
        if (!resources.closing) {
          rejectBroken(new Error('the browser page closed'));
        }
      });
      bridge?.attach(page);
      timing('browser');
      await page.goto(url, { waitUntil: 'domcontentloaded', timeout: SERVER_START_TIMEOUT_MS });
      page
        .locator('.monaco-workbench')
        .first()
        .waitFor({ state: 'attached', timeout: SERVER_START_TIMEOUT_MS })
        .then(() => timing('workbench'))
        .catch(() => undefined);
    }

    const host: Host = {
      url,
      port: server.port,
      workspaceFolder,
      page,
      driverUrl: bridge?.url,
      testsExited,
      broken,
      serverOutput: () => output.lines(),
      async screenshot(name: string) {
        if (!page || page.isClosed()) {
          return undefined;
        }
        fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
        const file = screenshotPath(ARTIFACTS_DIR, name);
        await page.screenshot({ path: file, fullPage: true, timeout: CLOSE_STEP_TIMEOUT_MS });
        return file;
      },
      close: () => resources.close(),
    };
    return host;
  } catch (error) {
    await resources.close();
    throw error;
  }
}

/** Everything one host started, ended in reverse order; a synchronous fallback runs at process exit. */
class Resources {
  stateDir: string | undefined;
  bridge: Bridge | undefined;
  browser: Browser | undefined;
  server: ChildProcess | undefined;
  closing = false;
  private closed: Promise<void> | undefined;
  private readonly onExit = (): void => this.killSync();

  constructor() {
    process.once('exit', this.onExit);
  }

  close(): Promise<void> {
    this.closed ??= this.closeOnce();
    return this.closed;
  }

  private async closeOnce(): Promise<void> {
    this.closing = true;
    await this.bridge?.close().catch(() => undefined);
    if (this.browser) {
      await withTimeout(this.browser.close(), CLOSE_STEP_TIMEOUT_MS).catch(() => undefined);
    }
    if (this.server) {
      await stopProcessGroup(this.server);
    }
    removeDir(this.stateDir);
    process.off('exit', this.onExit);
  }

  /** Last resort when the process exits without close(): no awaiting possible here. */
  private killSync(): void {
    if (this.server?.pid !== undefined) {
      signalGroup(this.server.pid, 'SIGKILL');
    }
    removeDir(this.stateDir);
  }
}

interface StartedServer {
  child: ChildProcess;
  port: number;
}

async function startServer(
  state: ReturnType<typeof serverStatePaths>,
  env: Record<string, string>,
  output: LineBuffer,
  fixedPort: number | undefined,
  resources: Resources,
  locale: string | undefined,
): Promise<StartedServer> {
  // A free port can be taken between the probe and code-server's bind: try again with another one.
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const child = spawn(HOST_INSTALL.node, [HOST_INSTALL.codeServerEntry, ...codeServerArgs(port, state, locale)], {
      cwd: REPO_ROOT,
      env,
      detached: true, // its own process group, so that the extension host and helpers end with it
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    resources.server = child;
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
    try {
      await waitForHttp(port, child);
      return { child, port };
    } catch (error) {
      await stopProcessGroup(child);
      resources.server = undefined;
      const inUse = output.lines().some((line) => line.includes('EADDRINUSE'));
      if (fixedPort !== undefined || !inUse || attempt >= 3) {
        throw new Error(`${(error as Error).message}\ncode-server said:\n${output.lines().slice(-30).join('\n')}`);
      }
    }
  }
}

/** `code-server --install-extension <vsix>` into the run's own extensions folder, as a user would. */
function installExtension(vsix: string, state: ReturnType<typeof serverStatePaths>, env: Record<string, string>): Promise<void> {
  const args = [
    HOST_INSTALL.codeServerEntry,
    '--user-data-dir', state.userDataDir,
    '--extensions-dir', state.extensionsDir,
    '--install-extension', path.resolve(vsix),
  ];
  return new Promise((resolve, reject) => {
    execFile(HOST_INSTALL.node, args, { env, timeout: SERVER_START_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`code-server --install-extension ${vsix} failed: ${error.message}\n${stdout}${stderr}`));
      } else {
        resolve();
      }
    });
  });
}

/** Resolves once code-server answers HTTP on /healthz; rejects if it exits first or takes too long. */
function waitForHttp(port: number, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
    let done = false;
    const finish = (error?: Error): void => {
      if (done) {
        return;
      }
      done = true;
      child.off('exit', onExit);
      if (error) {
        reject(error);
      } else {
        resolve();
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(new Error(`code-server exited before answering (${signal ?? `code ${code}`})`));
    child.once('exit', onExit);
    const poll = (): void => {
      if (done) {
        return;
      }
      if (Date.now() > deadline) {
        finish(new Error(`code-server did not answer on port ${port} within ${SERVER_START_TIMEOUT_MS} ms`));
        return;
      }
      const req = http.get({ host: LOOPBACK, port, path: '/healthz', timeout: 2000 }, (res) => {
        res.resume();
        finish();
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => setTimeout(poll, 150));
    };
    poll();
  });
}

/** Ends a detached child's whole process group: SIGTERM, then SIGKILL for whatever is left. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) {
    return;
  }
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(pid, 'SIGTERM');
  await withTimeout(exited, graceMs).catch(() => undefined);
  // The leader may be gone while helpers (extension host, file watcher, pty host) linger.
  signalGroup(pid, 'SIGKILL');
  await withTimeout(exited, graceMs).catch(() => undefined);
  child.stdout?.destroy();
  child.stderr?.destroy();
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function removeDir(dir: string | undefined): void {
  if (dir) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // A leftover temp folder is not worth failing a run for.
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Splits a byte stream into lines and keeps the last `limit` of them. */
class LineBuffer {
  private readonly kept: string[] = [];
  private partial = '';

  constructor(
    private readonly limit: number,
    private readonly onLine?: (line: string) => void,
  ) {}

  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.kept.push(line);
      if (this.kept.length > this.limit) {
        this.kept.shift();
      }
      this.onLine?.(line);
    }
  }

  lines(): string[] {
    return this.partial ? [...this.kept, this.partial] : [...this.kept];
  }
}

/**
 * Runs `onSignal` once on the first SIGINT/SIGTERM (the caller cleans up and exits); a second
 * signal exits at once, the process-exit fallback still killing code-server. Returns an uninstaller.
 */
export function onShutdownSignal(onSignal: (signal: NodeJS.Signals) => void): () => void {
  let seen = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (seen) {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    seen = true;
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
