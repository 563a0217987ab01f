import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverDesignSystem } from '../../src/core/design';
import { designWorkspace, removeWorkspace } from '../fixtures/design/workspace';

const ALL_KINDS = ['design-md', 'dtcg', 'tailwind-v4', 'tailwind-v3', 'css-variables'];

describe('design system discovery', () => {
  const roots: string[] = [];
  const workspace = async (folders: string[], extra: Record<string, string> = {}): Promise<string> => {
    const root = await designWorkspace(folders, extra);
    roots.push(root);
    return root;
  };
  after(async () => {
    for (const root of roots) await removeWorkspace(root);
  });

  it('takes DESIGN.md first, then token files, Tailwind v4, Tailwind v3, CSS variables and a style guide file', async () => {
    const root = await workspace(ALL_KINDS, { 'docs/style-guide.md': '# Brand\n\nCalm and precise.\n' });
    const order: string[] = [];
    for (const remove of ['DESIGN.md', 'tokens', 'app.css', 'tailwind.config.js', 'styles', '']) {
      const found = await discoverDesignSystem(root);
      order.push(`${found.context?.source.kind ?? 'none'} ${found.context?.source.label ?? ''}`);
      if (remove) await fs.rm(path.join(root, remove), { recursive: true });
    }
    assert.deepEqual(order, [
      'design-md DESIGN.md',
      'dtcg tokens/ (2 token files)',
      'tailwind-v4 app.css',
      'tailwind-v3 tailwind.config.js',
      'css-variables styles/tokens.css',
      'style-guide docs/style-guide.md',
    ]);
  });

  it('records each file and its SHA-256; several token files get one hash over their names and hashes', async () => {
    const root = await workspace(['design-md', 'dtcg']);
    const sha = async (file: string): Promise<string> => createHash('sha256').update(await fs.readFile(path.join(root, file))).digest('hex');
    const md = await discoverDesignSystem(root);
    assert.deepEqual(md.context?.source.files, [{ path: 'DESIGN.md', sha256: await sha('DESIGN.md'), bytes: (await fs.stat(path.join(root, 'DESIGN.md'))).size }]);
    assert.equal(md.context?.source.sha256, await sha('DESIGN.md'));
    await fs.rm(path.join(root, 'DESIGN.md'));
    const tokens = await discoverDesignSystem(root);
    const files = ['tokens/primitives.tokens.json', 'tokens/semantic.tokens.json'];
    assert.deepEqual(
      tokens.context?.source.files.map((f) => f.path),
      files,
    );
    const lines = (await Promise.all(files.map(async (f) => `${f}\0${await sha(f)}\n`))).join('');
    assert.equal(tokens.context?.source.sha256, createHash('sha256').update(lines).digest('hex'));
    await fs.appendFile(path.join(root, files[0] ?? ''), '\n');
    assert.notEqual((await discoverDesignSystem(root)).context?.source.sha256, tokens.context?.source.sha256, 'an edit changes the hash');
  });

  it('prefers the shallowest file of a kind and skips dependency, build and hidden folders', async () => {
    const root = await workspace([], {
      'node_modules/some-kit/DESIGN.md': '---\nname: Not ours\n---\n',
      '.git/DESIGN.md': '---\nname: Not ours\n---\n',
      'dist/DESIGN.md': '---\nname: Not ours\n---\n',
      'packages/app/docs/DESIGN.md': '---\nname: Deep\ncolors:\n  primary: "#000000"\n---\n',
      'docs/DESIGN.md': '---\nname: Shallow\ncolors:\n  primary: "#ffffff"\n---\n',
    });
    const found = await discoverDesignSystem(root);
    assert.equal(found.context?.name, 'Shallow');
    assert.deepEqual(
      found.candidates.map((c) => c.path),
      ['docs/DESIGN.md'],
      'the walk stops at the level of the first DESIGN.md and never enters skipped folders',
    );
  });

  it('uses a pinned file or folder instead of searching, and says when the pin is wrong', async () => {
    const root = await workspace(['design-md', 'dtcg', 'css-variables']);
    const file = await discoverDesignSystem(root, { pinned: 'styles/tokens.css' });
    assert.equal(file.context?.source.kind, 'css-variables');
    const absolute = await discoverDesignSystem(root, { pinned: path.join(root, 'tokens/semantic.tokens.json') });
    assert.equal(absolute.context?.source.label, 'tokens/semantic.tokens.json');
    assert.match(absolute.problems.map((p) => p.text).join('\n'), /refers to color\.blue\.500, which does not exist/, 'one token file alone misses the other file');
    const folder = await discoverDesignSystem(root, { pinned: 'tokens' });
    assert.equal(folder.context?.source.label, 'tokens/ (2 token files)');
    const missing = await discoverDesignSystem(root, { pinned: 'design/DESIGN.md', pinnedBy: '--design-system' });
    assert.equal(missing.context, undefined);
    assert.deepEqual(
      missing.problems.map((p) => p.text),
      ['design/DESIGN.md: The design system file (named by --design-system) does not exist: check the path, or clear it to let the workspace be searched.'],
    );
    const outside = await discoverDesignSystem(root, { pinned: os.tmpdir(), pinnedBy: 'the setting foundryMockups.styleGuide' });
    assert.equal(outside.context, undefined);
    assert.match(outside.problems[0]?.text ?? '', /named by the setting foundryMockups\.styleGuide\) is outside the workspace folder/);
  });

  it('refuses a design file that is a symbolic link out of the workspace, and goes on to the next kind', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-design-outside-'));
    roots.push(outside);
    await fs.writeFile(path.join(outside, 'DESIGN.md'), '---\nname: Secret\ncolors:\n  primary: "#ff0000"\n---\n');
    const root = await workspace(['css-variables']);
    await fs.symlink(path.join(outside, 'DESIGN.md'), path.join(root, 'DESIGN.md'));
    const found = await discoverDesignSystem(root);
    assert.equal(found.context?.source.kind, 'css-variables');
    assert.notEqual(found.context?.name, 'Secret');
    const refusal = found.problems[0];
    assert.equal(refusal?.severity, 'error');
    assert.equal(refusal?.file, 'DESIGN.md');
    assert.match(refusal?.text ?? '', /^DESIGN\.md: is a symbolic link to .*fm-design-outside-.*DESIGN\.md outside the workspace folder, so it is not read/);
    const pinned = await discoverDesignSystem(root, { pinned: 'DESIGN.md' });
    assert.equal(pinned.context, undefined);
    assert.match(pinned.problems[0]?.message ?? '', /outside the workspace folder/);
  });

  it('follows a symbolic link that stays inside the workspace', async () => {
    const root = await workspace(['design-md']);
    await fs.mkdir(path.join(root, 'brand'));
    await fs.rename(path.join(root, 'DESIGN.md'), path.join(root, 'brand/DESIGN.source.md'));
    await fs.symlink(path.join(root, 'brand/DESIGN.source.md'), path.join(root, 'DESIGN.md'));
    const found = await discoverDesignSystem(root);
    assert.equal(found.context?.name, 'Heritage');
  });

  it('turns a huge workspace into a diagnostic: the walk stops at its limits', async () => {
    const extra: Record<string, string> = {};
    for (let i = 0; i < 40; i++) extra[`src/module-${String(i).padStart(2, '0')}.ts`] = '';
    extra['zz/DESIGN.md'] = '---\nname: Late\n---\n';
    const root = await workspace([], extra);
    const found = await discoverDesignSystem(root, { limits: { maxEntries: 30 } });
    assert.equal(found.truncated, true);
    assert.equal(found.entriesVisited, 31);
    assert.equal(found.context, undefined);
    assert.match(found.problems[0]?.text ?? '', /^Stopped looking for a design system after 31 folder entries: name the design system file/);
    const deep = await workspace([], { 'a/b/c/d/DESIGN.md': '---\nname: Deep\n---\n' });
    const shallow = await discoverDesignSystem(deep, { limits: { maxDepth: 2 } });
    assert.equal(shallow.context, undefined);
    assert.match(shallow.problems[0]?.text ?? '', /or 2 folder levels/);
    assert.equal((await discoverDesignSystem(deep)).context?.name, 'Deep');
  });

  it('refuses a design file over the size limit, naming its size', async () => {
    const root = await workspace([], { 'DESIGN.md': `---\nname: Big\n---\n${'x'.repeat(3000)}\n` });
    const found = await discoverDesignSystem(root, { limits: { maxFileBytes: 2048 } });
    assert.equal(found.context, undefined);
    assert.deepEqual(
      found.problems.map((p) => p.text),
      ['DESIGN.md: is 3 KiB; a design file may be at most 2 KiB, so it is not read.'],
    );
  });

  it('stops when cancelled', async () => {
    const root = await workspace(ALL_KINDS);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(discoverDesignSystem(root, { signal: controller.signal }), { name: 'AbortError' });
  });

  it('finds nothing, quietly, in a workspace without a design system', async () => {
    const root = await workspace([], { 'src/index.ts': 'export {};\n', 'README.md': '# App\n' });
    const found = await discoverDesignSystem(root);
    assert.equal(found.context, undefined);
    assert.deepEqual(found.problems, []);
  });
});
