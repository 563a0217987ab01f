// Called by install.sh before code-server's postinstall runs: VS Code 1.106 pins @parcel/watcher to
// a git commit on GitHub, which this machine cannot reach. Points the pin at the registry's release
// of the same version number, 2.5.1 (its prebuilt linux-x64 binary is an optional package there).
// Also checks that @vscode/ripgrep is the version whose download install.sh prepares offline.
//   node patchCodeServer.mjs <node_modules/code-server> <expected @vscode/ripgrep version>
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [codeServer, ripgrepVersion] = process.argv.slice(2);
if (!codeServer || !ripgrepVersion) {
  console.error('usage: node patchCodeServer.mjs <code-server folder> <@vscode/ripgrep version>');
  process.exit(2);
}
const WATCHER = '@parcel/watcher';
const WATCHER_VERSION = '2.5.1';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

for (const folder of ['lib/vscode', 'lib/vscode/extensions']) {
  const manifestFile = join(codeServer, folder, 'package.json');
  const manifest = readJson(manifestFile);
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    if (manifest[field]?.[WATCHER]) manifest[field][WATCHER] = WATCHER_VERSION;
  }
  writeJson(manifestFile, manifest);

  const shrinkwrapFile = join(codeServer, folder, 'npm-shrinkwrap.json');
  const shrinkwrap = readJson(shrinkwrapFile);
  const rootPackage = shrinkwrap.packages?.[''] ?? {};
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    if (rootPackage[field]?.[WATCHER]) rootPackage[field][WATCHER] = WATCHER_VERSION;
  }
  const entry = shrinkwrap.packages?.[`node_modules/${WATCHER}`];
  if (entry) {
    // Without resolved and integrity npm takes the version from the registry.
    delete entry.resolved;
    delete entry.integrity;
    entry.version = WATCHER_VERSION;
  }
  writeJson(shrinkwrapFile, shrinkwrap);
  console.log(`test host: ${folder}: ${WATCHER} pinned to ${WATCHER_VERSION} from the registry`);
}

const ripgrep = readJson(join(codeServer, 'lib/vscode/npm-shrinkwrap.json')).packages?.['node_modules/@vscode/ripgrep'];
if (ripgrep?.version !== ripgrepVersion) {
  console.error(`test host: code-server wants @vscode/ripgrep ${ripgrep?.version ?? '(none)'}, install.sh prepares ${ripgrepVersion}: update install.sh`);
  process.exit(1);
}
