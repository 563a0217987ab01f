import * as assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { removeStaleTempFiles, writeFileAtomicExclusive, writeGroupAtomic, FileExistsError } from '../../src/core/assets/atomicWrite';
import { removeIncompleteGroups } from '../../src/core/assets/groups';
import { assetBaseName, editStem, fileNameProblem, slugFromPrompt } from '../../src/core/assets/naming';
import { PathOutsideRootError, PathRefusedError, resolveIn, resolveInRoots, resolveInside } from '../../src/core/assets/paths';
import { jobFingerprint, serializeSidecar, sha256, sidecarFileName, type Sidecar } from '../../src/core/assets/sidecar';

const schema = JSON.parse(readFileSync(path.join(__dirname, '../../../schemas/sidecar.schema.json'), 'utf8')) as object;

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'fm-assets-'));
}

describe('asset names', () => {
  it('makes a short slug of the meaningful words of the prompt', () => {
    assert.equal(slugFromPrompt('A checkout screen for a coffee app, dark mode, with Apple Pay'), 'checkout-screen-coffee-app-dark-mode');
    assert.equal(slugFromPrompt('Café crème — Übersicht'), 'cafe-creme-ubersicht');
  });

  it('falls back to a stable hashed name when the prompt has no Latin letters', () => {
    const ja = slugFromPrompt('日本語のログイン画面');
    assert.match(ja, /^mockup-[0-9a-f]{8}$/);
    assert.equal(slugFromPrompt('日本語のログイン画面'), ja, 'stable');
    assert.notEqual(slugFromPrompt('تسجيل الدخول'), ja, 'different prompts, different names');
  });

  it('adds the size or preset, the locale and the variant', () => {
    assert.equal(assetBaseName({ prompt: 'login', width: 1170, height: 2532 }), 'login-1170x2532');
    assert.equal(assetBaseName({ prompt: 'login', width: 1170, height: 2532, presetId: 'iphone-15', locale: 'ja', variant: 2, variants: 3 }), 'login-iphone-15-ja-v2');
    assert.equal(assetBaseName({ prompt: 'x', name: 'hero', width: 1200, height: 630, variant: 1, variants: 1 }), 'hero-1200x630');
    assert.equal(assetBaseName({ prompt: 'x', name: 'hero', width: 1200, height: 630, variant: 2, variants: 2, includeSize: false }), 'hero-v2');
  });

  it('names edits from the edited image without its marker or an earlier edit suffix', () => {
    assert.equal(editStem('mockups/login-1170x2532.png'), 'login-1170x2532');
    assert.equal(editStem('login.original.png'), 'login');
    assert.equal(editStem('login-refined.png'), 'login');
    assert.equal(editStem('login-inpainted-3.jpg'), 'login');
    assert.equal(editStem('C:\\work\\hero.png'), 'hero');
  });

  it('refuses names that are paths, hidden, reserved or not portable', () => {
    assert.match(fileNameProblem('../escape') ?? '', /path separator/);
    assert.match(fileNameProblem('.hidden') ?? '', /starts with a dot/);
    assert.match(fileNameProblem('con') ?? '', /reserved on Windows/);
    assert.match(fileNameProblem('a:b') ?? '', /not allowed/);
    assert.equal(fileNameProblem('checkout-screen'), undefined);
  });

  it('refuses names with control, bidirectional-override or zero-width characters, naming the character', () => {
    // "invoice\u202Egnp.exe" shows as "invoiceexe.png".
    assert.match(fileNameProblem('invoice\u202Egnp.exe') ?? '', /U\+202E/);
    assert.match(fileNameProblem('hero\u200Bbanner') ?? '', /U\+200B/);
    assert.match(fileNameProblem('tab\there') ?? '', /U\+0009/);
    assert.match(fileNameProblem('bell\u0085') ?? '', /U\+0085/);
    assert.equal(fileNameProblem('ログイン画面'), undefined, 'other scripts are fine');
  });
});

describe('paths stay inside the workspace folder', () => {
  it('resolves relative and absolute paths inside, and refuses those outside', async () => {
    const root = await tempDir();
    assert.equal(resolveInside(root, 'mockups/a'), path.join(root, 'mockups', 'a'));
    assert.equal(resolveInside(root, path.join(root, 'x')), path.join(root, 'x'));
    assert.throws(() => resolveInside(root, '../outside'), PathOutsideRootError);
    assert.throws(() => resolveInside(root, '/etc'), /outside the workspace folder/);
  });

  it('refuses a symbolic link that leads outside', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await fs.symlink(outside, path.join(root, 'link'));
    assert.throws(() => resolveInside(root, 'link/file.png'), PathOutsideRootError);
  });

  it('follows links inside the root, and refuses a link to a file outside for reading too', async () => {
    const root = await tempDir();
    const outside = await tempDir();
    await fs.mkdir(path.join(root, 'real'));
    await fs.symlink(path.join(root, 'real'), path.join(root, 'alias'));
    assert.equal(resolveInside(root, 'alias/new/deeper.png', 'write'), path.join(root, 'alias', 'new', 'deeper.png'));
    await fs.writeFile(path.join(outside, 'secret.md'), 'outside');
    await fs.symlink(path.join(outside, 'secret.md'), path.join(root, 'style.md'));
    assert.throws(() => resolveInside(root, 'style.md', 'read'), PathOutsideRootError);
  });

  it('refuses to write inside .git/ and node_modules/, also through a link, but reads there', async () => {
    const root = await tempDir();
    await fs.mkdir(path.join(root, '.git'));
    await fs.symlink(path.join(root, '.git'), path.join(root, 'innocent'));
    for (const requested of ['.git/hooks', 'node_modules/x/mockups', 'a/NODE_MODULES/b', 'innocent/images']) {
      assert.throws(() => resolveInside(root, requested, 'write'), (error: unknown) => error instanceof PathRefusedError && /belongs to your tools/.test(error.message), requested);
    }
    assert.equal(resolveInside(root, 'node_modules/pkg/logo.png', 'read'), path.join(root, 'node_modules', 'pkg', 'logo.png'));
  });

  it('gives paths to write in NFC and refuses invisible characters in them', async () => {
    const root = await tempDir();
    const nfd = 'Cafe\u0301';
    assert.equal(resolveIn(root, `mockups/${nfd}`, 'write').relative, 'mockups/Caf\u00e9');
    assert.throws(() => resolveInside(root, 'mockups/\u202Ehero', 'write'), (error: unknown) => error instanceof PathRefusedError && /U\+202E/.test(error.message) && error.message.includes('<U+202E>'));
  });

  it('picks the workspace folder that holds an absolute path, and the first for a relative one', async () => {
    const first = await tempDir();
    const second = await tempDir();
    assert.equal(resolveInRoots([first, second], path.join(second, 'a.png')).root, second);
    assert.equal(resolveInRoots([first, second], 'a.png').root, first);
    assert.throws(() => resolveInRoots([first, second], '/elsewhere/a.png'), PathOutsideRootError);
    assert.throws(() => resolveInRoots([], 'a.png'), /no folder is open/);
  });
});

describe('atomic writes', () => {
  it('never makes a look-alike of an existing name: NFC and NFD, upper and lower case', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'Cafe\u0301.png'), 'existing, in NFD');
    const written = await writeGroupAtomic(dir, 'caf\u00e9', (base) => [{ name: `${base}.png`, bytes: new Uint8Array([1]) }]);
    assert.deepEqual(written.files.map((f) => path.basename(f)), ['caf\u00e9-2.png']);
    const nfd = await writeGroupAtomic(dir, 'Tee\u0301', (base) => [{ name: `${base}.png`, bytes: new Uint8Array([2]) }]);
    assert.equal(path.basename(nfd.files[0]), 'Te\u00e9.png', 'written in NFC');
    assert.ok((await fs.readdir(dir)).includes('Te\u00e9.png'));
  });

  it('never overwrites an existing file', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'a.png'), 'existing');
    await assert.rejects(writeFileAtomicExclusive(dir, 'a.png', new Uint8Array([1, 2, 3])), FileExistsError);
    assert.equal(await fs.readFile(path.join(dir, 'a.png'), 'utf8'), 'existing');
    assert.deepEqual(await fs.readdir(dir), ['a.png'], 'no temporary file is left behind');
  });

  it('writes a group under the next free numbered name, all files or none', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'login.png.mockup.json'), '{}');
    const result = await writeGroupAtomic(dir, 'login', (base) => [
      { name: `${base}.png`, bytes: new Uint8Array([1]) },
      { name: `${base}.png.mockup.json`, bytes: new Uint8Array([2]) },
    ]);
    assert.equal(result.base, 'login-2');
    assert.deepEqual((await fs.readdir(dir)).sort(), ['login-2.png', 'login-2.png.mockup.json', 'login.png.mockup.json']);
  });

  it('writes nothing when cancelled before it starts', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(writeGroupAtomic(dir, 'x', (b) => [{ name: `${b}.png`, bytes: new Uint8Array([1]) }], controller.signal), /abort/i);
    assert.deepEqual(await fs.readdir(dir), []);
  });

  it('gives every concurrent writer its own name', async () => {
    const dir = await tempDir();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => writeGroupAtomic(dir, 'same', (b) => [{ name: `${b}.png`, bytes: new Uint8Array([i]) }])),
    );
    const names = results.map((r) => r.base);
    assert.equal(new Set(names).size, 12);
    assert.equal((await fs.readdir(dir)).length, 12);
  });

  it('removes stale temporary files left by a killed write', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, '.a.png.0011.fmtmp'), 'partial');
    await fs.writeFile(path.join(dir, 'keep.png'), 'x');
    assert.deepEqual(await removeStaleTempFiles(dir, 0), [path.join(dir, '.a.png.0011.fmtmp')]);
    assert.deepEqual(await fs.readdir(dir), ['keep.png']);
  });
});

describe('sidecars', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);
  const image = new Uint8Array([137, 80, 78, 71]);
  const sidecar: Sidecar = {
    schemaVersion: 1,
    tool: { name: 'foundry-mockups', version: '0.1.0' },
    createdAt: '2026-11-21T09:00:00.000Z',
    prompt: { typed: 'login', sent: 'login. Text in Japanese.', locale: 'ja' },
    service: { model: 'gpt-image-2', deployment: 'gpt-image-2', endpointHost: 'res.openai.azure.com', apiMode: 'v1', requestId: 'req-1', durationMs: 1200 },
    request: { operation: 'generate', size: '1184x2544', quality: 'high', n: 1, outputFormat: 'png', variant: 1 },
    target: { width: 1170, height: 2532, cssWidth: 390, cssHeight: 844, density: 3, presetId: 'iphone-15', fit: 'cover' },
    output: { file: 'login-iphone-15.png', width: 1170, height: 2532, format: 'png', bytes: 4, sha256: sha256(image) },
    original: { file: 'login-iphone-15.original.png', width: 1184, height: 2544, format: 'png', bytes: 4, sha256: sha256(image), steps: [{ kind: 'crop', left: 7, top: 6, width: 1170, height: 2532 }], explanation: 'Generate 1184x2544, crop 14 px' },
    usage: { inputTokens: 10, outputTokens: 7000, totalTokens: 7010 },
    cost: { usd: 0.21, currency: 'USD', basis: 'usage' },
  };

  it('validates against the contributed JSON Schema', () => {
    const parsed = JSON.parse(new TextDecoder().decode(serializeSidecar(sidecar))) as unknown;
    assert.ok(validate(parsed), JSON.stringify(validate.errors));
    assert.equal(sidecarFileName('login.png'), 'login.png.mockup.json');
  });

  it('the schema rejects a sidecar carrying an endpoint URL with credentials or unknown fields', () => {
    assert.equal(validate({ ...sidecar, service: { ...sidecar.service, endpointHost: 'https://user:pw@host' } }), false);
    assert.equal(validate({ ...sidecar, apiKey: 'x' }), false);
  });

  it('refuses to serialize a field named like a secret', () => {
    const leaky = { ...sidecar, request: { ...sidecar.request, extra: { api_key: 'sk-123' } } };
    assert.throws(() => serializeSidecar(leaky), /never hold secrets/);
  });

  it('fingerprints jobs independently of key order', () => {
    const a = jobFingerprint({ promptSent: 'p', deployment: 'd', model: 'm', parameters: { size: '1x1', quality: 'high' } });
    const b = jobFingerprint({ promptSent: 'p', deployment: 'd', model: 'm', parameters: { quality: 'high', size: '1x1' } });
    const c = jobFingerprint({ promptSent: 'p', deployment: 'd', model: 'm', parameters: { quality: 'low', size: '1x1' } });
    assert.equal(a, b);
    assert.notEqual(a, c);
  });
});

describe('incomplete groups left by a killed write', () => {
  async function group(dir: string, base: string, withImage: boolean): Promise<void> {
    const image = new Uint8Array([1, 2, 3]);
    const original = new Uint8Array([4, 5, 6]);
    const sidecar = {
      tool: { name: 'foundry-mockups', version: '0' },
      output: { file: `${base}.png`, sha256: sha256(image) },
      original: { file: `${base}.original.png`, sha256: sha256(original) },
    };
    await fs.writeFile(path.join(dir, `${base}.png.mockup.json`), JSON.stringify(sidecar));
    await fs.writeFile(path.join(dir, `${base}.original.png`), original);
    if (withImage) await fs.writeFile(path.join(dir, `${base}.png`), image);
  }

  it('removes a sidecar without its image and the original it recorded, nothing else', async () => {
    const dir = await tempDir();
    await group(dir, 'complete', true);
    await group(dir, 'killed', false);
    await fs.writeFile(path.join(dir, 'mine.png'), 'a file the user made');
    const removed = await removeIncompleteGroups(dir, 0);
    assert.deepEqual(removed.map((f) => path.basename(f)).sort(), ['killed.original.png', 'killed.png.mockup.json']);
    assert.deepEqual((await fs.readdir(dir)).sort(), ['complete.original.png', 'complete.png', 'complete.png.mockup.json', 'mine.png']);
  });

  it('keeps a file whose content is not what the sidecar recorded, and young groups', async () => {
    const dir = await tempDir();
    await group(dir, 'killed', false);
    await fs.writeFile(path.join(dir, 'killed.original.png'), 'replaced by the user');
    assert.deepEqual(await removeIncompleteGroups(dir), [], 'a group younger than a minute may still be being written');
    const removed = await removeIncompleteGroups(dir, 0);
    assert.deepEqual(removed.map((f) => path.basename(f)), ['killed.png.mockup.json']);
    assert.equal(await fs.readFile(path.join(dir, 'killed.original.png'), 'utf8'), 'replaced by the user');
  });
});
