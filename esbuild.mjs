// Builds the three bundles: the extension (node, cjs), the command-line tool (node, cjs) and the
// Studio webview app (browser). Type checking is separate (`npm run typecheck`).
//   node esbuild.mjs               development build with sourcemaps
//   node esbuild.mjs --production  minified, no sourcemaps
//   node esbuild.mjs --watch       rebuilds on change, with the $esbuild-watch problem matcher lines
import { rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// A production build starts from an empty dist/, so no stale sourcemap is left beside it.
if (production) rmSync('dist', { recursive: true, force: true });

/**
 * Prints the lines VS Code's `$esbuild-watch` problem matcher looks for: one "started" when the
 * first of the bundles starts rebuilding and one "finished" when the last is done.
 */
let building = 0;
const watchLogPlugin = {
  name: 'watch-log',
  setup(build) {
    build.onStart(() => {
      if (building++ === 0) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (--building === 0) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: watch ? [watchLogPlugin] : [],
};

// wasm-vips loads its .wasm and worker script relative to its own files, so it stays outside the
// bundle and ships as node_modules/wasm-vips (see .vscodeignore).
const nodeExternal = ['vscode', 'wasm-vips'];

const contexts = await Promise.all([
  esbuild.context({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternal,
  }),
  esbuild.context({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternal,
    banner: { js: '#!/usr/bin/env node' },
  }),
  esbuild.context({
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
  }),
]);

if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  try {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
  } finally {
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
  }
}
