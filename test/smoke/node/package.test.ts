// What the two artefacts hold, read from the artefacts themselves (the VSIX unzipped, the npm
// tarball untarred), and a trace of the files the command-line tool really loads at run time,
// which both must hold. Run by `npm run test:artifacts` after it built them.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Emulator, startEmulator } from '../../emulator/server';
import { artifactFromEnv, PACKAGE_REPORT_ENV, type PackageReport, REPO_ROOT, TARBALL_ENV, tarEntries, VSIX_ENV, zipEntries } from '../artifacts';
import { cliScenario } from './cliScenario';

/** vsce's own names for these files inside the VSIX. */
const VSCE_RENAMES: Record<string, string> = { 'README.md': 'readme.md', 'CHANGELOG.md': 'changelog.md', LICENSE: 'LICENSE.txt' };
const VSIX_OWN = ['[Content_Types].xml', 'extension.vsixmanifest'];
const inVsix = (file: string): string => `extension/${VSCE_RENAMES[file] ?? file}`;
/** The tracer's own modules, which it loads too. */
const TRACER = ['test/smoke/traceFiles.mjs', 'test/smoke/traceHooks.mjs'];

interface Manifest {
  main: string;
  icon?: string;
  bin?: Record<string, string>;
  scripts?: unknown;
  devDependencies?: unknown;
  dependencies?: Record<string, string>;
  contributes: {
    jsonValidation?: Array<{ url: string }>;
    walkthroughs?: Array<{ steps: Array<{ media: Record<string, unknown> }> }>;
  };
}

/** The relative targets of a Markdown file's links and images (inline and HTML), without fragments. */
export function relativeLinks(markdown: string): string[] {
  const targets = [
    ...[...markdown.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...markdown.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]),
    ...[...markdown.matchAll(/<(?:img|a|source)\b[^>]*?\b(?:src|href|srcset)\s*=\s*["']([^"']+)["']/gi)].map((m) => m[1]),
  ];
  return targets.filter((t) => !/^([a-z][a-z0-9+.-]*:|#|\/\/)/i.test(t)).map((t) => decodeURI(t.split('#')[0])).filter(Boolean);
}

describe('the VSIX (npm run package)', () => {
  let vsix: string;
  let entries: string[];
  let report: PackageReport;
  let shipped: Manifest;

  before(() => {
    vsix = artifactFromEnv(VSIX_ENV);
    entries = zipEntries(vsix);
    report = JSON.parse(fs.readFileSync(artifactFromEnv(PACKAGE_REPORT_ENV), 'utf8')) as PackageReport;
    shipped = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' })) as Manifest;
  });

  it('holds exactly the staged files: the manifest, docs and media, every bundle, and what the externals load', () => {
    assert.deepEqual(entries.filter((e) => !VSIX_OWN.includes(e)), report.files.map(inVsix).sort());
    const wasmVips = report.parts.find((p) => p.part.startsWith('external wasm-vips'));
    assert.ok(wasmVips, 'wasm-vips is an external of the bundles');
    // What `import('wasm-vips')` resolves to through the package's exports, and what it loads.
    for (const file of ['node_modules/wasm-vips/package.json', 'node_modules/wasm-vips/lib/vips-node.mjs', 'node_modules/wasm-vips/lib/vips.wasm']) {
      assert.ok(entries.includes(`extension/${file}`), `${file} is in the VSIX`);
    }
  });

  it('ships no source, tests, sourcemaps or build scripts', () => {
    const unwanted = entries.filter((e) => /^extension\/(src|test|out|scripts|bench|\.vscode|\.package)\//.test(e) || /\.(map|ts|tsbuildinfo)$/.test(e) || /(^|\/)(package-lock\.json|tsconfig\.json|esbuild\.mjs|\.npmignore)$/.test(e));
    assert.deepEqual(unwanted, []);
    assert.equal(shipped.scripts, undefined, 'no scripts in the shipped manifest (vsce would run vscode:prepublish)');
    assert.equal(shipped.devDependencies, undefined);
  });

  it('resolves every file its manifest names inside the package', () => {
    const named = [
      shipped.main,
      shipped.icon,
      ...Object.values(shipped.bin ?? {}),
      ...(shipped.contributes.jsonValidation ?? []).map((v) => v.url),
      ...(shipped.contributes.walkthroughs ?? []).flatMap((w) => w.steps.flatMap((s) => Object.values(s.media).filter((m): m is string => typeof m === 'string'))),
    ].filter((file): file is string => typeof file === 'string');
    assert.ok(named.length >= 6, `the manifest names its files: ${named.join(', ')}`);
    const missing = named.map((file) => path.posix.normalize(file)).filter((file) => !entries.includes(inVsix(file)));
    assert.deepEqual(missing, []);
    // Every %key% of the manifest has its text in package.nls.json.
    const nls = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.nls.json'], { encoding: 'utf8' })) as Record<string, string>;
    const keys = [...JSON.stringify(shipped).matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]);
    assert.deepEqual(keys.filter((key) => !(key in nls)), []);
  });

  it('ships the string bundles VS Code and the Studio load for a display language (l10n/, package.nls.<language>.json)', () => {
    const l10n = (shipped as Manifest & { l10n?: string }).l10n;
    assert.equal(l10n, './l10n');
    for (const file of ['l10n/bundle.l10n.json', 'l10n/bundle.l10n.ja.json', 'l10n/webview.l10n.ja.json', 'package.nls.ja.json']) assert.ok(entries.includes(inVsix(file)), `${file} is in the VSIX`);
    const japanese = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.nls.ja.json'], { encoding: 'utf8' })) as Record<string, string>;
    assert.equal(japanese['command.openStudio'], 'Studio を開く');
  });

  it('keeps every relative link and image of its Markdown (README, CHANGELOG, docs, walkthrough) inside the package', () => {
    const markdown = entries.filter((e) => e.endsWith('.md'));
    assert.ok(markdown.includes('extension/readme.md') && markdown.includes('extension/changelog.md'), 'the README and the CHANGELOG ship');
    const broken: string[] = [];
    let checked = 0;
    for (const file of markdown) {
      const text = execFileSync('unzip', ['-p', vsix, file], { encoding: 'utf8' });
      for (const link of relativeLinks(text)) {
        checked++;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), link)).replace(/\/$/, '');
        const renamed = target.startsWith('extension/') ? inVsix(target.slice('extension/'.length)) : target;
        if (!entries.includes(renamed) && !entries.some((e) => e.startsWith(`${renamed}/`))) broken.push(`${file}: ${link}`);
      }
    }
    assert.ok(checked > 0, 'the README links to the docs it ships');
    assert.deepEqual(broken, []);
  });
});

describe('the npm package (npm pack)', () => {
  let entries: string[];
  let report: PackageReport;
  let manifest: Manifest;

  before(() => {
    const tarball = artifactFromEnv(TARBALL_ENV);
    entries = tarEntries(tarball);
    report = JSON.parse(fs.readFileSync(artifactFromEnv(PACKAGE_REPORT_ENV), 'utf8')) as PackageReport;
    manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Manifest;
  });

  it("holds only what runs: the command-line tool's bundle, the manifest, README, CHANGELOG, LICENSE and docs", () => {
    const dist = entries.filter((e) => e.startsWith('package/dist/'));
    assert.deepEqual(dist, report.cliOutputs.map((f) => `package/${f}`).sort(), "dist/ holds the CLI's outputs only");
    const rest = entries.filter((e) => !e.startsWith('package/dist/'));
    const unexpected = rest.filter((e) => !/^package\/(package\.json|README\.md|CHANGELOG\.md|LICENSE|docs\/[^/]+\.md|media\/readme\/[^/]+\.png)$/.test(e));
    assert.deepEqual(unexpected, []);
    for (const target of Object.values(manifest.bin ?? {})) assert.ok(entries.includes(`package/${path.posix.normalize(target)}`), `bin ${target} is in the package`);
  });

  it('declares as dependencies exactly the packages the bundles load at run time (everything else is bundled)', () => {
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}).sort(), report.externals.map((e) => e.name).sort());
  });

  it("keeps the README's relative links and pictures inside the package (the npm page shows them)", () => {
    const readme = execFileSync('tar', ['-xzOf', artifactFromEnv(TARBALL_ENV), 'package/README.md'], { encoding: 'utf8' });
    const links = relativeLinks(readme);
    assert.ok(links.some((l) => l.startsWith('media/readme/')), 'the README shows its pictures');
    const broken = links.map((l) => path.posix.normalize(l).replace(/\/$/, '')).filter((l) => !entries.includes(`package/${l}`) && !entries.some((e) => e.startsWith(`package/${l}/`)));
    assert.deepEqual(broken, []);
  });
});

describe('what the command-line tool loads at run time (traced)', function () {
  this.timeout(180_000);
  let emulator: Emulator;
  let traced: string[];
  let traceDir: string | undefined;
  let workspace: string | undefined;

  before(async () => {
    emulator = await startEmulator({ apiKey: 'trace-emulator-key-0123456789abcdef' });
    traceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-trace-'));
    const trace = path.join(traceDir, 'files.txt');
    fs.writeFileSync(trace, '');
    // The repository's production bundle with all of node_modules present: what it opens is what
    // the bundles need, whatever the packaging believes.
    workspace = await cliScenario([process.execPath, '--import', path.join(REPO_ROOT, TRACER[0]), path.join(REPO_ROOT, 'dist', 'cli.js')], emulator, { FOUNDRY_MOCKUPS_TRACE_FILE: trace });
    const root = fs.realpathSync(REPO_ROOT);
    traced = [...new Set(fs.readFileSync(trace, 'utf8').split('\n'))]
      .filter((file) => file.startsWith(`${root}${path.sep}`))
      .map((file) => path.relative(root, file).split(path.sep).join('/'))
      .filter((file) => !TRACER.includes(file))
      .sort();
  });
  after(async () => {
    await emulator?.close();
    for (const dir of [traceDir, workspace]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('covers the bundle and what post-processing loads (the trace is not empty)', () => {
    for (const file of ['dist/cli.js', 'node_modules/wasm-vips/lib/vips-node.mjs', 'node_modules/wasm-vips/lib/vips.wasm']) {
      assert.ok(traced.includes(file), `${file} was loaded; traced: ${traced.join(', ')}`);
    }
  });

  it('finds every one of those files in the VSIX', () => {
    const entries = zipEntries(artifactFromEnv(VSIX_ENV));
    assert.deepEqual(traced.filter((file) => !entries.includes(inVsix(file))), []);
  });

  it('finds the bundle files in the npm package and the packages they load among its dependencies', () => {
    const tarball = artifactFromEnv(TARBALL_ENV);
    const entries = tarEntries(tarball);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Manifest;
    const declared = Object.keys(manifest.dependencies ?? {});
    const missing = traced.filter((file) => {
      const inPackages = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
      return inPackages ? !declared.includes(inPackages[1]) : !entries.includes(`package/${file}`);
    });
    assert.deepEqual(missing, []);
  });
});
