import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';

async function run(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd });
  return { code, out, err };
}

describe('CLI: plan', () => {
  it('prints the plan as one JSON object', async () => {
    const { code, out, err } = await run(['plan', '390x844@3x', '--json']);
    assert.equal(code, 0, err);
    const plan = JSON.parse(out) as {
      target: { width: number; height: number };
      generation: { width: number; height: number };
      steps: unknown[];
      warnings: string[];
      explanation: string;
    };
    assert.deepEqual([plan.target.width, plan.target.height], [1170, 2532]);
    assert.deepEqual([plan.generation.width, plan.generation.height], [1184, 2544]);
    assert.ok(Array.isArray(plan.steps) && Array.isArray(plan.warnings));
    assert.match(plan.explanation, /^Generate 1184x2544/);
  });

  it('takes preset ids, --model and --fit', async () => {
    const { code, out } = await run(['plan', 'og-image', '--model', 'gpt-image-1', '--fit', 'contain', '--json']);
    assert.equal(code, 0);
    const plan = JSON.parse(out) as { model: string; fit: string; generation: { width: number }; target: { presetId: string } };
    assert.deepEqual([plan.model, plan.fit, plan.generation.width, plan.target.presetId], ['gpt-image-1', 'contain', 1536, 'og-image']);
    const text = await run(['plan', 'linkedin-banner']);
    assert.match(text.out, /1584x396 \(LinkedIn background photo\) on gpt-image-2, fit cover:\n {2}Generate 1584x528/);
    assert.match(text.out, /warning: .*beyond gpt-image-2's 3:1 limit/);
  });

  it('reads workspace presets from .vscode/mockups.json in the current folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fm-cli-'));
    mkdirSync(path.join(dir, '.vscode'));
    writeFileSync(path.join(dir, '.vscode', 'mockups.json'), '{ "presets": [ { "id": "brand", "name": "Brand", "width": 600, "height": 300, "density": 2 }, { "id": "x" } ] }');
    const { code, out, err } = await run(['plan', 'brand', '--json'], dir);
    assert.equal(code, 0);
    assert.equal((JSON.parse(out) as { target: { width: number } }).target.width, 1200);
    assert.match(err, /warning: \.vscode[\\/]mockups\.json: presets\[1\] \(id "x"\): missing "name"/);
  });

  it('exits 2 with a clear message for invalid input', async () => {
    for (const [args, message] of [
      [['plan', '0x100', '--json'], /whole number of pixels above 0/],
      [['plan', '100000x100'], /100000 px/],
      [['plan', 'abc'], /"abc" is neither a size/],
      [['plan', '100x100', '--model', 'dall-e-3'], /unknown model "dall-e-3"/],
      [['plan', '100x100', '--fit', 'stretch'], /unknown fit "stretch"/],
      [['plan', '100x100', '--bogus'], /Unknown option '--bogus'/],
      [['plan'], /expected one target, got none/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ] as const) {
      const { code, err } = await run([...args]);
      assert.equal(code, 2, args.join(' '));
      assert.match(err, message);
    }
  });

  it('prints help with exit 0', async () => {
    assert.match((await run(['--help'])).out, /^ {2}plan {6}Show the generation size/m);
    assert.match((await run(['--help'])).out, /^ {2}estimate {2}Show the plan and estimated cost/m);
    assert.match((await run(['plan', '--help'])).out, /--fit <fit>/);
  });

  it('runs as the bundled dist/cli.js', function () {
    const cli = path.join(__dirname, '..', '..', '..', 'dist', 'cli.js');
    if (!existsSync(cli)) this.skip();
    const ok = spawnSync(process.execPath, [cli, 'plan', '1920x1080', '--json'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { generation: { height: number } }).generation.height, 1088);
    const bad = spawnSync(process.execPath, [cli, 'plan', '-5x5'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Unknown option '-5'/);
  });
});
