// `npm run package`: the VSIX, assembled from what runs. A production build, then a staging folder
// (.package/vsix/) with exactly
//   - the manifest's static files (STATIC_FILES: package.json, nls, README, CHANGELOG, LICENSE,
//     l10n bundles, media, schemas, the docs the README links to),
//   - every output of the build and, for each import the bundles leave external, the files Node
//     loads for it (scripts/runtimeFiles.mjs derives both from esbuild's metafile),
// then `vsce package` in that folder: one universal .vsix (nothing in it is platform-specific).
// Prints what went in, by part, and the sizes. `--json` prints the same as JSON.
//   node scripts/package.mjs [--out file.vsix] [--json]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundles, CLI_ENTRY, HOST_PROVIDED } from '../esbuild.mjs';
import { expandPatterns, outputsReachableFrom, runtimeFiles } from './runtimeFiles.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** What the VSIX holds besides code: read by VS Code from the manifest, or linked from the README. */
export const STATIC_FILES = ['package.json', 'package.nls*.json', 'l10n/**', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/**', 'schemas/**', 'docs/**'];
export const STAGING_DIR = path.join(root, '.package', 'vsix');

/** The manifest as it ships: no build scripts (vsce would run vscode:prepublish again), no dev tooling. */
function shippedManifest(manifest) {
  const { scripts: _scripts, devDependencies: _dev, files: _files, ...shipped } = manifest;
  return shipped;
}

/** The packages the bundles leave to run time must be what package.json declares, for npm users. */
function checkDeclared(manifest, externals) {
  const declared = Object.keys(manifest.dependencies ?? {});
  const missing = externals.map((e) => e.name).filter((name) => !declared.includes(name));
  if (missing.length) {
    throw new Error(`the bundles load ${missing.join(', ')} at run time, but package.json does not list it under dependencies: the npm package would not install it`);
  }
}

export async function packageVsix({ out } = {}) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsix = path.resolve(root, out ?? `${manifest.name}-${manifest.version}.vsix`);
  const metafile = await buildBundles({ production: true });
  const runtime = await runtimeFiles({ root, metafile, hostProvided: HOST_PROVIDED });
  checkDeclared(manifest, runtime.externals);
  const staticFiles = expandPatterns(root, STATIC_FILES);

  rmSync(STAGING_DIR, { recursive: true, force: true });
  const files = [...new Set([...staticFiles, ...runtime.files])].sort();
  for (const file of files) {
    const target = path.join(STAGING_DIR, file);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(root, file), target);
  }
  writeFileSync(path.join(STAGING_DIR, 'package.json'), `${JSON.stringify(shippedManifest(manifest), null, 2)}\n`);
  writeFileSync(path.join(STAGING_DIR, '.vscodeignore'), '# Everything staged here ships: scripts/package.mjs staged exactly what runs.\n');

  const vsce = require.resolve('@vscode/vsce/vsce');
  rmSync(vsix, { force: true });
  // vsce takes node_modules/ from `npm list --production`, which sees the staged tree only.
  execFileSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix], {
    cwd: STAGING_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const size = (list) => list.reduce((sum, file) => sum + statSync(path.join(root, file)).size, 0);
  return {
    vsix,
    bytes: statSync(vsix).size,
    files,
    cliOutputs: outputsReachableFrom(metafile, CLI_ENTRY),
    externals: runtime.externals.map(({ name, specifiers }) => ({ name, from: [...new Set(specifiers.flatMap((s) => s.from))].sort() })),
    parts: [
      { part: 'static (manifest, docs, media, schemas)', files: staticFiles, bytes: size(staticFiles) },
      { part: 'bundles (dist/)', files: runtime.outputs, bytes: size(runtime.outputs) },
      ...runtime.externals.map((e) => ({ part: `external ${e.name} (${e.specifiers.map((s) => `${s.resolver} '${s.specifier}'`).join(', ')})`, files: e.files, bytes: size(e.files) })),
    ],
  };
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

async function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const result = await packageVsix({ out: outIndex >= 0 ? args[outIndex + 1] : undefined });
  if (args.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  for (const part of result.parts) {
    console.log(`${part.part}: ${part.files.length} files, ${mib(part.bytes)}`);
    for (const file of part.files) console.log(`  ${file}`);
  }
  const unpacked = result.parts.reduce((sum, part) => sum + part.bytes, 0);
  console.log(`${path.relative(root, result.vsix)}: ${mib(result.bytes)} (${result.bytes.toLocaleString('en-US')} bytes), ${result.files.length} files, ${mib(unpacked)} unpacked`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
