// The localisation bundles against the sources: every string the extension host passes to
// `vscode.l10n.t`, every `%key%` of package.nls.json and every string the Studio webview passes to
// `t()` has its entry in each shipped language, with the same placeholders, and no bundle keeps a
// string the sources no longer use. The strings are read from the sources with the TypeScript
// compiler (scripts/l10nStrings.mjs), the way `npm run l10n:export` writes the English bundles.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const L10N = path.join(ROOT, 'l10n');

interface Extracted {
  messages: Map<string, string[]>;
  problems: string[];
}
interface L10nStrings {
  hostMessages(this: void, root: string): Extracted;
  webviewMessages(this: void, root: string): Extracted;
  placeholders(this: void, message: string): string[];
}

const readJson = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;

/** The languages shipped besides English: every `l10n/bundle.l10n.<language>.json`. */
function languages(): string[] {
  return fs
    .readdirSync(L10N)
    .map((name) => /^bundle\.l10n\.([a-z]{2,3}(?:-[a-z0-9]+)*)\.json$/.exec(name)?.[1])
    .filter((language): language is string => language !== undefined)
    .sort();
}

/** What is wrong with `translated` against the English `keys`: missing, stale, empty or with other placeholders. */
function problemsOf(keys: readonly string[], english: (key: string) => string, translated: Record<string, string>, placeholders: (message: string) => string[]): string[] {
  const problems: string[] = [];
  for (const key of keys) {
    const text = translated[key];
    if (text === undefined) problems.push(`missing: ${JSON.stringify(key)}`);
    else if (typeof text !== 'string' || text.trim() === '') problems.push(`empty: ${JSON.stringify(key)}`);
    else if (placeholders(english(key)).join() !== placeholders(text).join()) problems.push(`placeholders ${placeholders(text).join() || 'none'} instead of ${placeholders(english(key)).join() || 'none'}: ${JSON.stringify(key)}`);
  }
  for (const key of Object.keys(translated)) if (!keys.includes(key)) problems.push(`stale (no longer in the sources): ${JSON.stringify(key)}`);
  return problems;
}

describe('localisation bundles', () => {
  let strings: L10nStrings;
  let host: Extracted;
  let webview: Extracted;

  before(async () => {
    strings = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'l10nStrings.mjs')).href)) as L10nStrings;
    host = strings.hostMessages(ROOT);
    webview = strings.webviewMessages(ROOT);
  });

  it('ships Japanese besides English, and the manifest points VS Code at l10n/', () => {
    assert.deepEqual(languages(), ['ja']);
    const manifest = readJson(path.join(ROOT, 'package.json')) as unknown as { l10n?: string };
    assert.equal(manifest.l10n, './l10n');
    for (const file of ['bundle.l10n.json', 'webview.l10n.json', 'webview.l10n.ja.json']) assert.ok(fs.existsSync(path.join(L10N, file)), file);
    assert.ok(fs.existsSync(path.join(ROOT, 'package.nls.ja.json')));
  });

  it('finds the strings in the sources: literals only, in every part of the extension that shows text', () => {
    // A computed message cannot be translated: the extractor reports it with its place.
    assert.deepEqual(host.problems, []);
    assert.deepEqual(webview.problems, []);
    assert.ok(host.messages.size > 140, `host strings: ${host.messages.size}`);
    assert.ok(webview.messages.size > 150, `webview strings: ${webview.messages.size}`);
    const places = (extracted: Extracted): Set<string> => new Set([...extracted.messages.values()].flat().map((at) => at.split('/').slice(0, 2).join('/')));
    for (const dir of ['src/commands', 'src/host', 'src/auth', 'src/agents', 'src/studio', 'src/batchFiles']) assert.ok(places(host).has(dir), `${dir} uses vscode.l10n.t`);
    assert.ok(!places(host).has('src/core'), 'the core never imports vscode');
    const webviewFiles = new Set([...webview.messages.values()].flat().map((at) => at.split(':')[0]));
    for (const file of ['src/webview/store.ts', 'src/webview/views/studio.ts', 'src/webview/views/compose.ts', 'src/webview/views/canvas.ts', 'src/webview/components/splitter.ts']) assert.ok(webviewFiles.has(file), `${file} uses t()`);
    assert.deepEqual(host.messages.get('Mockup Studio')?.length, 2, 'the panel title and the page title');
    assert.ok(webview.messages.has('Generate (Ctrl+Enter)'));
  });

  it('keeps the English host bundle (exported with @vscode/l10n-dev) in step with the sources', () => {
    const english = readJson(path.join(L10N, 'bundle.l10n.json'));
    assert.deepEqual(Object.keys(english).sort(), [...host.messages.keys()].sort(), 'run npm run l10n:export');
    for (const [key, value] of Object.entries(english)) assert.equal(value, key);
  });

  it('keeps the English webview list in step with the sources', () => {
    const english = readJson(path.join(L10N, 'webview.l10n.json'));
    assert.deepEqual(Object.keys(english).sort(), [...webview.messages.keys()].sort(), 'run npm run l10n:export');
  });

  for (const language of ['ja']) {
    it(`translates every vscode.l10n.t string into ${language}, with the same placeholders and nothing stale`, () => {
      const translated = readJson(path.join(L10N, `bundle.l10n.${language}.json`));
      assert.deepEqual(problemsOf([...host.messages.keys()], (key) => key, translated, strings.placeholders), []);
    });

    it(`translates every package.nls.json key into ${language}, with the same placeholders and nothing stale`, () => {
      const english = readJson(path.join(ROOT, 'package.nls.json'));
      const translated = readJson(path.join(ROOT, `package.nls.${language}.json`));
      assert.deepEqual(problemsOf(Object.keys(english), (key) => english[key], translated, strings.placeholders), []);
      // The manifest's %key% references all resolve.
      const manifest = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
      const referenced = [...manifest.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]);
      assert.ok(referenced.length > 50);
      assert.deepEqual(referenced.filter((key) => !(key in translated)), []);
    });

    it(`translates every webview t() string into ${language}, with the same placeholders and nothing stale`, () => {
      const translated = readJson(path.join(L10N, `webview.l10n.${language}.json`));
      assert.deepEqual(problemsOf([...webview.messages.keys()], (key) => key, translated, strings.placeholders), []);
    });
  }

  it('has Japanese text where the English has words (not the English copied over)', () => {
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    const untranslated = (translated: Record<string, string>, keep: (key: string) => boolean): string[] => Object.entries(translated).filter(([key, text]) => !keep(key) && !japanese.test(text)).map(([key]) => key);
    // Product names, setting ids, format examples and pure placeholders stay as they are.
    const kept = (key: string): boolean => !/[A-Za-z]/.test(key.replace(/\{\d+\}/g, '')) || /^(Mockup Studio|Foundry Mockups|\{0\}: \{1\}|WxH or WxH@2x|\/openai\/.*|configuration\.title|chatParticipant\.fullName|mcpServerDefinitionProvider\.label)$/.test(key);
    assert.deepEqual(untranslated(readJson(path.join(L10N, 'bundle.l10n.ja.json')), kept), []);
    assert.deepEqual(untranslated(readJson(path.join(ROOT, 'package.nls.ja.json')), kept), []);
    assert.deepEqual(untranslated(readJson(path.join(L10N, 'webview.l10n.ja.json')), kept), []);
  });

  it('reads placeholders as VS Code does: {0} to {9}..., each counted once', () => {
    assert.deepEqual(strings.placeholders('{1} of {0}, {1} again, {deployment} is not one'), ['{0}', '{1}']);
  });
});
