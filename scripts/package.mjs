// `npm run package`: makes one universal .vsix with @vscode/vsce (no --target: nothing in it is
// platform-specific) from the production build, lists what went in, and prints its size.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `${name}-${version}.vsix`;
const vsce = require.resolve('@vscode/vsce/vsce');

execFileSync(process.execPath, [vsce, 'package', '--no-update-package-json', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { stdio: 'inherit' });
const listing = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { encoding: 'utf8' });
console.log(`\nFiles packaged (besides node_modules/wasm-vips):\n${listing}`);
const bytes = statSync(out).size;
console.log(`${out}: ${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes.toLocaleString('en-US')} bytes)`);
