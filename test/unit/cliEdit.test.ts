// The CLI's edit command and the design system on the command line, in process against the
// emulator: parity with the extension's Refine, Inpaint and Redesign, and the one path resolver.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { type CliRun, cliAgainstEmulator } from '../fixtures/cli';
import { ANCHOR_INSTRUCTION } from '../../src/core/prompts';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('CLI: edit, generate --anchor, and --design-system', function () {
  this.timeout(120_000);
  const cli = cliAgainstEmulator('fm-cli-edit-', async (root) => {
    await fs.mkdir(path.join(root, 'mockups'));
    await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#336699' } }).png().toFile(path.join(root, 'mockups', 'login.png'));
  });
  const run = (args: string[]): Promise<CliRun> => cli.run(args);

  it('refines an image beside it with its lineage, and inherits the quality of its sidecar', async () => {
    const first = await run(['generate', '--prompt', 'Settings screen', '--size', '1024x1024', '--quality', 'low', '--name', 'settings']);
    assert.equal(first.code, 0, first.err);
    const result = await run(['edit', 'mockups/settings.png', '--prompt', 'Make the toggle green', '--json']);
    assert.equal(result.code, 0, result.err);
    const { files } = JSON.parse(result.out) as { files: Array<{ file: string; sidecar: string }> };
    assert.equal(path.basename(files[0].file), 'settings-refined.png');
    const sidecar = JSON.parse(await fs.readFile(files[0].sidecar, 'utf8')) as { lineage: { mode: string; parent: { file: string } }; request: { quality: string } };
    assert.equal(sidecar.lineage.parent.file, 'mockups/settings.png');
    assert.equal(sidecar.lineage.mode, 'refine');
    assert.equal(sidecar.request.quality, 'low', 'the parent quality, not a costlier default');
    assert.equal(cli.emulator.requests.at(-1)?.operation, 'edits');
  });

  it('inpaints with a mask and keeps the pixels outside it; the service answer is the original', async () => {
    const mask = Buffer.alloc(1024 * 1024 * 4, 255);
    for (let y = 0; y < 100; y++) for (let x = 0; x < 100; x++) mask[(y * 1024 + x) * 4 + 3] = 0;
    await sharp(mask, { raw: { width: 1024, height: 1024, channels: 4 } }).png().toFile(path.join(cli.root, 'mask.png'));
    const result = await run(['edit', 'mockups/login.png', '--prompt', 'Add a logo', '--mask', 'mask.png', '--seam', '0', '--json']);
    assert.equal(result.code, 0, result.err);
    const { files } = JSON.parse(result.out) as { files: Array<{ file: string; original?: string }> };
    assert.equal(path.basename(files[0].file), 'login-inpainted.png');
    assert.ok(files[0].original, 'the service answer is kept');
    const out = await sharp(files[0].file).raw().toBuffer();
    // Far from the painted corner, the pixels are the input's flat colour.
    const o = (900 * 1024 + 900) * 3;
    assert.deepEqual([...out.subarray(o, o + 3)], [0x33, 0x66, 0x99]);
  });

  it('redesigns a screenshot with the design system of --design-system', async () => {
    await fs.writeFile(path.join(cli.root, 'brand.tokens.json'), JSON.stringify({ color: { primary: { $type: 'color', $value: '#0B5FFF' } }, font: { body: { $type: 'fontFamily', $value: 'Inter' } } }));
    const result = await run(['edit', 'mockups/login.png', '--mode', 'redesign', '--prompt', 'The same screen in our design system', '--design-system', 'brand.tokens.json', '--json']);
    assert.equal(result.code, 0, result.err);
    const sent = String(cli.emulator.requests.at(-1)?.body?.prompt);
    assert.match(sent, /^Redesign the screen in the image/);
    assert.match(sent, /#0b5fff/i);
    assert.match(sent, /Inter/);
    const { files } = JSON.parse(result.out) as { files: Array<{ file: string }> };
    assert.equal(path.basename(files[0].file), 'login-redesigned.png');
  });

  it('generate finds the design system in the working folder and sends it', async () => {
    await fs.writeFile(path.join(cli.root, 'DESIGN.md'), '---\nname: Brew\ncolors:\n  primary: "#6F4E37"\n---\n');
    const result = await run(['generate', '--prompt', 'Login', '--size', '1024x1024', '--quality', 'low']);
    assert.equal(result.code, 0, result.err);
    assert.match(String(cli.emulator.requests.at(-1)?.body?.prompt), /#6f4e37/i);
  });

  it('generate --anchor sends the anchor with every size and locale to the edits endpoint; the sidecars record it', async () => {
    const anchorBytes = await fs.readFile(path.join(cli.root, 'mockups', 'login.png'));
    const result = await run(['generate', '--prompt', 'Cart screen', '--size', '1024x1024', '--size', '1536x1024', '--quality', 'low', '--name', 'cart', '--anchor', 'mockups/login.png', '--json']);
    assert.equal(result.code, 0, result.err);
    assert.equal(cli.emulator.requests.length, 2);
    for (const request of cli.emulator.requests) {
      assert.equal(request.operation, 'edits');
      const images = request.files.filter((f) => f.field === 'image' || f.field === 'image[]');
      assert.deepEqual(images.map((f) => sha256(f.bytes)), [sha256(anchorBytes)], 'the anchor is the one input image');
      assert.ok(String(request.body?.prompt).startsWith(ANCHOR_INSTRUCTION));
    }
    const { files } = JSON.parse(result.out) as { files: Array<{ file: string; sidecar: string }> };
    assert.equal(files.length, 2);
    for (const file of files) {
      const sidecar = JSON.parse(await fs.readFile(file.sidecar, 'utf8')) as { request: { operation: string }; lineage: { anchor: { file: string; sha256: string }; parent?: unknown } };
      assert.deepEqual([sidecar.request.operation, sidecar.lineage.anchor.file, sidecar.lineage.anchor.sha256], ['edit', 'mockups/login.png', sha256(anchorBytes)]);
      assert.equal(sidecar.lineage.parent, undefined);
    }
  });

  it('generate --anchor refuses an anchor outside the folder, missing or not an image, naming the flag and sending nothing', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-cli-anchor-outside-'));
    await fs.copyFile(path.join(cli.root, 'mockups', 'login.png'), path.join(outside, 'secret.png'));
    await fs.symlink(path.join(outside, 'secret.png'), path.join(cli.root, 'linked.png'));
    await fs.writeFile(path.join(cli.root, 'notes.txt'), 'not an image');
    for (const [anchor, expected] of [
      ['../secret.png', /^foundry-mockups generate: --anchor: "\.\.\/secret\.png" is outside the current folder/],
      ['linked.png', /^foundry-mockups generate: --anchor: .*outside/],
      ['mockups/missing.png', /^foundry-mockups generate: --anchor mockups\/missing\.png: cannot be read \(ENOENT\)/],
      ['notes.txt', /^foundry-mockups generate: --anchor notes\.txt: only png and jpeg images can be sent/],
    ] as const) {
      const result = await run(['generate', '--prompt', 'Cart', '--anchor', anchor]);
      assert.equal(result.code, 2, `${anchor}: ${result.err}`);
      assert.match(result.err, expected, anchor);
      assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
    }
    assert.equal(cli.emulator.requests.length, 0, 'nothing was sent');
  });

  it('--companion-folder keeps originals and painted masks in a sub-folder; a path is refused before anything is sent', async () => {
    const made = await run(['generate', '--prompt', 'Profile', '--size', '390x844@3x', '--quality', 'low', '--name', 'profile', '--companion-folder', 'originals', '--json']);
    assert.equal(made.code, 0, made.err);
    const { files } = JSON.parse(made.out) as { files: Array<{ file: string; original: string }> };
    assert.equal(path.relative(cli.root, files[0].original), path.join('mockups', 'originals', 'profile.original.png'));
    assert.deepEqual((await fs.readdir(path.join(cli.root, 'mockups'))).sort(), ['login.png', 'originals', 'profile.png', 'profile.png.mockup.json']);
    const requests = cli.emulator.requests.length;
    const bad = await run(['edit', 'mockups/login.png', '--prompt', 'Add a logo', '--companion-folder', '../x']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--companion-folder: .*path separator/);
    assert.doesNotMatch(bad.err, /\n\s+at /, 'no stack trace');
    assert.equal(cli.emulator.requests.length, requests);
  });

  it('refuses images, masks, references, outputs and design systems that lead outside the folder, sending nothing', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-cli-outside-'));
    await fs.copyFile(path.join(cli.root, 'mockups', 'login.png'), path.join(outside, 'secret.png'));
    await fs.writeFile(path.join(outside, 'DESIGN.md'), '---\ncolors:\n  primary: "#FF0000"\n---\n');
    await fs.symlink(path.join(outside, 'secret.png'), path.join(cli.root, 'linked.png'));
    await fs.symlink(outside, path.join(cli.root, 'elsewhere'));
    await fs.symlink(path.join(outside, 'DESIGN.md'), path.join(cli.root, 'linked-design.md'));
    for (const args of [
      ['edit', 'linked.png', '--prompt', 'x'],
      ['edit', '../x.png', '--prompt', 'x'],
      ['edit', 'mockups/login.png', '--prompt', 'x', '--mask', 'linked.png'],
      ['edit', 'mockups/login.png', '--prompt', 'x', '--reference', 'elsewhere/secret.png'],
      ['generate', '--prompt', 'x', '--out', 'elsewhere/out'],
      ['generate', '--prompt', 'x', '--out', '.git/hooks'],
      ['generate', '--prompt', 'x', '--design-system', 'linked-design.md'],
    ]) {
      const result = await run(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.err}`);
      assert.match(result.err, /outside|leaves the current folder|cannot be used|belongs to your tools/, args.join(' '));
      assert.doesNotMatch(result.err, /\n\s+at /, 'no stack trace');
    }
    assert.equal(cli.emulator.requests.length, 0, 'nothing was sent');
  });
});
