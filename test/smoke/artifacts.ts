// The two artefacts a user installs, built and opened the way a user (or CI) gets them: the VSIX
// from `npm run package`, the npm tarball from `npm pack`. Shared by the artefact checks in plain
// Node (test/smoke/node) and the runner (test/smoke/run.ts). No vscode here.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root, from this file's place in `out/test/smoke/`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Where the runner puts the artefacts it builds (git-ignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, '.package', 'artifacts');

/** Environment variables through which the runner hands the artefacts to the checks. */
export const VSIX_ENV = 'FOUNDRY_MOCKUPS_VSIX';
export const TARBALL_ENV = 'FOUNDRY_MOCKUPS_TARBALL';
/** The VSIX's parts as scripts/package.mjs reports them (JSON written by the runner). */
export const PACKAGE_REPORT_ENV = 'FOUNDRY_MOCKUPS_PACKAGE_REPORT';

export interface PackagePart {
  part: string;
  files: string[];
  bytes: number;
}

export interface PackageReport {
  vsix: string;
  bytes: number;
  files: string[];
  /** The outputs the command-line tool loads (the npm package's dist/). */
  cliOutputs: string[];
  /** The packages the bundles leave to run time, and which outputs import them. */
  externals: Array<{ name: string; from: string[] }>;
  parts: PackagePart[];
}

/** `npm run package` into `dir`: the VSIX and what scripts/package.mjs says went in. */
export function buildVsix(dir: string): PackageReport {
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'foundry-mockups.vsix');
  const json = execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'package.mjs'), '--json', '--out', out], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(json) as PackageReport;
}

/** `npm pack` into `dir` (its prepack script makes the production build); the tarball's path. */
export function buildTarball(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const json = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [{ filename }] = JSON.parse(json) as Array<{ filename: string }>;
  return path.join(dir, filename);
}

/** The file names inside a zip (a VSIX), as `unzip -Z1` lists them. */
export function zipEntries(zip: string): string[] {
  return execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .sort();
}

/** The file names inside a .tgz (an npm package), as `tar -tzf` lists them. */
export function tarEntries(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .sort();
}

/** Unpacks a VSIX into a fresh temporary folder; its extension is in `<folder>/extension`. */
export function unpackVsix(vsix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-vsix-'));
  execFileSync('unzip', ['-q', vsix, '-d', dir]);
  return dir;
}

/** The artefact a check needs, handed over by the runner. */
export function artifactFromEnv(name: typeof VSIX_ENV | typeof TARBALL_ENV | typeof PACKAGE_REPORT_ENV): string {
  const value = process.env[name];
  if (!value || !fs.existsSync(value)) {
    throw new Error(`${name} does not name an existing file: run these checks with \`npm run test:artifacts\`, which builds the artefacts`);
  }
  return value;
}

export interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs a command to completion (never rejects on a non-zero exit); `timeoutMs` ends a hung run. */
export function run(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 32 * 1024 * 1024 }, (error, out, err) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out, err: error && typeof error.code !== 'number' ? `${err}\n${error.message}` : err });
    });
  });
}

/** The size of a folder's files, in bytes (what an install takes on disk, before block rounding). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** `WIDTHxHEIGHT` from a PNG's IHDR chunk. */
export function pngSize(file: string): string {
  const head = fs.readFileSync(file).subarray(0, 24);
  if (head.toString('latin1', 1, 4) !== 'PNG') throw new Error(`${file} is not a PNG`);
  return `${head.readUInt32BE(16)}x${head.readUInt32BE(20)}`;
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
