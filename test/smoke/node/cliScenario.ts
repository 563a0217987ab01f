// One scenario for the command-line tool however it was installed: --help, plan, generate at a
// post-processed size (390x844@3x, which loads wasm-vips) and at an exact one, estimate and run of a
// batch file, in an empty folder, against the Foundry emulator. Asserts what a CI user relies on:
// exit codes, exact pixel sizes, the files and sidecars written, and that estimate sends nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Emulator } from '../../emulator/server';
import { pngSize, run } from '../artifacts';

export const SCENARIO_BATCH = {
  defaults: { quality: 'low' },
  assets: [{ id: 'hero', prompt: 'Hero banner of a travel app', sizes: ['og-image', '1024x1024'] }],
};

/**
 * Runs the scenario with `command` (e.g. [node, '.../dist/cli.js'] or ['/prefix/bin/foundry-mockups'])
 * in a fresh empty folder, and returns that folder. `env` is added to the connection variables.
 */
export async function cliScenario(command: readonly string[], emulator: Emulator, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-cli-'));
  const connection = { AZURE_OPENAI_ENDPOINT: emulator.endpoint, AZURE_OPENAI_DEPLOYMENT: emulator.deployment, AZURE_OPENAI_API_KEY: emulator.apiKey, CI: 'true' };
  const [bin, ...prefix] = command;
  const cli = (...args: string[]) => run(bin, [...prefix, ...args], { cwd: folder, env: { ...process.env, ...connection, ...env } });
  const ok = async (...args: string[]) => {
    const result = await cli(...args);
    assert.equal(result.code, 0, `foundry-mockups ${args.join(' ')} exited ${result.code}:\n${result.err}${result.out}`);
    return result;
  };

  const help = await ok('--help');
  assert.match(help.out, /^Usage: foundry-mockups <command>/);
  for (const name of ['run', 'estimate', 'generate', 'plan']) assert.match(help.out, new RegExp(`^  ${name} `, 'm'));

  const plan = JSON.parse((await ok('plan', '390x844@3x', '--json')).out) as { target: { width: number; height: number }; generation: { width: number; height: number } };
  assert.deepEqual([plan.target.width, plan.target.height, plan.generation.width, plan.generation.height], [1170, 2532, 1184, 2544]);

  const generated = JSON.parse((await ok('generate', '--prompt', 'Login screen', '--size', '390x844@3x', '--size', '1024x1024', '--quality', 'low', '--json')).out) as {
    files: Array<{ file: string; original?: string; sidecar: string }>;
  };
  assert.deepEqual(generated.files.map((f) => path.relative(folder, f.file)), ['mockups/login-screen-1170x2532.png', 'mockups/login-screen-1024x1024.png']);
  assert.deepEqual(generated.files.map((f) => pngSize(f.file)), ['1170x2532', '1024x1024'], 'exact pixels, post-processed and not');
  assert.ok(generated.files[0].original && pngSize(generated.files[0].original) === '1184x2544', "the service's original is kept beside the post-processed image");
  assert.equal(generated.files[1].original, undefined, 'an exact size needs no original');
  for (const f of generated.files) {
    const sidecar = JSON.parse(fs.readFileSync(f.sidecar, 'utf8')) as { output: { width: number; height: number } };
    assert.equal(`${sidecar.output.width}x${sidecar.output.height}`, pngSize(f.file));
  }

  fs.writeFileSync(path.join(folder, 'launch.mockups.json'), JSON.stringify(SCENARIO_BATCH, null, 2));
  const before = emulator.requests.length;
  const estimate = await ok('estimate', 'launch.mockups.json');
  assert.match(estimate.out, /2 job\(s\) on gpt-image-2/);
  assert.equal(emulator.requests.length, before, 'estimating sends nothing');
  const report = JSON.parse((await ok('run', 'launch.mockups.json', '--json')).out) as { summary: { jobs: number; done: number; failed: number } };
  assert.deepEqual([report.summary.jobs, report.summary.done, report.summary.failed], [2, 2, 0]);
  assert.equal(pngSize(path.join(folder, 'mockups/launch/hero-og-image.png')), '1200x630');
  return folder;
}
