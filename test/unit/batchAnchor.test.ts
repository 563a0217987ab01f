// Batches with the workspace design system and an anchor, end to end through the CLI's `run` against
// the emulator: what reaches the service, what the sidecars record, who waits for whom, and what a
// rerun sends.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { type CliRun, cliAgainstEmulator } from '../fixtures/cli';
import { parseBatch, runBatch, shardOf } from '../../src/core/batch';
import { localFiles } from '../../src/core/batch';
import { ANCHOR_INSTRUCTION } from '../../src/core/prompts';
import { loadPresetCatalogue } from '../../src/core/sizes/designSystem';
import { emulatorRunOptions } from '../fixtures/batch/workspace';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface Sidecar {
  prompt: { sent: string; styleGuide?: string; designSystem?: { sha256: string; block: string } };
  request: { operation: string };
  lineage?: { parent?: unknown; anchor?: { file: string; sha256: string } };
}

describe('batches: the design system, anchors and the one path resolver', function () {
  this.timeout(120_000);
  const cli = cliAgainstEmulator('fm-batch-anchor-');
  const run = (args: string[]): Promise<CliRun> => cli.run(args);
  const writeBatch = (spec: unknown): Promise<void> => fs.writeFile(path.join(cli.root, 'set.mockups.json'), JSON.stringify(spec, null, 2));
  const sidecar = async (relative: string): Promise<Sidecar> => JSON.parse(await fs.readFile(path.join(cli.root, `${relative}.mockup.json`), 'utf8')) as Sidecar;

  it('sends the workspace design system with every job and records it; an asset can leave it out; --design-system pins another', async () => {
    await fs.writeFile(path.join(cli.root, 'DESIGN.md'), '---\nname: Brew\ncolors:\n  primary: "#6F4E37"\ntypography:\n  body:\n    fontFamily: Fraunces\n---\n');
    await writeBatch({
      output: 'out',
      defaults: { quality: 'low' },
      assets: [
        { id: 'home', prompt: 'Home screen of a coffee app', sizes: ['1024x1024', '1536x1024'], locales: ['en', 'ja'] },
        { id: 'plain', prompt: 'A neutral wireframe', sizes: ['1024x1024'], options: { designSystem: false } },
      ],
    });
    const result = await run(['run', 'set.mockups.json']);
    assert.equal(result.code, 0, result.err);
    assert.equal(cli.emulator.requests.length, 5);
    const prompts = cli.emulator.requests.map((r) => String(r.body?.['prompt']));
    const branded = prompts.filter((p) => p.startsWith('Home screen'));
    assert.equal(branded.length, 4);
    for (const prompt of branded) {
      assert.match(prompt, /#6f4e37/i, 'the colour reaches the service');
      assert.match(prompt, /Fraunces/, 'the font family reaches the service');
    }
    const plain = prompts.find((p) => p.startsWith('A neutral wireframe'));
    assert.ok(plain);
    assert.doesNotMatch(plain, /#6f4e37/i, '"designSystem": false leaves it out');

    const recorded = await sidecar('out/home-1024x1024-ja.png');
    assert.equal(recorded.prompt.styleGuide, 'DESIGN.md');
    assert.equal(recorded.prompt.designSystem?.sha256, sha256(await fs.readFile(path.join(cli.root, 'DESIGN.md'))));
    assert.match(recorded.prompt.designSystem?.block ?? '', /#6f4e37/i);

    // A rerun with the same design system sends nothing; estimate and run agree on what is done.
    cli.emulator.reset();
    const estimate = await run(['estimate', 'set.mockups.json', '--json']);
    assert.equal((JSON.parse(estimate.out) as { toSend: number }).toSend, 0, estimate.err);
    assert.equal((await run(['run', 'set.mockups.json'])).code, 0);
    assert.equal(cli.emulator.requests.length, 0, 'nothing is sent again');

    // Another design system changes the prompts: the jobs are made again, under new names.
    await fs.writeFile(path.join(cli.root, 'brand.tokens.json'), JSON.stringify({ color: { primary: { $type: 'color', $value: '#0B5FFF' } } }));
    const pinned = await run(['run', 'set.mockups.json', '--design-system', 'brand.tokens.json']);
    assert.equal(pinned.code, 0, pinned.err);
    const again = cli.emulator.requests.map((r) => String(r.body?.['prompt'])).filter((p) => p.startsWith('Home screen'));
    assert.equal(again.length, 4);
    for (const prompt of again) assert.match(prompt, /#0b5fff/i);
  });

  it('makes the anchor first, then sends its image as a reference with every other size, locale and asset; the lineage records it; a rerun sends nothing', async () => {
    await writeBatch({
      output: 'out',
      anchor: 'home',
      defaults: { quality: 'low' },
      locales: { en: {}, de: {} },
      assets: [
        { id: 'settings', prompt: 'Settings screen of a banking app', sizes: ['1024x1024'] },
        { id: 'home', prompt: 'Home screen of a banking app', sizes: ['1024x1024', '1536x1024'] },
      ],
    });
    const result = await run(['run', 'set.mockups.json', '--concurrency', '4']);
    assert.equal(result.code, 0, result.err);
    assert.equal(cli.emulator.requests.length, 6);

    // The anchor (home's first job) is a plain generation, sent and answered before anything that needs it.
    const anchorRequest = cli.emulator.requests[0];
    assert.equal(anchorRequest.operation, 'generations');
    assert.match(String(anchorRequest.body?.['prompt']), /^Home screen of a banking app/);
    assert.doesNotMatch(String(anchorRequest.body?.['prompt']), /anchor of this set/);
    const anchorFile = 'out/home-1024x1024-en.png';
    const anchorBytes = await fs.readFile(path.join(cli.root, anchorFile));

    for (const request of cli.emulator.requests.slice(1)) {
      assert.equal(request.operation, 'edits', 'a job with an anchor goes to the edits endpoint');
      const images = request.files.filter((f) => f.field === 'image' || f.field === 'image[]');
      assert.equal(images.length, 1);
      assert.equal(sha256(images[0].bytes), sha256(anchorBytes), 'the anchor image, as written, is the reference');
      assert.ok(String(request.body?.['prompt']).startsWith(ANCHOR_INSTRUCTION), 'the prompt asks for the anchor look');
      assert.ok(request.receivedAt >= anchorRequest.receivedAt);
    }

    for (const made of ['out/home-1024x1024-de.png', 'out/home-1536x1024-en.png', 'out/settings-1024x1024-en.png', 'out/settings-1024x1024-de.png']) {
      const recorded = await sidecar(made);
      assert.equal(recorded.request.operation, 'edit');
      assert.deepEqual(recorded.lineage?.anchor, { file: anchorFile, sha256: sha256(anchorBytes), bytes: anchorBytes.length });
      assert.equal(recorded.lineage?.parent, undefined, 'an anchored generation has no parent');
    }
    assert.equal((await sidecar(anchorFile)).lineage, undefined, 'the anchor itself has no anchor');

    cli.emulator.reset();
    const rerun = await run(['run', 'set.mockups.json']);
    assert.equal(rerun.code, 0, rerun.err);
    assert.equal(cli.emulator.requests.length, 0, 'done jobs, anchored ones included, are skipped');
  });

  it('does not send the jobs that wait for an anchor that failed, and sends them once it is made', async () => {
    await writeBatch({ output: 'out', anchor: 'home', defaults: { quality: 'low' }, assets: [{ id: 'home', prompt: 'Home screen', sizes: ['1024x1024'] }, { id: 'cart', prompt: 'Cart screen', sizes: ['1024x1024', '1536x1024'] }] });
    cli.emulator.inject({ type: 'safety', shape: 'promptBlocked' });
    const failed = await run(['run', 'set.mockups.json', '--json']);
    assert.equal(failed.code, 1);
    assert.equal(cli.emulator.requests.length, 1, 'only the anchor was sent');
    const report = JSON.parse(failed.out) as { jobs: Array<{ id: string; status: string; reason?: string }> };
    for (const id of ['cart/1024x1024/-/v1', 'cart/1536x1024/-/v1']) {
      const job = report.jobs.find((j) => j.id === id);
      assert.equal(job?.status, 'failed');
      assert.match(job?.reason ?? '', /Not sent: its anchor home\/1024x1024\/-\/v1 failed/);
    }
    assert.match(failed.err, /not sent: 2 job\(s\): The anchor home\/1024x1024\/-\/v1 failed/, 'one line for the shared cause');
    assert.deepEqual(await fs.readdir(path.join(cli.root, 'out')).then((f) => f.filter((n) => n.endsWith('.png'))), [], 'nothing written');

    cli.emulator.reset();
    const retried = await run(['run', 'set.mockups.json']);
    assert.equal(retried.code, 0, retried.err);
    assert.deepEqual(cli.emulator.requests.map((r) => r.operation), ['generations', 'edits', 'edits']);
  });

  it('sends a workspace image named as the anchor with every job, and makes the jobs again when it changes', async () => {
    await fs.mkdir(path.join(cli.root, 'approved'));
    await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#224488' } }).png().toFile(path.join(cli.root, 'approved', 'home.png'));
    await writeBatch({ output: 'out', anchor: 'approved/home.png', defaults: { quality: 'low' }, assets: [{ id: 'home', prompt: 'Home screen', sizes: ['1024x1024', '1536x1024'] }] });
    const result = await run(['run', 'set.mockups.json']);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(cli.emulator.requests.map((r) => r.operation), ['edits', 'edits']);
    assert.equal((await sidecar('out/home-1536x1024.png')).lineage?.anchor?.file, 'approved/home.png');

    cli.emulator.reset();
    await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#884422' } }).png().toFile(path.join(cli.root, 'approved', 'home.png'));
    assert.equal((await run(['run', 'set.mockups.json'])).code, 0);
    assert.equal(cli.emulator.requests.length, 2, 'a changed anchor makes every job new');
  });

  it('a batch edit keeps its context: the edited image\'s prompt and quality come from its sidecar', async () => {
    const made = await run(['generate', '--prompt', 'Settings screen of a bank', '--size', '1024x1024', '--quality', 'low', '--name', 'settings']);
    assert.equal(made.code, 0, made.err);
    await writeBatch({ output: 'out', assets: [{ id: 'dark', prompt: 'Make the header dark', sizes: ['1024x1024'], edit: { image: 'mockups/settings.png' } }] });
    cli.emulator.reset();
    const result = await run(['run', 'set.mockups.json']);
    assert.equal(result.code, 0, result.err);
    const request = cli.emulator.requests[0];
    assert.equal(request.operation, 'edits');
    assert.match(String(request.body?.['prompt']), /^Make the header dark\r?\n\r?\nKeep everything not named above as it is in the image, which shows: Settings screen of a bank/);
    assert.equal(request.body?.['quality'], 'low', 'the parent\'s quality, not a costlier default');
  });

  it('reports anchors that name nothing, chains of anchors and anchors outside the workspace, at their value', () => {
    const catalogue = loadPresetCatalogue({});
    const problems = (spec: unknown): string[] =>
      parseBatch(JSON.stringify(spec, null, 2), { batchFile: path.join(cli.root, 'set.mockups.json'), root: cli.root, model: 'gpt-image-2', presets: (id) => catalogue.find(id), ...localFiles })
        .problems.filter((p) => p.severity === 'error')
        .map((p) => `${p.pointer}: ${p.message}`);
    assert.deepEqual(problems({ anchor: 'hom', assets: [{ id: 'home', prompt: 'Home', sizes: ['1024x1024'] }] }), ['/anchor: The anchor "hom" is neither an asset id of this batch (home) nor an image file.']);
    assert.match(problems({ anchor: 'mockups/approved.png', assets: [{ id: 'home', prompt: 'Home', sizes: ['1024x1024'] }] }).join('\n'), /^\/anchor: The anchor image "mockups\/approved.png" does not exist/);
    assert.match(problems({ anchor: '../outside.png', assets: [{ id: 'home', prompt: 'Home', sizes: ['1024x1024'] }] }).join('\n'), /outside the workspace folder/);
    assert.deepEqual(
      problems({ assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'] }, { id: 'b', prompt: 'B', sizes: ['1024x1024'], anchor: 'a' }, { id: 'c', prompt: 'C', sizes: ['1024x1024'], anchor: 'b' }] }),
      ['/assets/2/anchor: The anchor "b" has an anchor of its own ("a"): an anchor is made first, from its prompt alone. Name "a" here, or set "anchor": false on "b".'],
    );
    assert.deepEqual(problems({ anchor: 'a', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'] }, { id: 'b', prompt: 'B', sizes: ['1024x1024'], anchor: false }] }), [], 'false opts an asset out');
  });

  it('with --shard, a job whose anchor is in another shard and not made yet is not sent, and says which shard to run first', async () => {
    const assets = Array.from({ length: 12 }, (_, i) => ({ id: `s${i}`, prompt: `Screen ${i}`, sizes: ['1024x1024'] }));
    await writeBatch({ output: 'out', anchor: 's0', defaults: { quality: 'low' }, assets });
    const catalogue = loadPresetCatalogue({});
    const file = path.join(cli.root, 'set.mockups.json');
    const parsed = parseBatch(await fs.readFile(file, 'utf8'), { batchFile: file, root: cli.root, model: 'gpt-image-2', presets: (id) => catalogue.find(id), ...localFiles });
    assert.ok(parsed.batch);
    const anchorShard = shardOf('s0/1024x1024/-/v1', 2);
    const other = { index: 2 - anchorShard, count: 2 };
    const first = await runBatch(parsed.batch, emulatorRunOptions(cli.emulator, { shard: other, writeReport: false }));
    assert.ok(first.results.length > 0);
    for (const r of first.results) {
      assert.equal(r.status, 'failed');
      assert.match(r.reason ?? '', /its anchor s0\/1024x1024\/-\/v1 is not made yet, and it is in another shard/);
    }
    assert.equal(cli.emulator.requests.length, 0);

    // Once the anchor's shard ran, the other shard uses the anchor it made.
    await runBatch(parsed.batch, emulatorRunOptions(cli.emulator, { shard: { index: anchorShard + 1, count: 2 }, writeReport: false }));
    cli.emulator.reset();
    const second = await runBatch(parsed.batch, emulatorRunOptions(cli.emulator, { shard: other, writeReport: false }));
    assert.ok(second.results.every((r) => r.status === 'done'), JSON.stringify(second.results.map((r) => r.reason)));
    assert.ok(cli.emulator.requests.every((r) => r.operation === 'edits'));
  });
  it('refuses every batch path that leads outside through a symbolic link, and outputs inside .git/ or node_modules/, sending nothing', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-batch-outside-'));
    await fs.writeFile(path.join(outside, 'secret.md'), 'The secret brand text');
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#000000' } }).png().toFile(path.join(outside, 'secret.png'));
    await fs.symlink(outside, path.join(cli.root, 'elsewhere'));
    await fs.symlink(path.join(outside, 'secret.md'), path.join(cli.root, 'style.md'));
    await fs.symlink(path.join(outside, 'secret.png'), path.join(cli.root, 'linked.png'));
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toFile(path.join(cli.root, 'real.png'));
    await fs.mkdir(path.join(cli.root, 'out'));
    await fs.symlink(outside, path.join(cli.root, 'out', 'ja'));
    const cases: Array<{ spec: unknown; message: RegExp }> = [
      { spec: { output: 'elsewhere', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'] }] }, message: /set.mockups.json:2:13: error: The output folder "elsewhere" is outside the workspace folder \(a symbolic link leads there\)/ },
      { spec: { output: 'out', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'], locales: ['ja'], output: '{locale}/{id}' }] }, message: /gives "ja\/a": The output folder "out\/ja" is outside the workspace folder \(a symbolic link leads there\)/ },
      { spec: { output: 'out', defaults: { styleGuide: 'style.md' }, assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'] }] }, message: /The style guide "style.md" is outside the workspace folder \(a symbolic link leads there\)/ },
      { spec: { output: 'out', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'], edit: { image: 'linked.png' } }] }, message: /The image to edit "linked.png" is outside the workspace folder \(a symbolic link leads there\)/ },
      { spec: { output: 'out', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'], edit: { image: 'real.png', mask: 'linked.png' } }] }, message: /The mask "linked.png" is outside the workspace folder \(a symbolic link leads there\)/ },
      { spec: { output: 'out', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'], edit: { image: 'real.png', references: ['linked.png'] } }] }, message: /The reference image "linked.png" is outside the workspace folder \(a symbolic link leads there\)/ },
      { spec: { output: 'out', anchor: 'linked.png', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'] }] }, message: /The anchor image "linked.png" is outside the workspace folder \(a symbolic link leads there\)/ },
      { spec: { output: '.git/mockups', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'] }] }, message: /inside \.git\/, which belongs to your tools/ },
      { spec: { output: 'node_modules/x', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'] }] }, message: /inside node_modules\/, which belongs to your tools/ },
    ];
    for (const { spec, message } of cases) {
      await writeBatch(spec);
      const result = await run(['run', 'set.mockups.json']);
      assert.equal(result.code, 2, `${JSON.stringify(spec)}: ${result.err}`);
      assert.match(result.err, message);
      assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
    }
    // The presets file too, by default and named with --presets, for every command that reads it.
    await fs.mkdir(path.join(cli.root, '.vscode'));
    await fs.writeFile(path.join(outside, 'mockups.json'), '{"presets": []}');
    await fs.symlink(path.join(outside, 'mockups.json'), path.join(cli.root, '.vscode', 'mockups.json'));
    await fs.symlink(path.join(outside, 'mockups.json'), path.join(cli.root, 'presets.json'));
    await writeBatch({ output: 'out', assets: [{ id: 'a', prompt: 'A', sizes: ['1024x1024'] }] });
    for (const args of [['plan', '1024x1024'], ['plan', '1024x1024', '--presets', 'presets.json'], ['run', 'set.mockups.json'], ['estimate', 'set.mockups.json'], ['generate', '--prompt', 'A', '--size', '1024x1024']]) {
      const result = await run(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.err}`);
      assert.match(result.err, /(\.vscode\/mockups\.json|--presets): The path "(\.vscode\/mockups\.json|presets\.json)" is outside the workspace folder/);
    }
    assert.equal(cli.emulator.requests.length, 0, 'nothing was sent');
    assert.deepEqual(await fs.readdir(outside).then((f) => f.sort()), ['mockups.json', 'secret.md', 'secret.png'], 'nothing was written outside');
  });
});
