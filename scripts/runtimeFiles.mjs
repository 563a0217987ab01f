// What the bundles load at run time, derived rather than listed: every output esbuild wrote, and for
// every import the bundles leave external, the files Node loads for it. An external is resolved the
// way Node resolves it (the package's `exports` under the conditions of the import's kind, with and
// without Node 22's `module-sync`, else `main`), then its own module graph is traced with esbuild,
// plus the assets its modules locate with `new URL('file', import.meta.url)`, and the package.json
// and licence files of every package involved. scripts/package.mjs ships exactly this (with the
// manifest's static files); test/smoke checks it against the files a real run opens.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const toPosix = (file) => file.split(path.sep).join('/');

/** Every output file of the build, as repository-relative posix paths, sorted. */
export function bundleOutputs(metafile) {
  return Object.keys(metafile.outputs).map(toPosix).sort();
}

/** The output built from `entryPoint` and every output it loads (chunks), transitively. */
export function outputsReachableFrom(metafile, entryPoint) {
  const start = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entryPoint);
  if (!start) throw new Error(`no bundle was built from ${entryPoint}`);
  const seen = new Set();
  const queue = [start[0]];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (!imported.external && metafile.outputs[imported.path]) queue.push(imported.path);
    }
  }
  return [...seen].map(toPosix).sort();
}

/**
 * dist/.npmignore for the npm package (`files: ["dist/"]`): only the outputs `entryPoint` loads.
 * npm honours an .npmignore inside a folder that `files` includes.
 */
export function npmIgnoreFor(metafile, entryPoint) {
  const kept = outputsReachableFrom(metafile, entryPoint).map((file) => {
    if (!file.startsWith('dist/')) throw new Error(`${file} is outside dist/`);
    return `!/${file.slice('dist/'.length)}`;
  });
  return `# Written by esbuild.mjs from the build's metafile: the npm package ships ${entryPoint}'s outputs only.\n*\n!*/\n${kept.join('\n')}\n`;
}

/** `@scope/name/sub/path` -> { name: '@scope/name', subpath: './sub/path' }. */
export function parseSpecifier(specifier) {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const rest = parts.slice(nameLength).join('/');
  return { name, subpath: rest ? `./${rest}` : '.' };
}

export function isBuiltin(specifier) {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]) || builtinModules.includes(specifier);
}

/** The import kinds esbuild reports, as Node's two resolvers. */
function resolverOf(kind) {
  if (kind === 'require-call' || kind === 'require-resolve') return 'require';
  if (kind === 'import-statement' || kind === 'dynamic-import') return 'import';
  throw new Error(`an external import of kind '${kind}' cannot be resolved the way Node does`);
}

/** Node's conditions for a resolver: Node 20, and Node 22.12+ with `module-sync`. */
export function conditionSets(resolver) {
  return [
    ['node', resolver, 'default'],
    ['node', resolver, 'module-sync', 'default'],
  ];
}

/** PACKAGE_TARGET_RESOLVE: a target string, array or conditions object; undefined when excluded. */
function resolveTarget(target, match, conditions) {
  if (typeof target === 'string') {
    if (!target.startsWith('./')) return undefined;
    return match === undefined ? target : target.replaceAll('*', match);
  }
  if (Array.isArray(target)) {
    for (const candidate of target) {
      const resolved = resolveTarget(candidate, match, conditions);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }
  if (target && typeof target === 'object') {
    for (const [key, value] of Object.entries(target)) {
      if (key === 'default' || conditions.includes(key)) {
        const resolved = resolveTarget(value, match, conditions);
        if (resolved !== undefined) return resolved;
      }
    }
  }
  return undefined;
}

/**
 * PACKAGE_EXPORTS_RESOLVE: the package-relative file (`./lib/x.mjs`) that `exports` maps `subpath`
 * to under `conditions`, exact keys first, then the `*` pattern with the longest prefix.
 */
export function resolveExports(exports, subpath, conditions) {
  const sugar = typeof exports === 'string' || Array.isArray(exports) || !Object.keys(exports ?? {}).some((key) => key.startsWith('.'));
  const map = sugar ? { '.': exports } : exports;
  if (Object.hasOwn(map, subpath) && !subpath.includes('*')) return resolveTarget(map[subpath], undefined, conditions);
  let bestKey;
  let bestMatch;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star === -1 || key.indexOf('*', star + 1) !== -1) continue;
    const base = key.slice(0, star);
    const trailer = key.slice(star + 1);
    if (!subpath.startsWith(base) || subpath === base) continue;
    if (trailer && (!subpath.endsWith(trailer) || subpath.length < key.length)) continue;
    const better = bestKey === undefined || base.length > bestKey.indexOf('*') || (base.length === bestKey.indexOf('*') && key.length > bestKey.length);
    if (better) {
      bestKey = key;
      bestMatch = subpath.slice(base.length, subpath.length - trailer.length);
    }
  }
  return bestKey === undefined ? undefined : resolveTarget(map[bestKey], bestMatch, conditions);
}

const isFile = (file) => statSync(file, { throwIfNoEntry: false })?.isFile() === true;

/** LOAD_AS_FILE, then LOAD_AS_DIRECTORY (main, index): Node's rules for a package without `exports`. */
function loadAsFileOrDirectory(file) {
  for (const candidate of [file, `${file}.js`, `${file}.json`, `${file}.node`]) {
    if (isFile(candidate)) return candidate;
  }
  const manifestFile = path.join(file, 'package.json');
  if (isFile(manifestFile)) {
    const main = JSON.parse(readFileSync(manifestFile, 'utf8')).main;
    if (typeof main === 'string') {
      const found = loadAsFileOrDirectory(path.join(file, main));
      if (found) return found;
    }
  }
  for (const index of ['index.js', 'index.json', 'index.node']) {
    if (isFile(path.join(file, index))) return path.join(file, index);
  }
  return undefined;
}

/** The package folder Node finds for `name` from `fromDir`: the nearest node_modules/<name> upwards. */
export function findPackageDir(fromDir, name) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (isFile(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The files a bare `specifier` resolves to from `fromDir` for `resolver`, one per condition set. */
export function resolvePackageEntries(fromDir, specifier, resolver) {
  const { name, subpath } = parseSpecifier(specifier);
  const dir = findPackageDir(fromDir, name);
  if (!dir) throw new Error(`'${specifier}' is external to the bundles but not installed: run npm ci`);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const entries = new Set();
  for (const conditions of conditionSets(resolver)) {
    let file;
    if (manifest.exports !== undefined) {
      const target = resolveExports(manifest.exports, subpath, conditions);
      if (target === undefined) throw new Error(`'${specifier}' is not exported by ${name} for the conditions ${conditions.join(', ')}`);
      file = path.join(dir, target);
    } else {
      file = loadAsFileOrDirectory(path.join(dir, subpath));
    }
    if (!file || !isFile(file)) throw new Error(`'${specifier}' resolves to ${file ?? 'nothing'}, which does not exist`);
    entries.add(file);
  }
  return { name, dir, entries: [...entries] };
}

/** The nearest folder above `file` that holds a package.json, stopping at the root. */
function packageRootOf(file, root) {
  for (let dir = path.dirname(file); dir.startsWith(root) && dir !== root; dir = path.dirname(dir)) {
    if (isFile(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

const NEW_URL_ASSET = /new\s+URL\(\s*(['"`])([^'"`$]+?)\1\s*,\s*import\.meta\.url\s*\)/g;
const LEGAL_FILE = /^(licen[cs]e|notice|copying|third[-_]party[-_]notices)(\.|$)/i;

/** esbuild's view of everything `entry` loads, for `resolver` and each condition set. */
async function traceModuleGraph(root, entry, resolver) {
  const inputs = new Set();
  for (const extra of [[], ['module-sync']]) {
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: resolver === 'require' ? 'cjs' : 'esm',
      target: 'esnext',
      conditions: extra,
      absWorkingDir: root,
      outdir: path.join(root, 'out', 'runtime-files-trace'),
      loader: { '.node': 'empty', '.wasm': 'empty' },
      logLevel: 'silent',
    });
    for (const input of Object.keys(result.metafile.inputs)) inputs.add(path.resolve(root, input));
  }
  return [...inputs];
}

/**
 * Completes a set of files with what Node and npm need around them: each package's package.json
 * (Node reads it to resolve the package) and licence files; and each installed dependency a shipped
 * package declares, traced like an entry, so that the shipped node_modules is a consistent tree
 * (npm list, which vsce runs, refuses one with a declared dependency missing).
 */
async function addPackageFiles(root, files) {
  const done = new Set();
  for (let changed = true; changed; ) {
    changed = false;
    const roots = new Set([...files].map((file) => packageRootOf(file, root)).filter((dir) => dir !== undefined && !done.has(dir)));
    for (const packageRoot of roots) {
      done.add(packageRoot);
      changed = true;
      files.add(path.join(packageRoot, 'package.json'));
      for (const name of readdirSync(packageRoot)) {
        if (LEGAL_FILE.test(name) && isFile(path.join(packageRoot, name))) files.add(path.join(packageRoot, name));
      }
      const manifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
      for (const dependency of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]) {
        const dir = findPackageDir(packageRoot, dependency);
        if (!dir) continue; // an optional dependency not installed for this platform
        if ([...files].some((file) => file.startsWith(`${dir}${path.sep}`))) continue;
        files.add(path.join(dir, 'package.json'));
        for (const resolver of ['require', 'import']) {
          let entries = [];
          try {
            entries = resolvePackageEntries(packageRoot, dependency, resolver).entries;
          } catch {
            continue; // nothing Node could load for this resolver (a types-only or ESM-only package)
          }
          for (const entry of entries) for (const loaded of await traceModuleGraph(root, entry, resolver)) files.add(loaded);
        }
      }
    }
  }
}

/**
 * What ships beside the bundles: for each external package the bundles import, the files Node
 * loads for it. `hostProvided` modules (vscode) are the host's; Node's built-ins are never shipped.
 */
export async function externalRuntimeFiles({ root, metafile, hostProvided = [] }) {
  const uses = new Map(); // specifier -> { resolver -> Set<output> }
  for (const [output, info] of Object.entries(metafile.outputs)) {
    for (const imported of info.imports ?? []) {
      if (!imported.external || isBuiltin(imported.path) || hostProvided.includes(imported.path)) continue;
      if (imported.path.startsWith('.') || path.isAbsolute(imported.path)) {
        throw new Error(`${output} leaves the relative import '${imported.path}' external: bundle it, or make it a package`);
      }
      const resolver = resolverOf(imported.kind);
      const key = `${imported.path}\0${resolver}`;
      if (!uses.has(key)) uses.set(key, { specifier: imported.path, resolver, outputs: new Set() });
      uses.get(key).outputs.add(toPosix(output));
    }
  }

  const packages = new Map(); // name -> { name, dir, specifiers, files: Set }
  for (const use of uses.values()) {
    const fromDir = path.resolve(root, path.dirname([...use.outputs][0]));
    const { name, dir, entries } = resolvePackageEntries(fromDir, use.specifier, use.resolver);
    const entry = packages.get(name) ?? { name, dir, specifiers: [], files: new Set() };
    packages.set(name, entry);
    entry.specifiers.push({ specifier: use.specifier, resolver: use.resolver, from: [...use.outputs].sort(), entries: entries.map((e) => toPosix(path.relative(root, e))) });
    for (const file of entries) {
      for (const loaded of await traceModuleGraph(root, file, use.resolver)) {
        entry.files.add(loaded);
        if (!/\.(c|m)?js$/.test(loaded)) continue;
        for (const match of readFileSync(loaded, 'utf8').matchAll(NEW_URL_ASSET)) {
          const asset = path.resolve(path.dirname(loaded), match[2]);
          if (isFile(asset)) entry.files.add(asset);
        }
      }
    }
  }

  for (const entry of packages.values()) {
    await addPackageFiles(root, entry.files);
  }

  const externals = [...packages.values()]
    .map((entry) => ({
      name: entry.name,
      dir: toPosix(path.relative(root, entry.dir)),
      specifiers: entry.specifiers,
      files: [...entry.files].map((file) => toPosix(path.relative(root, file))).sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const external of externals) {
    const outside = external.files.filter((file) => file.startsWith('../') || !existsSync(path.join(root, file)));
    if (outside.length) throw new Error(`${external.name} loads files outside the repository or missing: ${outside.join(', ')}`);
  }
  return externals;
}

/** The bundles' outputs and their externals' files: everything code loads at run time. */
export async function runtimeFiles({ root, metafile, hostProvided = [] }) {
  const outputs = bundleOutputs(metafile);
  const externals = await externalRuntimeFiles({ root, metafile, hostProvided });
  const files = [...new Set([...outputs, ...externals.flatMap((external) => external.files)])].sort();
  return { outputs, externals, files };
}

/**
 * Expands simple patterns relative to `root`: `dir/**` (every file below), `dir/*.ext` (`*` within
 * one name) and plain paths. Missing plain paths are reported, so a renamed file cannot drop silently.
 */
export function expandPatterns(root, patterns) {
  const found = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.isFile()) found.add(relative);
    }
  };
  for (const pattern of patterns) {
    if (pattern.endsWith('/**')) {
      walk(pattern.slice(0, -3));
    } else if (pattern.includes('*')) {
      const dir = path.posix.dirname(pattern);
      const name = new RegExp(`^${path.posix.basename(pattern).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
      for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
        if (entry.isFile() && name.test(entry.name)) found.add(dir === '.' ? entry.name : `${dir}/${entry.name}`);
      }
    } else if (isFile(path.join(root, pattern))) {
      found.add(pattern);
    } else {
      throw new Error(`${pattern} does not exist`);
    }
  }
  return [...found].sort();
}
