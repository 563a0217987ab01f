/**
 * `npm run bench`: runs every compiled `out/bench/*.bench.js` in its own Node process (with
 * --expose-gc, so that peak-memory figures are not polluted by other benchmarks) and prints
 * what each reports. A file name given on the command line runs only the benchmarks that match it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';

const filters = process.argv.slice(2);
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n## ${file.replace(/\.bench\.js$/, '')}`);
  const result = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.error(`benchmark ${file} failed (exit ${String(result.status)})`);
  }
}
if (files.length === 0) console.log('no benchmarks matched');
process.exitCode = failed ? 1 : 0;
