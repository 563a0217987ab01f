// What each bundle holds, read from the build's metafile (.build/extension.meta.json, written by
// esbuild.mjs): the activation shell must hold nothing but itself, so that activation evaluates
// none of the core, the openai SDK, ajv, @azure/identity or wasm-vips.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown>; imports: Array<{ path: string; kind: string; external?: boolean }> }>;
}

const REPO = path.join(__dirname, '../../..');

function metafile(name: string): Metafile {
  return JSON.parse(readFileSync(path.join(REPO, '.build', `${name}.meta.json`), 'utf8')) as Metafile;
}

describe('bundles', () => {
  it('the activation shell bundles only itself, the Studio view type and the read-only documents provider; features are a separate bundle', () => {
    const { outputs } = metafile('extension');
    const shell = outputs['dist/extension.js'];
    assert.ok(shell, 'dist/extension.js is built');
    assert.deepEqual(Object.keys(shell.inputs).sort(), ['src/extension.ts', 'src/host/readOnlyDocuments.ts', 'src/studio/viewType.ts']);
    assert.deepEqual([...new Set(shell.imports.map((i) => i.path))].sort(), ['node:path', 'vscode']);
    const features = outputs['dist/features.js'];
    assert.ok(features, 'dist/features.js is built');
    const inputs = Object.keys(features.inputs);
    for (const heavy of ['node_modules/openai/', 'node_modules/ajv/', 'node_modules/@azure/identity/', 'src/core/generation/', 'src/core/batch/']) {
      assert.ok(inputs.some((file) => file.startsWith(heavy)), `dist/features.js holds ${heavy}`);
    }
    assert.ok(features.imports.some((i) => i.path === 'wasm-vips' && i.external), 'wasm-vips stays outside the bundles');
  });
});
