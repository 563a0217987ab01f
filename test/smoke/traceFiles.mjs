// Preloaded with `node --import <this file>` (workers inherit it): appends to the file named by
// FOUNDRY_MOCKUPS_TRACE_FILE, one absolute path a line, every file the process reads through node:fs
// (which also loads CommonJS modules) or loads as an ES module (module.register's load hook).
// test/smoke/node/package.test.ts runs the command-line tool under it to learn what the bundles
// load at run time, and checks that the VSIX and the npm package hold all of it.
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const trace = process.env.FOUNDRY_MOCKUPS_TRACE_FILE;
if (trace) {
  const { appendFileSync } = fs;
  const record = (target) => {
    let file;
    if (typeof target === 'string') file = target;
    else if (target instanceof URL && target.protocol === 'file:') file = fileURLToPath(target);
    else if (Buffer.isBuffer(target)) file = target.toString('utf8');
    if (file && file !== trace) appendFileSync(trace, `${fs.realpathSync.native?.(file) ?? file}\n`);
  };
  const safeRecord = (target) => {
    try {
      record(target);
    } catch {
      // a path that does not exist: the call itself will report it
    }
  };
  for (const [owner, names] of [
    [fs, ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']],
    [fs.promises, ['readFile', 'open']],
  ]) {
    for (const name of names) {
      const original = owner[name];
      owner[name] = function traced(target, ...rest) {
        if (typeof target !== 'number' && !(target && typeof target === 'object' && 'fd' in target)) safeRecord(target);
        return original.call(this, target, ...rest);
      };
    }
  }
  register(new URL('./traceHooks.mjs', import.meta.url), { data: { trace } });
}
