// Builds the three bundles: the extension (node, cjs), the command-line tool (node, cjs) and the
// Studio webview app (browser). Type checking is separate (`npm run typecheck`).
//   node esbuild.mjs               development build with sourcemaps
//   node esbuild.mjs --production  minified, no sourcemaps
//   node esbuild.mjs --watch       rebuilds on change, with the $esbuild-watch problem matcher lines
// `buildBundles()` is also what scripts/package.mjs calls: what ships in the VSIX and the npm package
// is derived from the metafile it returns (scripts/runtimeFiles.mjs), so nothing here is listed twice.
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { npmIgnoreFor } from './scripts/runtimeFiles.mjs';

/**
 * Modules the bundles leave to run time: `vscode` is the host's, and wasm-vips loads its .wasm and
 * worker script relative to its own files. Every other import is bundled.
 */
export const NODE_EXTERNALS = ['vscode', 'wasm-vips'];
/** Provided by the host that loads the bundle, never shipped. */
export const HOST_PROVIDED = ['vscode'];
/** The command-line tool's entry point: the npm package ships its output and whatever that loads. */
export const CLI_ENTRY = 'src/cli/main.ts';

/**
 * Prints the lines VS Code's `$esbuild-watch` problem matcher looks for: one "started" when the
 * first of the bundles starts rebuilding and one "finished" when the last is done.
 */
function watchLogPlugin() {
  let building = 0;
  return {
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
}

/**
 * Writes a node build's metafile to .build/<name>.meta.json (not shipped): what each bundle holds,
 * for the tests that check what activation loads (test/unit/bundles.test.ts).
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

function contextOptions({ production, watch }) {
  const common = {
    bundle: true,
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    metafile: true,
    // jsonc-parser's main entry is a UMD module whose require() calls esbuild cannot follow, so the
    // bundle would fail at run time; its ES module build bundles cleanly.
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  };
  const plugins = watch ? [watchLogPlugin()] : [];
  return [
    // The activation shell (dist/extension.js) and the rest of the extension (dist/features.js),
    // which the shell loads on first use: activation evaluates only the shell.
    {
      ...common,
      plugins: [...plugins, metafilePlugin('extension')],
      entryPoints: ['src/extension.ts', 'src/features.ts'],
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: NODE_EXTERNALS,
    },
    {
      ...common,
      plugins: [...plugins, metafilePlugin('cli')],
      entryPoints: [CLI_ENTRY],
      outfile: 'dist/cli.js',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: NODE_EXTERNALS,
      banner: { js: '#!/usr/bin/env node' },
    },
    {
      ...common,
      plugins,
      entryPoints: ['src/webview/main.ts'],
      outfile: 'dist/webview.js',
      platform: 'browser',
      format: 'iife',
      target: ['chrome120'],
    },
    // The codicons the Studio's icon buttons draw (@vscode-elements' vscode-icon finds the stylesheet
    // by its id, vscode-codicon-stylesheet): dist/codicon.css and the font it loads, dist/codicon.ttf.
    {
      ...common,
      sourcemap: false,
      plugins,
      entryPoints: [{ in: 'node_modules/@vscode/codicons/dist/codicon.css', out: 'codicon' }],
      outdir: 'dist',
      loader: { '.ttf': 'file' },
      assetNames: '[name]',
    },
  ];
}

/** One metafile for all bundles (esbuild's paths are relative to the repository root). */
function mergeMetafiles(metafiles) {
  const merged = { inputs: {}, outputs: {} };
  for (const metafile of metafiles) {
    Object.assign(merged.inputs, metafile.inputs);
    Object.assign(merged.outputs, metafile.outputs);
  }
  return merged;
}

/**
 * Builds every bundle once and returns the merged metafile. Writes dist/.npmignore, which limits the
 * npm package's `files: ["dist/"]` to the command-line tool's outputs.
 */
export async function buildBundles({ production = false } = {}) {
  // A production build starts from an empty dist/, so no stale file or sourcemap is left beside it.
  if (production) rmSync('dist', { recursive: true, force: true });
  const results = await Promise.all(contextOptions({ production, watch: false }).map((options) => esbuild.build(options)));
  const metafile = mergeMetafiles(results.map((result) => result.metafile));
  writeFileSync('dist/.npmignore', npmIgnoreFor(metafile, CLI_ENTRY));
  return metafile;
}

async function main() {
  const production = process.argv.includes('--production');
  if (!process.argv.includes('--watch')) {
    await buildBundles({ production });
    return;
  }
  const contexts = await Promise.all(contextOptions({ production, watch: true }).map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((ctx) => ctx.watch()));
}

if (process.argv[1] && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1])) {
  await main();
}
