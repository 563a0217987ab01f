// Module hooks for traceFiles.mjs: records every file: URL an ES module is loaded from.
import { appendFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let trace;
export function initialize(data) {
  trace = data.trace;
}

export async function load(url, context, nextLoad) {
  if (trace && url.startsWith('file:')) {
    try {
      appendFileSync(trace, `${realpathSync(fileURLToPath(url))}\n`);
    } catch {
      // not a file on disk
    }
  }
  return nextLoad(url, context);
}
