// Builds the three bundles: the extension (node, cjs), the command-line tool (node, cjs) and the
// Studio webview app (browser). Type checking is separate (`npm run typecheck`).
//   node esbuild.mjs               development build with sourcemaps
//   node esbuild.mjs --production  minified, no sourcemaps
//   node esbuild.mjs --watch       rebuilds on change, with the $esbuild-watch problem matcher lines
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * Writes each node build's metafile to .build/<name>.meta.json (not shipped): what each bundle
 * holds, for the tests that check what activation loads and what packaging ships.
 */
function metafilePlugin(name) {
  return {
    name: 'metafile',
    setup(build) {
      build.onEnd((result) => {
        if (!result.metafile) return;
        mkdirSync('.build', { recursive: true });
        writeFileSync(`.build/${name}.meta.json`, JSON.stringify(result.metafile));
      });
    },
  };
}

const common = {
  bundle: true,
  // jsonc-parser's default (UMD) build loads its parts with a require() esbuild cannot follow.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
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
  // The activation shell (dist/extension.js) and the rest of the extension (dist/features.js),
  // which the shell loads on first use: activation evaluates only the shell.
  esbuild.context({
    ...common,
    entryPoints: ['src/extension.ts', 'src/features.ts'],
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternal,
    metafile: true,
    plugins: [...common.plugins, metafilePlugin('extension')],
  }),
  esbuild.context({
    ...common,
    metafile: true,
    plugins: [...common.plugins, metafilePlugin('cli')],
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
