// The Studio in the real VS Code host (code-server + headless Chromium) against the Foundry
// emulator: compose, generate with streamed previews, refine, inpaint with a painted mask, history,
// hostile messages, request as code, state across hide/show, and screenshots in three themes.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import * as vscode from 'vscode';
import { ANCHOR_INSTRUCTION } from '../../src/core/prompts';
import { STUDIO_VIEW_TYPE } from '../../src/studio/protocol';
import type { FoundryMockupsApi } from '../../src/extension';
import type { StudioProbe } from '../../src/studio/studioPanel';
import type { Draft, HostToWebview, MockupItem, WebviewToHost } from '../../src/studio/protocol';
import { type Emulator, startEmulator } from '../emulator/server';
import type { BridgeBox } from '../host/bridgeProtocol';
import { describeUi, type PageDriver } from './driver';
import { activateExtension, RecordingUi, until } from './testUi';

const W = { frame: 'webview' as const, timeoutMs: 20_000 };
const FOLDER = 'mockups/studio';
/** The request id of messages a test sends in the app's place (the app's own ids count up from 1). */
const INJECTED_ID = 999_999;

function root(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder);
  return folder.uri.fsPath;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
/** A pattern matching `text` as it is. */
const literally = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** Waits until the text of `selector` in the webview matches. */
async function untilText(d: PageDriver, selector: string, pattern: RegExp): Promise<void> {
  let last = '';
  await until(`${selector} to match ${String(pattern)}`, async () => {
    last = await d.text(selector, W);
    return pattern.test(last);
  }, 15_000).catch((error: Error) => {
    throw new Error(`${error.message}; it reads "${last}"`);
  });
}

function postedOf<T extends HostToWebview['type']>(probe: StudioProbe, type: T, after = 0): Array<Extract<HostToWebview, { type: T }>> {
  return probe.posted.slice(after).filter((m): m is Extract<HostToWebview, { type: T }> => m.type === type);
}

function receivedOf<T extends WebviewToHost['type']>(probe: StudioProbe, type: T): Array<Extract<WebviewToHost, { type: T }>> {
  return probe.received.filter((m): m is Extract<WebviewToHost, { type: T }> => m.type === type);
}

/** Waits for the job started after `mark` to end; returns how it ended. */
async function jobEnd(probe: StudioProbe, mark: number): Promise<HostToWebview> {
  return until('the job to end', () => probe.posted.slice(mark).find((m) => m.type === 'jobDone' || m.type === 'jobFailed'), 60_000);
}

/**
 * Replaces the text of a webview input in one step (no keystrokes to lose on a loaded machine)
 * and, with `check` (what the host received), waits until the host has it.
 */
async function fill(d: PageDriver, selector: string, text: string, check?: () => boolean): Promise<void> {
  await d.fill(selector, text, W);
  if (check) await until(`"${text}" in ${selector} to reach the host`, () => check(), 10_000);
}

/** A pixel predicate over image coordinates. */
type PixelRule = (x: number, y: number) => boolean;

/** The pixels a straight brush stroke of `diameter` paints: those whose centre is within its radius of the segment. */
function strokeRule(a: { x: number; y: number }, b: { x: number; y: number }, diameter: number): PixelRule {
  return (x, y) => {
    const [cx, cy, ex, ey] = [x + 0.5, y + 0.5, b.x - a.x, b.y - a.y];
    const t = Math.max(0, Math.min(1, ((cx - a.x) * ex + (cy - a.y) * ey) / (ex * ex + ey * ey)));
    return Math.hypot(cx - (a.x + t * ex), cy - (a.y + t * ey)) <= diameter / 2;
  };
}

/** The pixels a dragged rectangle with corners on pixel edges paints. */
function rectRule(a: { x: number; y: number }, b: { x: number; y: number }): PixelRule {
  return (x, y) => x >= Math.min(a.x, b.x) && x < Math.max(a.x, b.x) && y >= Math.min(a.y, b.y) && y < Math.max(a.y, b.y);
}

/** The pixels a lasso around a triangle paints: those whose centre is inside it (none of them lies on its outline here). */
function triangleRule(a: { x: number; y: number }, b: { x: number; y: number }, c: { x: number; y: number }): PixelRule {
  const side = (p: { x: number; y: number }, q: { x: number; y: number }, x: number, y: number): number => (q.x - p.x) * (y - p.y) - (x - p.x) * (q.y - p.y);
  return (x, y) => {
    const [s1, s2, s3] = [side(a, b, x + 0.5, y + 0.5), side(b, c, x + 0.5, y + 0.5), side(c, a, x + 0.5, y + 0.5)];
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
}

function countOf(width: number, height: number, rule: PixelRule): number {
  let n = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (rule(x, y)) n++;
  return n;
}

/**
 * The mask an edit request carried, checked against `painted`: the mask has the image's size,
 * every pixel is either transparent or opaque, and the transparent ones are exactly the painted.
 */
async function checkSentMask(request: Emulator['requests'][number] | undefined, painted: PixelRule): Promise<{ width: number; height: number; transparent: number; wrong: number }> {
  const maskPart = request?.files.find((f) => f.field === 'mask');
  assert.ok(maskPart, 'the edit carries a mask');
  const imageMeta = await sharp(request?.files.find((f) => f.field === 'image')?.bytes).metadata();
  const { data, info } = await sharp(maskPart.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.equal(`${info.width}x${info.height}`, `${imageMeta.width}x${imageMeta.height}`, 'the mask has the image size');
  let wrong = 0;
  let transparent = 0;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const alpha = data[(y * info.width + x) * info.channels + 3];
      if (alpha === 0) transparent++;
      if ((alpha === 0) !== painted(x, y) || (alpha !== 0 && alpha !== 255)) wrong++;
    }
  }
  return { width: info.width, height: info.height, transparent, wrong };
}

const near = (a: number, b: number, within = 0.01): boolean => Math.abs(a - b) <= within;

// These tests act in the page through the offline host's bridge (npm run test:integration): a UI
// suite, left out by name where there is no page to drive, never counted as pending.
describeUi('The Studio (real VS Code host, Chromium, Foundry emulator)', function (driver: PageDriver) {
  this.timeout(180_000);
  let api: FoundryMockupsApi;
  let emulator: Emulator;
  const d = driver;
  let probe: StudioProbe;
  const ui = new RecordingUi();

  before(async function () {
    api = await activateExtension(vscode);
    api.setUserInterface(ui);
    emulator = await startEmulator({ apiKey: 'studio-emulator-key-0123456789abcdef', streamIntervalMs: 120 });
    await vscode.commands.executeCommand('foundryMockups.configureConnection', { endpoint: emulator.endpoint, deployment: emulator.deployment, model: 'gpt-image-2', apiMode: 'v1', auth: 'apiKey' });
    await vscode.commands.executeCommand('foundryMockups.setApiKey', emulator.apiKey);
    await vscode.workspace.getConfiguration('foundryMockups').update('confirmAboveUsd', 100, vscode.ConfigurationTarget.Global);
    await fs.mkdir(path.join(root(), 'design'), { recursive: true });
    await fs.writeFile(path.join(root(), 'design', 'style.json'), JSON.stringify({ brand: 'Beanery', colors: { primary: '#6F4E37' }, typography: 'Inter', tone: 'warm and friendly' }));
    await vscode.workspace.getConfiguration('foundryMockups').update('styleGuide', 'design/style.json', vscode.ConfigurationTarget.Workspace);
    // The window as a designer works in it, whatever the suites before left open (the Problems
    // panel of the batch suite): the Studio as tall as the window, so that what the pixel checks
    // sample and the pointer paints is on screen, as in a run of this suite alone.
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  });

  // Every test also checks that the page threw nothing: an uncaught error in the app arrives as an
  // error line in the log (and would leave the page showing what it showed before).
  let pageErrorsSeen = new Set<unknown>();
  beforeEach(() => {
    pageErrorsSeen = new Set(probe?.received.filter((m) => m.type === 'log' && m.level === 'error'));
  });
  afterEach(function () {
    if (this.currentTest?.state !== 'passed' || !probe) return;
    const thrown = probe.received.filter((m) => m.type === 'log' && m.level === 'error' && !pageErrorsSeen.has(m));
    assert.deepEqual(thrown.map((m) => (m.type === 'log' ? m.message : '')), [], 'the page threw');
  });

  after(async () => {
    api.setUserInterface(undefined);
    await vscode.workspace.getConfiguration('foundryMockups').update('styleGuide', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await emulator.close();
  });

  it('opens from the command with a ready handshake and paints the composer', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('foundryMockups.openStudio');
    probe = await until('the Studio panel', () => api.studio.current());
    // Loading a webview in the browser host can take the workbench many seconds on a loaded
    // 2-core machine (measured: 1.2 to 19 s before the webview's script runs); speed is measured
    // in the bench, not here.
    await d.waitFor('#prompt', { ...W, timeoutMs: 60_000 });
    await until('the first paint', () => probe.metrics.openToPaintMs !== undefined);
    assert.equal(probe.received[0]?.type, 'ready', 'the webview starts with the ready handshake');
    const init = postedOf(probe, 'init')[0];
    assert.ok(init, 'the host answers ready with init');
    assert.equal(init.styleGuide?.file, 'design/style.json');
    const templates = await d.texts('[data-template]', W);
    for (const name of ['Mobile app screen', 'Web page', 'Dashboard', 'Component sheet', 'Onboarding flow', 'Marketing banner', 'Storyboard panel']) assert.ok(templates.some((t) => t.includes(name)), `template ${name}`);
    const locales = await d.texts('[data-locale]', W);
    for (const native of ['English', '日本語', '한국어', '简体中文', 'हिन्दी', 'বাংলা', 'العربية', 'Español', 'Deutsch', 'Français']) assert.ok(locales.includes(native), `locale ${native}`);
  });

  it('puts the canvas first: the settings rail resizes by pointer and keyboard, folds away and comes back as it was', async () => {
    const rail = async (): Promise<number> => (await d.box('#rail', W)).width;
    const canvas = async (): Promise<number> => (await d.box('.stage', W)).width;
    const before = await rail();
    assert.ok(before >= 260 && before <= 640, `the rail's width: ${before}`);
    // Dragged wider by 80 px.
    const splitter = await d.box('fm-rail-splitter', W);
    const mid = { x: splitter.width / 2, y: splitter.height / 2 };
    await d.drag('fm-rail-splitter', [mid, { x: mid.x + 40, y: mid.y }, { x: mid.x + 80, y: mid.y }], W);
    await until('the rail 80 px wider', async () => Math.abs((await rail()) - (before + 80)) <= 2);
    // By the keyboard (the drag left the focus on the separator): two steps narrower.
    await d.press('ArrowLeft');
    await d.press('ArrowLeft');
    await until('the rail two steps narrower', async () => Math.abs((await rail()) - (before + 80 - 32)) <= 2);
    // Folded away with Enter: the canvas takes the width, the top bar's toggle says so and brings it back.
    const narrow = await canvas();
    await d.press('Enter');
    await d.waitFor('#rail', { ...W, state: 'hidden' });
    assert.ok((await canvas()) > narrow + 200, 'the canvas takes the rail\'s place');
    await d.click('#toggle-rail', W);
    await d.waitFor('#rail', W);
    assert.ok(Math.abs((await rail()) - (before + 48)) <= 2, 'back at the width it had');
    // Home and End: the narrowest and the widest.
    await d.click('fm-rail-splitter', W);
    await d.press('Home');
    await until('the rail at its narrowest', async () => Math.abs((await rail()) - 260) <= 2);
    await d.press('End');
    await until('the rail at its widest', async () => Math.abs((await rail()) - 640) <= 2);
    for (let i = 0; i < 18; i++) await d.press('ArrowLeft');
    await until('the rail 18 steps narrower', async () => Math.abs((await rail()) - (640 - 18 * 16)) <= 2);
  });

  it('composes with a template, locales and a custom size, streams previews and saves every asset', async () => {
    await d.click('[data-template="mobile-screen"]', W);
    const lastDraft = (): Draft | undefined => receivedOf(probe, 'plan').at(-1)?.draft;
    await fill(d, '#field-app', 'a coffee ordering app', () => lastDraft()?.template?.fields.app === 'a coffee ordering app');
    await fill(d, '#field-screen', 'checkout', () => lastDraft()?.template?.fields.screen === 'checkout');
    await fill(d, '#prompt', 'Show a loyalty badge.', () => lastDraft()?.prompt === 'Show a loyalty badge.');
    await d.click('[data-locale="ja"]', W);
    await fill(d, '#custom-size', '600x200');
    await d.press('Enter');
    await d.click('[data-key="quality:low"]', W);
    // Low quality streams no previews by default (one would cost half the image): ask for two.
    await d.click('[data-key="partials:2"]', W);
    await fill(d, '#folder', FOLDER);
    await d.press('Tab');
    // The live plan and estimate for the whole request: each size's plan as a short badge, the full sentence on demand.
    await until('the plan of 600x200 in short', async () => (await d.texts('#plan-list li[data-size="600x200"] .plan-badge', W)).some((t) => /\S/.test(t) && t.length <= 24));
    // The full sentence waits to be asked for.
    await d.waitFor('#plan-list li[data-size="600x200"] .plan-text', { ...W, state: 'detached' });
    await d.click('#plan-list [data-key="plan:600x200"]', W);
    await until('the plan of 600x200 in full', async () => (await d.texts('#plan-list li[data-size="600x200"] .plan-text', W)).some((t) => /Generate/i.test(t) && /600x200/.test(t)));
    await until('the estimate', async () => /2 image\(s\) in 2 request\(s\)/.test(await d.text('#estimate', W)));
    // What is sent, part by part: the template, the text, the style guide and the language.
    await d.click('#h-sent', W);
    await until('the design system among the parts sent', async () => (await d.texts('.part', W)).some((t) => /Design system/.test(t) && /Beanery/.test(t)));

    const mark = probe.posted.length;
    await d.click('#generate', W);
    await d.waitFor('.tile img.partial', W);
    const end = await jobEnd(probe, mark);
    assert.equal(end.type, 'jobDone', JSON.stringify(end));
    assert.ok(postedOf(probe, 'partial', mark).length >= 2, 'partial previews were forwarded');
    await until('a partial preview displayed', () => probe.metrics.partialToDisplayMs.length > 0);

    const files = (await fs.readdir(path.join(root(), FOLDER))).sort();
    const images = files.filter((f) => f.endsWith('.png') && !f.includes('.original.'));
    assert.equal(images.length, 2, files.join(', '));
    assert.ok(images.some((f) => f.includes('-ja')) && images.some((f) => f.includes('-en')), `one asset per locale: ${images.join(', ')}`);
    for (const image of images) {
      const info = await sharp(path.join(root(), FOLDER, image)).metadata();
      assert.equal(`${info.width}x${info.height}`, '600x200', 'exact size');
      const sidecar = JSON.parse(await fs.readFile(path.join(root(), FOLDER, `${image}.mockup.json`), 'utf8')) as { prompt: { sent: string; locale: string; template: { id: string }; styleGuide: string; designSystem: { files: Array<{ file: string; sha256: string }>; sha256: string; block: string } } };
      assert.equal(sidecar.prompt.template.id, 'mobile-screen');
      assert.equal(sidecar.prompt.styleGuide, 'design/style.json');
      // The design system's file and hash, and the block sent, are recorded.
      const styleBytes = await fs.readFile(path.join(root(), 'design', 'style.json'));
      assert.deepEqual(sidecar.prompt.designSystem.files, [{ file: 'design/style.json', sha256: createHash('sha256').update(styleBytes).digest('hex') }]);
      assert.ok(sidecar.prompt.sent.includes(sidecar.prompt.designSystem.block));
      assert.match(sidecar.prompt.sent, /Beanery/);
      assert.match(sidecar.prompt.sent, sidecar.prompt.locale === 'ja' ? /Japanese/ : /English/);
    }
    assert.equal(emulator.requests.length, 2);
    assert.ok(emulator.requests.every((r) => r.body?.stream === true && r.body.partial_images === 2));
    const cards = await d.texts('.results .card', W);
    assert.equal(cards.length, 2);
    // The filmstrip under the canvas has them, named by what tells them apart; choosing one shows it large.
    await until('the results in the filmstrip', async () => (await d.data('fm-filmstrip [data-group="session"] [role="option"]', W)).length === 2);
    const film = await d.data('fm-filmstrip [data-group="session"] [role="option"]', W);
    const jaFile = film.map((e) => e.key ?? '').find((k) => k.includes('-ja'));
    assert.ok(jaFile, JSON.stringify(film));
    await d.click(`fm-filmstrip [data-key="${jaFile}"]`, W);
    await d.waitFor(`.focus[data-file="${jaFile}"] fm-viewport[data-key="result-view"]`, W);
    assert.equal(await d.text('.focus .focus-title', W), 'ja');
    // The README's picture of the canvas: a mockup large, the filmstrip under it.
    await until('the mockup fitted on the canvas', async () => Number((await d.data('.focus fm-viewport[data-key="result-view"]', W))[0]?.scale) > 0);
    await d.screenshot('studio-canvas');
    await d.click('#back-to-set', W);
    await d.waitFor('.focus', { ...W, state: 'detached' });
    // By the keyboard: the filmstrip is one tab stop; the arrow keys move along it, Enter shows one, Escape goes back.
    const [first, second] = film.map((e) => e.key ?? '');
    await d.click(`fm-filmstrip [data-key="${first}"]`, W);
    await d.waitFor(`.focus[data-file="${first}"]`, W);
    await until('one tab stop in the filmstrip', async () => (await d.data('fm-filmstrip [role="option"][tabindex="0"]', W)).length === 1);
    await d.press('ArrowRight');
    await d.press('Enter');
    await d.waitFor(`.focus[data-file="${second}"]`, W);
    assert.deepEqual((await d.data('fm-filmstrip [role="option"][aria-selected="true"]', W)).map((e) => e.key), [second], 'the one shown is the one selected');
    await d.press('Escape');
    await d.waitFor('.focus', { ...W, state: 'detached' });
    for (const text of cards) {
      assert.match(text, /600x200/);
      assert.match(text, /tokens/);
      assert.match(text, /\$\d/);
      assert.match(text, /Request /);
    }
  });

  it('names results by what tells them apart, offers their actions as icons with a menu, and shows one larger in a lightbox', async () => {
    // The two results of the last request differ only by language: that is their name on the card.
    const titles = await d.texts('.results .card .card-title', W);
    assert.deepEqual([...titles].sort(), ['en', 'ja'], JSON.stringify(titles));
    // Icon buttons with accessible names, and the less frequent actions in the overflow menu.
    await d.click('.results .card [data-action="more"]', W);
    const menu = await d.texts('.results .card vscode-context-menu-item .label', W);
    assert.ok(menu.some((m) => /Copy prompt/.test(m)) && menu.some((m) => /Use as anchor/.test(m)), JSON.stringify(menu));
    await d.press('Escape');
    // A click shows the image large on the canvas, with its name, its actions on a toolbar and zoom.
    await d.click('.results .card .thumb', W);
    await d.waitFor('.focus fm-viewport[data-key="result-view"][data-scale]', W);
    const shown = await d.text('.focus .focus-title', W);
    assert.ok(shown === 'en' || shown === 'ja', shown);
    const canvasBox = await d.box('.stage', W);
    const heroBox = await d.box('.focus fm-viewport[data-key="result-view"]', W);
    assert.ok(heroBox.width > canvasBox.width * 0.8, `the image fills the canvas: ${heroBox.width} of ${canvasBox.width} px`);
    // From there, the lightbox: the arrow keys go to the other one, Escape closes it.
    await d.click('.focus fm-result-actions [data-action="view"]', W);
    await d.waitFor('fm-lightbox[open] [role="dialog"]', W);
    const first = await d.text('fm-lightbox h2', W);
    assert.ok(first === 'en' || first === 'ja', first);
    assert.match(await d.text('fm-lightbox .count', W), /1 of 2/);
    await d.press('ArrowRight');
    await until('the other image in the lightbox', async () => (await d.text('fm-lightbox h2', W)) !== first);
    await d.press('Escape');
    await d.waitFor('fm-lightbox:not([open])', { ...W, state: 'attached' });
    // Escape again goes back from the one image to the whole set, the keyboard on its card.
    await d.press('Escape');
    await d.waitFor('.focus', { ...W, state: 'detached' });
    await d.waitFor('.results .card', W);
  });

  it('shows a failure with its typed message and keeps what was composed', async () => {
    emulator.inject({ type: 'safety', shape: 'promptBlocked' });
    let mark = probe.posted.length;
    await d.click('#generate', W);
    const end = await jobEnd(probe, mark);
    assert.equal(end.type, 'jobFailed');
    await d.waitFor('.error-banner', W);
    const banner = await d.text('.error-banner', W);
    assert.match(banner, /safety/i);
    assert.match(banner, /Kind: safety/);
    // Generate again: the same composition is sent, and it succeeds.
    mark = probe.posted.length;
    await d.click('#generate', W);
    assert.equal((await jobEnd(probe, mark)).type, 'jobDone');
    const [first, second] = receivedOf(probe, 'generate').slice(-2).map((m) => m.draft);
    const keep = (draft: Draft): unknown => ({ prompt: draft.prompt, template: draft.template, locales: draft.locales, sizes: draft.sizes, quality: draft.quality, folder: draft.folder });
    assert.deepEqual(keep(second), keep(first));
    assert.equal(second.prompt, 'Show a loyalty badge.');
  });

  it('refuses output folders inside .git/ or node_modules/ or linked out of the workspace, sending nothing', async () => {
    const composed = receivedOf(probe, 'plan').filter((m) => m.id !== INJECTED_ID).at(-1)?.draft;
    assert.ok(composed, 'something was composed');
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-studio-outside-'));
    await fs.rm(path.join(root(), 'studio-linked-out'), { force: true });
    await fs.symlink(outside, path.join(root(), 'studio-linked-out'));
    for (const [folder, reason] of [['.git/mockups', /inside \.git\//], ['node_modules/mockups', /inside node_modules\//], ['studio-linked-out', /outside the workspace/]] as const) {
      const mark = probe.posted.length;
      const rejectedMark = probe.rejected.length;
      const requests = emulator.requests.length;
      await probe.receive({ type: 'generate', draft: { ...composed, folder } });
      // Refused where it arrives (the protocol's path check), or when the job resolves its folder for writing.
      const why = await until(`${folder} refused`, () => probe.rejected.slice(rejectedMark)[0] ?? postedOf(probe, 'jobFailed', mark)[0]?.error.message);
      assert.match(why, reason, folder);
      assert.equal(emulator.requests.length, requests, `${folder}: nothing was sent`);
    }
    assert.deepEqual(await fs.readdir(outside), [], 'nothing was written outside');
    await fs.rm(path.join(root(), 'studio-linked-out'));
  });

  it('counts a rate-limit wait down on the job while the service asks to wait, then goes on', async () => {
    emulator.inject({ type: 'rateLimit', retryAfterMs: 3500 });
    const mark = probe.posted.length;
    await d.click('#generate', W);
    const end = await jobEnd(probe, mark);
    assert.equal(end.type, 'jobDone', JSON.stringify(end));
    const waits = postedOf(probe, 'progress', mark).map((m) => /rate limited, retrying in (\d) s \(attempt 2 of \d\)/.exec(m.message)?.[1]).filter((x): x is string => !!x);
    assert.ok(new Set(waits).size >= 2, `the wait counts down on the job: ${waits.join(', ')} s`);
  });

  it('offers the notification\'s actions on a failure; Copy Request ID copies it, Retry sends the kept request again and writes its images', async () => {
    emulator.inject({ type: 'forbidden', reason: 'role' });
    const requestsBefore = emulator.requests.length;
    const generatesBefore = receivedOf(probe, 'generate').length;
    let mark = probe.posted.length;
    await d.click('#generate', W);
    const end = await jobEnd(probe, mark);
    assert.ok(end.type === 'jobFailed', JSON.stringify(end));
    const failure = end.error;
    assert.equal(failure.kind, 'permission');
    assert.ok(failure.requestId, 'the service gave a request id');
    // A permission failure gets what its notification offers (src/host/failure.ts), then Dismiss.
    assert.deepEqual(failure.actions.map((a) => a.action), ['signIn', 'setApiKey', 'retry', 'showLog', 'copyRequestId']);
    await d.waitFor('.error-banner [data-failure-action="retry"]', W);
    assert.deepEqual(await d.texts('.error-banner button', W), ['Sign In', 'Set API Key', 'Retry', 'Show Log', 'Copy Request ID', 'Dismiss']);
    await d.screenshot('studio-failure-actions');
    assert.equal(emulator.requests.length - requestsBefore, 1, 'the first request failed and the job stopped');
    // The request the failure stopped before it was sent says so, instead of "waiting" for ever.
    assert.deepEqual(await d.texts('.job-area [data-state]', W).then((t) => t.map((x) => x.replace(/^.*· /s, ''))), ['failed', 'not sent']);
    // Every image of the request at once, on the canvas: the tiles side by side, not one row each.
    const [failedTile, unsentTile] = [await d.box('.job-area [data-state="failed"]', W), await d.box('.job-area [data-state="notSent"]', W)];
    assert.ok(Math.abs(failedTile.y - unsentTile.y) < 1 && unsentTile.x > failedTile.x, `one row: ${JSON.stringify([failedTile, unsentTile])}`);

    await vscode.env.clipboard.writeText('');
    await d.click('.error-banner [data-failure-action="copyRequestId"]', W);
    await until('the request id on the clipboard', async () => (await vscode.env.clipboard.readText()) === failure.requestId, 10_000);
    await until('the copy confirmed', () => postedOf(probe, 'notice', mark).some((n) => /Request ID copied/.test(n.message)));
    assert.deepEqual(receivedOf(probe, 'failureAction').at(-1), { type: 'failureAction', failure: failure.id, action: 'copyRequestId' });

    // What is composed now is not what failed: Retry sends the kept request, not the new prompt.
    await fill(d, '#prompt', 'Something else entirely.', () => receivedOf(probe, 'plan').at(-1)?.draft.prompt === 'Something else entirely.');
    mark = probe.posted.length;
    const retryFrom = emulator.requests.length;
    // By keyboard: from Copy Request ID (focused by the click) back over Show Log to Retry.
    await d.click('.error-banner [data-failure-action="copyRequestId"]', W);
    await d.press('Shift+Tab');
    await d.press('Shift+Tab');
    await d.press('Enter');
    await until('the retry', () => receivedOf(probe, 'failureAction').at(-1)?.action === 'retry');
    const retried = await jobEnd(probe, mark);
    assert.equal(retried.type, 'jobDone', JSON.stringify(retried));
    assert.equal(receivedOf(probe, 'generate').length - generatesBefore, 1, 'the retry is the host sending the kept request, not a new generate');
    const sent = emulator.requests.slice(retryFrom);
    assert.equal(sent.length, 2, 'the kept request again: its two locales at 600x200');
    for (const request of sent) {
      assert.match(String(request.body?.prompt), /Show a loyalty badge\./);
      assert.doesNotMatch(String(request.body?.prompt), /Something else/);
    }
    const written = postedOf(probe, 'result', mark).flatMap((r) => r.items);
    assert.equal(written.length, 2);
    for (const item of written) {
      const info = await sharp(path.join(root(), item.file)).metadata();
      assert.equal(`${info.width}x${info.height}`, '600x200', item.file);
    }
    await d.waitFor('.error-banner', { ...W, state: 'detached' });
    // Retry is used up: the kept failure is gone, and the host says so.
    const noticeMark = probe.posted.length;
    await probe.receive({ type: 'failureAction', failure: failure.id, action: 'retry' });
    assert.match(postedOf(probe, 'notice', noticeMark)[0]?.message ?? '', /no longer kept/);
    assert.equal(emulator.requests.length, retryFrom + 2, 'nothing more was sent');
    await fill(d, '#prompt', 'Show a loyalty badge.', () => receivedOf(probe, 'plan').at(-1)?.draft.prompt === 'Show a loyalty badge.');
  });

  it('offers what connect()\'s notification offers when the connection is incomplete: Configure Connection and Open Settings', async () => {
    const config = vscode.workspace.getConfiguration('foundryMockups');
    const deployment = config.inspect<string>('deployment')?.workspaceValue;
    assert.ok(deployment, 'the suite configured the deployment in the workspace');
    await config.update('deployment', undefined, vscode.ConfigurationTarget.Workspace);
    try {
      const warningsBefore = ui.messages.length;
      const mark = probe.posted.length;
      await d.click('#generate', W);
      const end = await jobEnd(probe, mark);
      assert.ok(end.type === 'jobFailed', JSON.stringify(end));
      assert.equal(end.error.kind, 'notConnected');
      assert.deepEqual(end.error.actions.map((a) => a.action), ['configureConnection', 'openSettings']);
      const notification = ui.messages.slice(warningsBefore).find((m) => m.severity === 'warning');
      assert.deepEqual(end.error.actions.map((a) => a.label), notification?.items, 'the banner and the notification offer the same');
      await until('the banner with its actions', async () => (await d.texts('.error-banner button', W)).join('|') === 'Configure Connection|Open Settings|Dismiss');
    } finally {
      await config.update('deployment', deployment, vscode.ConfigurationTarget.Workspace);
    }
    await d.click('[data-key="dismiss-error"]', W);
    await d.waitFor('.error-banner', { ...W, state: 'detached' });
  });

  it('refines a result with a new prompt and shows and records the chain', async () => {
    await d.click('.results .card [data-action="refine"]', W);
    await fill(d, '#edit-prompt', 'Make the pay button green');
    await untilText(d, '#send-hint', /^$/);
    const mark = probe.posted.length;
    await d.click('#send-edit', W);
    assert.equal((await jobEnd(probe, mark)).type, 'jobDone');
    const result = postedOf(probe, 'result', mark)[0];
    assert.ok(result, 'a result');
    const item = result.items[0];
    assert.match(item.name, /-refined\.png$/);
    assert.deepEqual(
      item.chain.map((s) => s.operation),
      ['generate', 'edit'],
    );
    const sidecar = JSON.parse(await fs.readFile(path.join(root(), `${item.file}.mockup.json`), 'utf8')) as { request: { operation: string }; lineage: { parent: { file: string } } };
    assert.equal(sidecar.request.operation, 'edit');
    // The parent is the image whose Refine was pressed (what the page sent to edit).
    const parent = receivedOf(probe, 'edit').at(-1)?.image ?? '';
    assert.equal(path.join(root(), sidecar.lineage.parent.file), path.resolve(root(), parent));
    await until('the chain in the Studio', async () => (await d.texts('.chain li', W)).length === 2);
    const edit = emulator.requests.at(-1);
    assert.equal(edit?.operation, 'edits');
    // The edit keeps its context (issue 12): the change first, then what the image shows, the
    // style guide and the parent's language.
    // (multipart form fields carry their line breaks as CRLF)
    const sent = String(edit?.body?.prompt);
    assert.match(sent, /^Make the pay button green\r?\n\r?\n/);
    assert.match(sent, /which shows: A high-fidelity mobile app UI mockup of the checkout screen of a coffee ordering app/);
    assert.match(sent, /design system "Beanery".*#6f4e37/is);
    assert.match(sent, /written in Japanese/);
  });

  it('shows the image to refine large, and zooms and pans it: exactly 100 % by the keyboard, by wheel and steps, fit with 0', async () => {
    // Still refining the result of the test above (600x200).
    const img = 'fm-viewport[data-key="hero"] img';
    const readout = 'fm-viewport[data-key="hero"] .readout';
    await d.waitFor('fm-viewport[data-key="hero"][data-scale]', W);
    const fitted = await d.box(img, W);
    const fitScale = fitted.width / 600;
    assert.ok(fitScale > 0 && fitScale <= 1, `fitted at ${fitScale}, never enlarged`);
    assert.ok(near(fitted.height, 200 * fitScale), 'the aspect ratio is kept');
    const area = await d.box('fm-viewport[data-key="hero"] .area', W);
    assert.ok(near(fitted.x - area.x + fitted.width / 2, area.width / 2, 0.5) && near(fitted.y - area.y + fitted.height / 2, area.height / 2, 0.5), 'centred');
    // Focus the canvas (a click on its zoom readout), zoom out two steps, then 1 for 100 %.
    await d.click(readout, W);
    await d.press('-');
    await d.press('-');
    await until('zoomed out', async () => (await d.box(img, W)).width < fitted.width - 1);
    await d.press('1');
    await untilText(d, readout, /^100 %$/);
    let box = await d.box(img, W);
    assert.ok(near(box.width, 600) && near(box.height, 200), `at 100 % the image is 600x200 CSS pixels, not ${box.width}x${box.height}`);
    // Pan with the middle button: the image follows the pointer exactly.
    await d.drag('fm-viewport[data-key="hero"] .area', [{ x: area.width / 2, y: area.height / 2 }, { x: area.width / 2 + 37, y: area.height / 2 + 23 }], { ...W, button: 'middle' });
    let moved = box;
    await until('the image to follow the middle-button drag', async () => {
      moved = await d.box(img, W);
      return near(moved.x, box.x + 37, 0.51) && near(moved.y, box.y + 23, 0.51);
    }, 10_000).catch((error: Error) => {
      throw new Error(`${error.message}: the image went from (${box.x}, ${box.y}) to (${moved.x}, ${moved.y})`);
    });
    // And with space held.
    box = await d.box(img, W);
    await d.drag('fm-viewport[data-key="hero"] .area', [{ x: area.width / 2, y: area.height / 2 }, { x: area.width / 2 - 20, y: area.height / 2 + 10 }], { ...W, hold: ' ' });
    await until('the image to follow the space+drag', async () => {
      moved = await d.box(img, W);
      return near(moved.x, box.x - 20, 0.51) && near(moved.y, box.y + 10, 0.51);
    }, 10_000).catch((error: Error) => {
      throw new Error(`${error.message}: the image went from (${box.x}, ${box.y}) to (${moved.x}, ${moved.y})`);
    });
    box = await d.box(img, W);
    // The arrow keys move the view (ArrowRight shows more of the right: the image moves left).
    await d.press('ArrowRight');
    await until('the arrow key to pan', async () => near((await d.box(img, W)).x, box.x - 40, 0.51));
    // The wheel zooms about the pointer: the image point under it stays under it.
    // (Measured again: focusing the canvas may have scrolled the page.)
    const areaNow = await d.box('fm-viewport[data-key="hero"] .area', W);
    box = await d.box(img, W);
    const at = { x: Math.round(areaNow.width / 3), y: Math.round(areaNow.height / 2) };
    const under = { x: areaNow.x + at.x - box.x, y: areaNow.y + at.y - box.y }; // the image pixel under the pointer, at 100 %
    await d.wheel('fm-viewport[data-key="hero"] .area', at, 240, W);
    let wheeled = box;
    await until('the wheel to zoom out', async () => (wheeled = await d.box(img, W)).width < 599);
    const scale = wheeled.width / 600;
    const after = { x: (areaNow.x + at.x - wheeled.x) / scale, y: (areaNow.y + at.y - wheeled.y) / scale };
    // Within the half CSS pixel the view snaps by.
    assert.ok(near(after.x, under.x, 0.6 / scale) && near(after.y, under.y, 0.6 / scale), `the image point under the pointer stays: (${under.x}, ${under.y}) became (${after.x}, ${after.y})`);
    assert.doesNotMatch(await d.text(readout, W), /^100 %$/);
    // Zoom-in steps land on exactly 100 %, not near it.
    for (let i = 0; i < 10 && !/^100 %$/.test(await d.text(readout, W)); i++) await d.click('fm-viewport[data-key="hero"] [data-action="zoom-in"]', W);
    await untilText(d, readout, /^100 %$/);
    box = await d.box(img, W);
    assert.ok(near(box.width, 600) && near(box.height, 200), `stepping reaches 600x200 CSS pixels, not ${box.width}x${box.height}`);
    await d.waitFor('fm-viewport[data-key="hero"][data-scale="1"]', W);
    // 0 fits again.
    await d.press('0');
    await until('fitted again', async () => near((await d.box(img, W)).width, fitted.width, 0.5));
  });

  it('inpaints with a painted mask whose transparent pixels are exactly the painted ones', async () => {
    await d.click('[data-key="mode:inpaint"]', W);
    await d.waitFor('canvas.mask-canvas', W);
    // A dab with the pointer, then undone.
    await d.click('canvas.mask-canvas', W);
    await untilText(d, '.mask-status', /pixels painted/);
    await d.click('[data-action="undo"]', W);
    await untilText(d, '.mask-status', /Nothing painted/);
    // An area with the keyboard fields, an erased hole, undo and redo of the hole.
    await fill(d, '#mask-x', '10');
    await fill(d, '#mask-y', '20');
    await fill(d, '#mask-w', '100');
    await fill(d, '#mask-h', '50');
    await d.click('[data-action="paint-area"]', W);
    await untilText(d, '.mask-status', /5,000 pixels painted/);
    await d.click('[data-action="eraser"]', W);
    await fill(d, '#mask-x', '30');
    await fill(d, '#mask-y', '30');
    await fill(d, '#mask-w', '10');
    await fill(d, '#mask-h', '10');
    await d.click('[data-action="paint-area"]', W);
    await untilText(d, '.mask-status', /4,900 pixels painted/);
    await d.click('[data-action="undo"]', W);
    await untilText(d, '.mask-status', /5,000 pixels painted/);
    await d.click('[data-action="redo"]', W);
    await untilText(d, '.mask-status', /4,900 pixels painted/);
    await d.screenshot('studio-inpaint-mask');

    await fill(d, '#edit-prompt', 'A round promo badge');
    const mark = probe.posted.length;
    const before = emulator.requests.length;
    await d.click('#send-edit', W);
    assert.equal((await jobEnd(probe, mark)).type, 'jobDone');
    const request = emulator.requests.slice(before).find((r) => r.operation === 'edits');
    const maskPart = request?.files.find((f) => f.field === 'mask');
    assert.ok(maskPart, 'the edit carries a mask');
    const imagePart = request?.files.find((f) => f.field === 'image');
    const imageMeta = await sharp(imagePart?.bytes).metadata();
    const { data, info } = await sharp(maskPart.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.equal(`${info.width}x${info.height}`, `${imageMeta.width}x${imageMeta.height}`, 'the mask has the image size');
    assert.equal(`${info.width}x${info.height}`, '600x200');
    let wrong = 0;
    let transparent = 0;
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        const alpha = data[(y * info.width + x) * info.channels + 3];
        const painted = x >= 10 && x < 110 && y >= 20 && y < 70 && !(x >= 30 && x < 40 && y >= 30 && y < 40);
        if (alpha === 0) transparent++;
        if ((alpha === 0) !== painted || (alpha !== 0 && alpha !== 255)) wrong++;
      }
    }
    assert.equal(transparent, 4900);
    assert.equal(wrong, 0, 'transparent pixels are exactly the painted region');
    const result = postedOf(probe, 'result', mark)[0].items[0];
    const sidecar = JSON.parse(await fs.readFile(path.join(root(), `${result.file}.mockup.json`), 'utf8')) as { lineage: { mask: { file: string } } };
    assert.match(sidecar.lineage.mask.file, /-mask\.png$/);
    await fs.access(path.join(root(), sidecar.lineage.mask.file));
    assert.equal(result.chain.length, 3, 'generate → refine → inpaint');
  });

  it('paints a mask with the pointer at 100 % (a brush stroke, a rectangle, a lasso): the sent mask is transparent exactly where painted; undo, redo and invert change it', async () => {
    // Inpainting the result of the test above (600x200), with a new, empty mask.
    const painter = 'fm-mask-painter[data-key="mask-painter"]';
    const overlay = `${painter} .overlay`;
    const status = `${painter} .mask-status`;
    /** Brings the new image to 100 % and returns its size. */
    const atActualSize = async (): Promise<void> => {
      await d.waitFor(`${painter} canvas.mask-canvas`, W);
      await d.click(`${painter} .readout`, W);
      await d.press('1');
      await untilText(d, `${painter} .readout`, /^100 %$/);
      const box = await d.box(`${painter} fm-viewport img`, W);
      assert.ok(near(box.width, 600) && near(box.height, 200), `600x200 CSS pixels at 100 %, not ${box.width}x${box.height}`);
      const overlayBox = await d.box(overlay, W);
      assert.ok(near(overlayBox.x, box.x) && near(overlayBox.width, box.width), 'the mask lies exactly over the image');
    };
    const stroke = { from: { x: 250, y: 100 }, to: { x: 350, y: 100 }, diameter: 21 };
    const rect = { from: { x: 260, y: 30 }, to: { x: 340, y: 70 } };
    const strokePixels = strokeRule(stroke.from, stroke.to, stroke.diameter);
    const rectPixels = rectRule(rect.from, rect.to);
    const both: PixelRule = (x, y) => strokePixels(x, y) || rectPixels(x, y);
    const painted = (rule: PixelRule): RegExp => literally(`${countOf(600, 200, rule).toLocaleString('en-US')} pixels painted`);
    const paint = async (): Promise<void> => {
      await d.click(`${painter} [data-action="brush"]`, W);
      await fill(d, `${painter} #brush-size-number`, String(stroke.diameter));
      // Through a point in the middle: the pointer reports moves along the way, the stroke stays one capsule.
      await d.drag(overlay, [stroke.from, { x: 300, y: 100 }, stroke.to], W);
      await untilText(d, status, painted(strokePixels));
      await d.click(`${painter} [data-action="rect"]`, W);
      await d.drag(overlay, [rect.from, { x: 300, y: 55 }, rect.to], W);
      await untilText(d, status, painted(both));
    };
    const send = async (prompt: string): Promise<Emulator['requests'][number] | undefined> => {
      await fill(d, '#edit-prompt', prompt);
      await untilText(d, '#send-hint', /^$/);
      const mark = probe.posted.length;
      const before = emulator.requests.length;
      await d.click('#send-edit', W);
      assert.equal((await jobEnd(probe, mark)).type, 'jobDone');
      return emulator.requests.slice(before).find((r) => r.operation === 'edits');
    };

    await atActualSize();
    await paint();
    // Undo takes the rectangle away, redo (Ctrl+Y on the canvas) brings it back.
    await d.click(`${painter} [data-action="undo"]`, W);
    await untilText(d, status, painted(strokePixels));
    await d.click(`${painter} .readout`, W);
    await d.press('Control+y');
    await untilText(d, status, painted(both));
    // A lasso round a triangle beside them.
    const lasso = [{ x: 190, y: 120 }, { x: 230, y: 120 }, { x: 210, y: 190 }] as const;
    const all: PixelRule = (x, y) => both(x, y) || triangleRule(...lasso)(x, y);
    await d.click(`${painter} [data-action="lasso"]`, W);
    await d.drag(overlay, [...lasso, lasso[0]], W);
    await untilText(d, status, painted(all));
    await d.screenshot('studio-inpaint-pointer-mask');
    const first = await checkSentMask(await send('A coupon strip'), all);
    assert.equal(`${first.width}x${first.height}`, '600x200');
    assert.equal(first.transparent, countOf(600, 200, all));
    assert.equal(first.wrong, 0, 'transparent pixels are exactly the stroke, the rectangle and the lasso');

    // The next image: paint again, undo the rectangle (Ctrl+Z), invert.
    await atActualSize();
    await paint();
    await d.click(`${painter} .readout`, W);
    await d.press('Control+z');
    await untilText(d, status, painted(strokePixels));
    await d.click(`${painter} [data-action="invert"]`, W);
    const inverted: PixelRule = (x, y) => !strokePixels(x, y);
    await untilText(d, status, painted(inverted));
    const second = await checkSentMask(await send('A plain background'), inverted);
    assert.equal(second.transparent, 600 * 200 - countOf(600, 200, strokePixels));
    assert.equal(second.wrong, 0, 'transparent pixels are exactly everything but the stroke');
  });

  it('copies the request as code without any secret', async () => {
    // The card's code button opens a menu of the languages.
    await d.click('.results .card [data-action="code"]', W);
    await d.click('.results .card vscode-context-menu-item:has-text("Python")', W);
    await d.waitFor('#code-text', W);
    const code = await d.text('#code-text', W);
    assert.match(code, /AZURE_OPENAI_API_KEY/);
    assert.match(code, /requests\.post/);
    assert.ok(!code.includes(emulator.apiKey), 'no key in the code');
    for (const language of ['curl', 'typescript', 'csharp'] as const) {
      const mark = probe.posted.length;
      await probe.receive({ type: 'copyCode', id: 1, file: postedOf(probe, 'result').at(-1)?.items[0].file, language });
      const posted = postedOf(probe, 'code', mark)[0];
      assert.ok(posted && !posted.text.includes(emulator.apiKey) && posted.text.includes('AZURE_OPENAI_API_KEY'), language);
    }
    await d.press('Escape');
  });

  it('composes, generates and refines with the keyboard only', async () => {
    // From the panel's focus: Tab to the prompt, type, Ctrl+Enter generates; Tab to a result's
    // Refine, Enter opens it with the focus in its prompt, Ctrl+Enter sends the edit.
    // Opened (when run alone) and settled: keys typed while the workbench moves the focus into a
    // webview it reveals are lost, so a Studio already active is not revealed again.
    if (!api.studio.current()?.panel.active) {
      await vscode.commands.executeCommand('foundryMockups.openStudio');
      await until('the Studio active', () => api.studio.current()?.panel.active === true);
    }
    probe = api.studio.current() ?? probe;
    const tabTo = async (what: string, match: (focused: string) => boolean, limit = 250): Promise<string> => {
      const seen: string[] = [];
      for (let i = 0; i < limit; i++) {
        const focused = await d.focused(W);
        if (match(focused)) return focused;
        seen.push(focused);
        await d.press('Tab');
      }
      throw new Error(`Tab never reached ${what}; it went through ${JSON.stringify(seen.slice(-12))}`);
    };
    await tabTo('the prompt', (f) => f.startsWith('textarea#prompt'));
    // The old prompt selected by the textarea itself: VS Code runs a webview's Ctrl+A as a command
    // it sends to the page, which may arrive after the first keys typed.
    await d.press('Control+End');
    await d.press('Control+Shift+Home');
    await d.type('A receipt screen for the keyboard test');
    await until('the typed prompt to reach the host', () => receivedOf(probe, 'plan').at(-1)?.draft.prompt === 'A receipt screen for the keyboard test', 10_000).catch((error: Error) => {
      throw new Error(`${error.message}: the host has ${JSON.stringify(receivedOf(probe, 'plan').at(-1)?.draft.prompt)}`);
    });
    const mark = probe.posted.length;
    const sentBefore = emulator.requests.length;
    await d.press('Control+Enter');
    assert.equal((await jobEnd(probe, mark)).type, 'jobDone', 'Ctrl+Enter in the prompt generated');
    const made = postedOf(probe, 'result', mark).flatMap((r) => r.items);
    assert.ok(made.length > 0, 'results');
    assert.ok(emulator.requests.slice(sentBefore).some((r) => /A receipt screen for the keyboard test/.test(String(r.body?.prompt))), 'the typed prompt was sent');
    const card = made[0]?.file ?? '';
    const refine = await tabTo('the new result\'s Refine', (f) => f.includes('[data-action=refine]') && f.includes(made[0]?.name ?? '?'));
    assert.match(refine, /Refine/);
    await d.press('Enter');
    await until('the focus in the edit prompt', async () => (await d.focused(W)).startsWith('textarea#edit-prompt'), 10_000);
    await d.type('Make the total bold');
    const editMark = probe.posted.length;
    await d.press('Control+Enter');
    assert.equal((await jobEnd(probe, editMark)).type, 'jobDone', 'Ctrl+Enter in the edit prompt sent the edit');
    const edited = postedOf(probe, 'result', editMark)[0]?.items[0];
    assert.ok(edited, 'an edit result');
    assert.equal(edited.chain.at(-2)?.file, card, 'the keyboard refined the image it reached');
    assert.match(String(emulator.requests.at(-1)?.body?.prompt), /^Make the total bold/);
  });

  // Compare: the results compared, from the earlier tests: the refine and its parent (600x200), the
  // parent's other locale, and one more made here at twice the resolution (1200x400).
  let parent: MockupItem;
  let refined: MockupItem;
  let big: MockupItem;
  let otherLocale: MockupItem;

  /** Picks the results to compare and makes the 1200x400 one. */
  async function compareSetup(): Promise<void> {
    const results = postedOf(probe, 'result').flatMap((r) => r.items);
    const refine = results.find((i) => i.chain.length === 2 && /-refined\.png$/.test(i.name));
    assert.ok(refine, 'the refine test made a refine');
    refined = refine;
    const found = results.find((i) => i.file === refine.chain[0].file);
    assert.ok(found, 'its parent is among the results');
    parent = found;
    const other = results.find((i) => i.chain.length === 1 && i.sizeLabel === parent.sizeLabel && i.locale !== parent.locale);
    assert.ok(other, 'a result in the other locale');
    otherLocale = other;
    // The same screen at twice the resolution, sent in the app's place (the composition stays as it
    // is), in English: the history test after this one reuses the latest Japanese mockup.
    const composed = receivedOf(probe, 'plan').filter((m) => m.id !== INJECTED_ID).at(-1)?.draft;
    assert.ok(composed, 'something was composed');
    const mark = probe.posted.length;
    await probe.receive({ type: 'generate', draft: { ...composed, sizes: ['1200x400'], locales: ['en'], partialImages: 0 } });
    assert.equal((await jobEnd(probe, mark)).type, 'jobDone');
    const made = postedOf(probe, 'result', mark)[0]?.items[0];
    assert.ok(made, 'the 1200x400 image');
    big = made;
    await d.waitFor(`.results .card[data-file="${big.file}"]`, W);
  }

  it('compares two to four results side by side, labelled by what tells them apart, zooming (keys, wheel) and panning all panes together across resolutions', async () => {
    await compareSetup();
    await d.click(`.results .card[data-file="${parent.file}"] [data-action="compare"]`, W);
    await d.click(`.results .card[data-file="${refined.file}"] [data-action="compare"]`, W);
    // Two ticked: the comparison opens, the parent labelled as such and the refine by its edit.
    await d.waitFor('fm-compare .pane[data-index="1"]', W);
    assert.deepEqual(await d.texts('fm-compare .pane .label', W), ['parent', 'edit: Make the pay button green']);
    await d.click(`.results .card[data-file="${big.file}"] [data-action="compare"]`, W);
    await d.click(`.results .card[data-file="${otherLocale.file}"] [data-action="compare"]`, W);
    await d.waitFor('fm-compare .pane[data-index="3"]', W);
    assert.match(await d.text('fm-compare h2', W), /Compare 4 images/);
    const labels = await d.texts('fm-compare .pane .label', W);
    assert.equal(labels.length, 4);
    assert.deepEqual(
      labels,
      [`parent · ${parent.sizeLabel} · ${parent.locale}`, `edit: Make the pay button green · ${refined.sizeLabel} · ${refined.locale}`, `${big.sizeLabel} · ${big.locale}`, `${otherLocale.sizeLabel} · ${otherLocale.locale}`],
    );
    assert.deepEqual([parent, refined, big, otherLocale].map((i) => `${i.width}x${i.height}`), ['600x200', '600x200', '1200x400', '600x200']);
    await d.screenshot('studio-compare-side-by-side');

    // Every pane shows the same place of the screen, the 1200x400 one at half the scale.
    const start = await alignedPanes('the panes aligned when opened');
    // Zoom in the 1200x400 pane with the keyboard: all panes follow.
    await d.click('fm-compare .pane[data-index="2"] fm-viewport .area', W);
    await d.press('+');
    const zoomed = await alignedPanes('the panes aligned after + in one of them', (p) => p[2].scale > start[2].scale);
    assert.ok(zoomed[0].scale > start[0].scale, 'the other panes zoomed in too');
    // Pan with an arrow key: the image moves right by the same amount in every pane.
    await d.press('ArrowLeft');
    const panned = await alignedPanes('the panes aligned after a pan', (p) => p[2].x > zoomed[2].x);
    assert.ok(panned.every((p, i) => p.x > zoomed[i].x));
    // 100 % in a 600x200 pane: that one shows one image pixel per CSS pixel, the 1200x400 one half of that.
    await d.click('fm-compare .pane[data-index="0"] fm-viewport .area', W);
    await d.press('1');
    const actual = await alignedPanes('the panes at 100 % of the first', (p) => p[0].scale === 1);
    assert.deepEqual(actual.map((p) => p.scale), [1, 1, 0.5, 1]);
    assert.deepEqual(await d.texts('fm-compare .pane fm-viewport .readout', W), ['100 %', '100 %', '50 %', '100 %'], 'each pane reads its own zoom');
    await d.screenshot('studio-compare-synced-100');
    // And fit again (0) from another pane.
    await d.click('fm-compare .pane[data-index="3"] fm-viewport .area', W);
    await d.press('0');
    const fitted = await alignedPanes('the panes fitted again', (p) => p[3].scale < 1);
    assert.ok(Math.abs(fitted[0].scale - start[0].scale) < 1e-9, 'back to the fitted view');
    // The wheel over one pane zooms them all, about the pointer.
    await d.wheel('fm-compare .pane[data-index="1"] fm-viewport .area', { x: 120, y: 80 }, -200, W);
    await alignedPanes('the panes aligned after the wheel in one of them', (p) => p[1].scale > fitted[1].scale);
  });

  it('swipes between the refine and its parent with the arrow keys and by dragging the divider, revealing one or the other', async () => {
    await d.click('fm-compare [data-group="mode"] [aria-checked="true"]', W);
    await d.press('ArrowRight');
    await d.waitFor('fm-compare[mode="swipe"] .divider', W);
    // Of the four, the refine is overlaid on its parent.
    const [host] = await d.data('fm-compare', W);
    assert.deepEqual([host.before, host.after], [parent.file, refined.file]);
    const [under, over] = await Promise.all([pixels(path.join(root(), parent.file)), pixels(path.join(root(), refined.file))]);
    await d.click('fm-compare .divider', W);
    await d.press('Home');
    await waitForData('fm-compare', 'swipe', '0');
    assert.ok((await overlayMatches(under, over, 'swipe-0')).over >= 0.9, 'divider at the left: the refine everywhere');
    await d.press('End');
    await waitForData('fm-compare', 'swipe', '100');
    assert.ok((await overlayMatches(under, over, 'swipe-100')).under >= 0.9, 'divider at the right: the parent everywhere');
    for (let i = 0; i < 5; i++) await d.press('Shift+ArrowLeft');
    await d.press('ArrowRight');
    await waitForData('fm-compare', 'swipe', '51');
    const halves = await overlayMatches(under, over, 'swipe-51', 0.51);
    // (Edges of the scaled images blend: a few points read as neither.)
    assert.ok(halves.left.under >= 0.8 && halves.left.over <= 0.05 && halves.right.over >= 0.8 && halves.right.under <= 0.05, `parent left of the divider, refine right of it: ${JSON.stringify(halves)}`);
    assert.match(await d.text('fm-compare .tag.before-tag', W), /^parent/);
    // The divider drags too.
    const stack = await d.box('fm-compare .stack', W);
    await d.drag('fm-compare .stack', [0.51, 0.4, 0.3, 0.25].map((u) => ({ x: u * stack.width, y: stack.height / 2 })), W);
    await until('the divider dragged to a quarter', async () => Math.abs(Number((await d.data('fm-compare', W))[0]?.swipe) - 25) < 1, 10_000);
    await d.screenshot('studio-compare-swipe');
    // The overlay zooms like any canvas: both images together, the divider staying where it was in the image.
    const overlayScale = async (): Promise<number> => Number((await d.data('fm-compare fm-viewport.overlay-view', W))[0]?.scale);
    const fitted = await overlayScale();
    assert.ok(fitted > 0, 'the overlay is shown fitted');
    await d.click('fm-compare fm-viewport.overlay-view [data-action="zoom-in"]', W);
    await d.click('fm-compare fm-viewport.overlay-view [data-action="zoom-in"]', W);
    await until('the overlay zoomed in', async () => (await overlayScale()) > fitted * 1.2);
    const zoomed = await overlayScale();
    assert.ok(Math.abs((await d.box('fm-compare .stack', W)).width - (parent.width ?? 0) * zoomed) <= 2, 'both images drawn at the zoom, in image pixels');
    assert.ok(Math.abs(Number((await d.data('fm-compare', W))[0]?.swipe) - 25) < 1, 'the divider did not move');
    await d.screenshot('studio-compare-swipe-zoomed');
    await d.click('fm-compare fm-viewport.overlay-view [data-action="fit"]', W);
    await until('the overlay fitted again', async () => Math.abs((await overlayScale()) - fitted) < 1e-6);
  });

  it('fades the refine over its parent with the onion-skin slider, and Escape closes the comparison', async () => {
    await d.click('fm-compare [data-group="mode"] [aria-checked="true"]', W);
    await d.press('ArrowRight');
    await d.waitFor('fm-compare[mode="onion"] #opacity', W);
    const [under, over] = await Promise.all([pixels(path.join(root(), parent.file)), pixels(path.join(root(), refined.file))]);
    await d.click('fm-compare #opacity', W);
    await d.press('End');
    await waitForData('fm-compare', 'opacity', '100');
    assert.equal(await d.text('fm-compare .opacity output', W), '100 %');
    assert.ok((await overlayMatches(under, over, 'onion-100')).over >= 0.9, 'fully opaque: the refine');
    await d.press('Home');
    await waitForData('fm-compare', 'opacity', '0');
    assert.ok((await overlayMatches(under, over, 'onion-0')).under >= 0.9, 'transparent: the parent');
    for (let i = 0; i < 50; i += 10) await d.press('PageUp');
    await waitForData('fm-compare', 'opacity', '50');
    const half = await overlayMatches(under, over, 'onion-50');
    assert.ok(half.between >= 0.8, `half opaque: a blend of the two: ${JSON.stringify(half)}`);
    await d.screenshot('studio-compare-onion');
    await d.press('Escape');
    await d.waitFor('fm-compare', { ...W, state: 'detached' });
    // The Studio's own Escape did not act as well: the results and the composition are there.
    await d.waitFor('#prompt', W);
  });

  interface Pane {
    scale: number;
    x: number;
    y: number;
    width: number;
  }

  /**
   * Waits until every pane shows the same place of the screen (the condition `ready` too), by
   * the panes' attributes and by the boxes the images are drawn in, and returns the panes.
   */
  async function alignedPanes(what: string, ready: (panes: Pane[]) => boolean = () => true): Promise<Pane[]> {
    const widths = [parent, refined, big, otherLocale].map((i) => i.width ?? NaN);
    let seen = '';
    return until(what, async () => {
      const figures = await d.data('fm-compare .pane', W);
      const panes = figures.map((f, i) => ({ scale: Number(f.scale), x: Number(f.x), y: Number(f.y), width: widths[i] }));
      seen = JSON.stringify(panes);
      if (figures.length !== 4 || panes.some((p) => !Number.isFinite(p.scale)) || !ready(panes)) return undefined;
      // (A pane's image is not rendered until its view is known.)
      const drawn = async (i: number, part: string): Promise<BridgeBox | undefined> => d.box(`fm-compare .pane[data-index="${i}"] fm-viewport ${part}`, W).catch(() => undefined);
      const areas: Array<BridgeBox | undefined> = [];
      const images: Array<BridgeBox | undefined> = [];
      for (let i = 0; i < 4; i++) {
        areas.push(await drawn(i, '.area'));
        images.push(await drawn(i, '.stage img'));
      }
      seen = JSON.stringify({ panes, areas, images });
      for (let i = 0; i < 4; i++) {
        const image = images[i];
        const area = areas[i];
        if (!image || !area) return undefined;
        // What is drawn is what the attributes say...
        if (Math.abs(image.x - area.x - panes[i].x) > 1 || Math.abs(image.y - area.y - panes[i].y) > 1 || Math.abs(image.width - panes[i].width * panes[i].scale) > 1) return undefined;
        // ...and the same in every pane: the same place, the same displayed size.
        const first = images[0];
        const firstArea = areas[0];
        if (!first || !firstArea) return undefined;
        if (Math.abs(image.x - area.x - (first.x - firstArea.x)) > 1 || Math.abs(image.y - area.y - (first.y - firstArea.y)) > 1 || Math.abs(image.width - first.width) > 1 || Math.abs(image.height - first.height) > 1) return undefined;
      }
      return panes;
    }, 15_000).catch((error: Error) => {
      throw new Error(`${error.message}; the panes: ${seen}`);
    });
  }

  /**
   * Takes a screenshot and reads the overlay in it: at points where the two images differ, the
   * share of points that show the image underneath, the one on top, or a blend half-way (for
   * the halves left and right of `divider`, a fraction of the width, too).
   */
  async function overlayMatches(under: Pixels, over: Pixels, name: string, divider = 0.5): Promise<{ under: number; over: number; between: number; left: { under: number; over: number }; right: { under: number; over: number }; points: number }> {
    const box = await d.box('fm-compare .stack', W);
    const page = await d.box('body');
    const shot = await pixels(await d.screenshot(`studio-compare-${name}`, false));
    const dpr = shot.width / page.width;
    const count = { under: 0, over: 0, between: 0, points: 0, left: { under: 0, over: 0, points: 0 }, right: { under: 0, over: 0, points: 0 } };
    for (let row = 1; row < 24; row++) {
      for (let column = 1; column < 48; column++) {
        const u = column / 48;
        const v = row / 24;
        const cssX = box.x + u * box.width;
        const cssY = box.y + v * box.height;
        // Leave out the labels drawn over the top corners and the divider's handle.
        if (cssY < box.y + 32 || Math.abs(u - divider) * box.width < 10 || u * box.width < 10 || (1 - u) * box.width < 10) continue;
        const a = under.at(Math.floor(u * under.width), Math.floor(v * under.height));
        const b = over.at(Math.floor(u * over.width), Math.floor(((v * box.height) / box.width) * over.width));
        if (distance(a, b) < 90) continue;
        const s = shot.at(Math.round(cssX * dpr), Math.round(cssY * dpr));
        const mid = a.map((c, i) => (c + b[i]) / 2);
        const [da, db, dm] = [distance(s, a), distance(s, b), distance(s, mid)];
        const half = u < divider ? count.left : count.right;
        count.points++;
        half.points++;
        if (dm < da && dm < db) count.between++;
        else if (da < db) {
          count.under++;
          half.under++;
        } else {
          count.over++;
          half.over++;
        }
      }
    }
    assert.ok(count.points >= 30 && count.left.points >= 10 && count.right.points >= 10, `enough points where the two images differ to tell them apart: ${JSON.stringify(count)}`);
    const share = (n: number, of: number): number => n / Math.max(1, of);
    return {
      under: share(count.under, count.points),
      over: share(count.over, count.points),
      between: share(count.between, count.points),
      left: { under: share(count.left.under, count.left.points), over: share(count.left.over, count.left.points) },
      right: { under: share(count.right.under, count.right.points), over: share(count.right.over, count.right.points) },
      points: count.points,
    };
  }

  async function waitForData(selector: string, key: string, value: string): Promise<void> {
    let last: string | undefined;
    await until(`${selector} data-${key}="${value}"`, async () => {
      last = (await d.data(selector, W))[0]?.[key];
      return last === value;
    }, 10_000).catch((error: Error) => {
      throw new Error(`${error.message}; it is ${last}`);
    });
  }

  /**
   * Opens the History view and waits for its answer on the page that shows it: asking for all the
   * workspace's mockups may allow their folders, which reloads the page first (what is typed into
   * a page that is going away is lost, as it would be for a user).
   */
  async function showHistory(): Promise<void> {
    const mark = probe.posted.length;
    await d.click('#tab-history', W);
    await until('the history answered to the page that shows it', () => {
      const posted = probe.posted.slice(mark);
      const lastInit = posted.map((m) => m.type).lastIndexOf('init');
      return probe.isReady() && posted.slice(lastInit + 1).some((m) => m.type === 'history');
    });
  }

  it('browses the history from the sidecars, filters it, opens an image and reuses its settings', async () => {
    await showHistory();
    await d.waitFor('.history-grid .card', W);
    await fill(d, '#history-search', 'loyalty');
    await d.click('[data-filter="locale:ja"]', W);
    await until('the filtered history', async () => {
      const stats = await d.texts('#history-view .card .stats', W);
      return stats.length > 0 && stats.every((s) => /\bja\b/.test(s)) && /of \d+ mockup/.test(await d.text('#history-count', W));
    });
    const history = postedOf(probe, 'history').at(-1);
    assert.ok(history && history.entries.length >= 1 && history.entries.every((e) => e.locale === 'ja' && /loyalty/i.test(e.promptTyped ?? '')));
    assert.ok(history.facets.locales.includes('en') && history.facets.locales.includes('ja'));
    await d.click('#history-view .card [data-action="reuse"]', W);
    await d.waitFor('#create-view #prompt', W);
    const plan = await until('a plan with the reused settings', () => receivedOf(probe, 'plan').at(-1)?.draft.locales.join() === 'ja' && receivedOf(probe, 'plan').at(-1));
    assert.deepEqual(plan.draft.sizes, ['600x200']);
    assert.equal(plan.draft.template?.id, 'mobile-screen');
    assert.equal(plan.draft.template?.fields.app, 'a coffee ordering app');
    assert.equal(plan.draft.prompt, 'Show a loyalty badge.');
    assert.equal(plan.draft.quality, 'low');
  });

  it('makes a result the anchor: the plan counts it, and the next generate sends its bytes to the edits endpoint with every size and language', async () => {
    const anchor = postedOf(probe, 'result')[0].items[0];
    const anchorBytes = await fs.readFile(path.join(root(), anchor.file));
    // "Use as anchor" is in the card's overflow menu.
    await d.click(`.results .card[data-file="${anchor.file}"] [data-action="more"]`, W);
    await d.click(`.results .card[data-file="${anchor.file}"] vscode-context-menu-item:has-text("Use as anchor")`, W);
    await untilText(d, '#anchor', literally(anchor.name));
    assert.match(await d.text(`.results .card[data-file="${anchor.file}"] .anchor-badge`, W), /^Anchor$/, 'the card says it is the anchor');
    await d.click('#anchor .anchor-name', W); // scrolls the compose area to the anchor
    await d.screenshot('studio-anchor');
    // The live plan goes through the use case with the anchor: its instruction is among the parts sent.
    const plan = await until('a plan with the anchor', () => receivedOf(probe, 'plan').find((m) => m.anchor === path.join(root(), anchor.file)));
    const answer = await until('its answer', () => postedOf(probe, 'planned').find((m) => m.id === plan.id));
    assert.ok(answer.composed.every((c) => c.parts[0]?.text === ANCHOR_INSTRUCTION), JSON.stringify(answer.composed.map((c) => c.parts[0])));
    assert.equal(answer.error, undefined);
    // The estimate counts the anchor as an input image of every request.
    const unanchored = receivedOf(probe, 'plan').filter((m) => m.anchor === undefined && JSON.stringify(m.draft) === JSON.stringify(plan.draft)).at(-1);
    const without = postedOf(probe, 'planned').find((m) => m.id === unanchored?.id);
    assert.ok(without?.estimateUsd !== undefined && answer.estimateUsd !== undefined && answer.estimateUsd > without.estimateUsd, `${answer.estimateUsd} with the anchor, ${without?.estimateUsd} without`);

    const mark = probe.posted.length;
    const before = emulator.requests.length;
    await d.click('#generate', W);
    const end = await jobEnd(probe, mark);
    assert.equal(end.type, 'jobDone', JSON.stringify(end));
    assert.equal(receivedOf(probe, 'generate').at(-1)?.anchor, path.join(root(), anchor.file), 'the generate message names the anchor');
    const sent = emulator.requests.slice(before);
    assert.ok(sent.length >= 1);
    for (const request of sent) {
      assert.equal(request.operation, 'edits', 'a generation with an anchor goes to the edits endpoint');
      const images = request.files.filter((f) => f.field === 'image' || f.field === 'image[]');
      assert.equal(sha256(images.at(-1)?.bytes ?? new Uint8Array()), sha256(anchorBytes), 'the anchor, as written, is the last input image');
      assert.ok(String(request.body?.prompt).startsWith(ANCHOR_INSTRUCTION), 'the prompt asks for the anchor look');
    }
    const made = postedOf(probe, 'result', mark).flatMap((r) => r.items);
    assert.equal(made.length, sent.length);
    for (const item of made) {
      const sidecar = JSON.parse(await fs.readFile(path.join(root(), `${item.file}.mockup.json`), 'utf8')) as { request: { operation: string }; lineage?: { anchor?: { file: string; sha256: string }; parent?: unknown } };
      assert.deepEqual([sidecar.lineage?.anchor?.file, sidecar.lineage?.anchor?.sha256], [anchor.file, sha256(anchorBytes)]);
      assert.equal(sidecar.lineage?.parent, undefined, 'an anchored generation has no parent');
    }
    // Its request as code sends the anchor as the input image.
    const codeMark = probe.posted.length;
    await probe.receive({ type: 'copyCode', id: INJECTED_ID, file: made[0].file, language: 'curl' });
    const code = postedOf(probe, 'code', codeMark)[0]?.text ?? '';
    assert.match(code, /images\/edits/);
    assert.ok(code.includes(`image=@${anchor.file}`), code);
    // Made again (as the history's Regenerate does), it is sent with the same anchor.
    const again = probe.posted.length;
    const sentBefore = emulator.requests.length;
    await probe.receive({ type: 'regenerate', file: made[0].file });
    assert.equal((await jobEnd(probe, again)).type, 'jobDone');
    const regenerated = emulator.requests.slice(sentBefore);
    assert.equal(regenerated.length, 1);
    assert.equal(regenerated[0].operation, 'edits');
    assert.equal(sha256(regenerated[0].files.filter((f) => f.field === 'image' || f.field === 'image[]').at(-1)?.bytes ?? new Uint8Array()), sha256(anchorBytes));
  });

  it('opens an image from the explorer context command with it selected for refining', async () => {
    const file = postedOf(probe, 'result')[0].items[0].file;
    await vscode.commands.executeCommand('foundryMockups.openStudio', vscode.Uri.file(path.join(root(), file)));
    await until('the selection', () => postedOf(probe, 'selected').some((m) => m.item.file === file));
    await until('the refine panel', async () => (await d.text('#iterate h2', W)).toLowerCase().includes(path.basename(file).toLowerCase()));
  });

  it('keeps the composition when the panel is hidden and shown again', async () => {
    const readies = receivedOf(probe, 'ready').length;
    await vscode.commands.executeCommand('workbench.action.files.newUntitledFile');
    await until('the Studio hidden', () => !probe.panel.visible);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await until('the webview again', () => receivedOf(probe, 'ready').length > readies);
    await d.waitFor('#prompt', W);
    const plan = await until('a plan after the reload', () => receivedOf(probe, 'plan').at(-1));
    assert.equal(plan.draft.prompt, 'Show a loyalty badge.');
    assert.deepEqual(plan.draft.locales, ['ja']);
    // The anchor set earlier comes back too, and is still sent.
    const anchorFile = receivedOf(probe, 'generate').at(-1)?.anchor;
    assert.ok(anchorFile);
    assert.equal(plan.anchor, anchorFile);
    await untilText(d, '#anchor', literally(path.basename(anchorFile)));
    // Any workspace image, from the picker the references use.
    await d.click('#pick-anchor', W);
    const other = (await d.texts('#anchor-section .pick span', W)).find((f) => f !== path.relative(root(), anchorFile) && !f.includes('.original.'));
    assert.ok(other, 'another workspace image to pick');
    await d.click(`[data-key="anchor:${other}"]`, W);
    await until('a plan with the picked anchor', () => receivedOf(probe, 'plan').at(-1)?.anchor === path.join(root(), other));
    // Cleared from the keyboard: the Clear button comes before the picker's toggle.
    await d.click('#pick-anchor', W);
    await d.press('Shift+Tab');
    await d.press('Enter');
    await untilText(d, '#anchor-section', /No anchor/);
    const cleared = await until('a plan without the anchor', () => receivedOf(probe, 'plan').at(-1)?.anchor === undefined && receivedOf(probe, 'plan').at(-1));
    assert.equal(cleared.draft.prompt, 'Show a loyalty badge.');
  });

  it('comes back in a panel handed over after a window reload (the serializer)', async () => {
    // After a reload VS Code creates a bare panel of the Studio's view type and hands it to the
    // registered serializer; a reload itself would end this test run, so the test does the same.
    const bare = vscode.window.createWebviewPanel(STUDIO_VIEW_TYPE, 'Mockup Studio', vscode.ViewColumn.Active, {});
    const revived = api.studio.revive(bare);
    assert.equal(api.studio.current(), revived, 'the revived panel is the Studio');
    assert.equal(revived.panel, bare);
    await until('the ready handshake of the revived panel', () => revived.received.some((m) => m.type === 'ready'));
    await d.waitFor('#prompt', W);
    assert.ok(bare.webview.options.enableScripts, "the Studio's webview options are restored");
    probe = revived;
  });

  it('lets the webview load only the extension\'s files and the folders of the images it shows', () => {
    const roots = (probe.panel.webview.options.localResourceRoots ?? []).map((uri) => uri.fsPath);
    const inside = (file: string): boolean => roots.some((root) => file === root || file.startsWith(`${root}${path.sep}`));
    const extension = vscode.extensions.getExtension('foundry-mockups.foundry-mockups')?.extensionUri.fsPath ?? '';
    assert.ok(inside(path.join(extension, 'dist', 'webview.js')) && inside(path.join(extension, 'media', 'studio.css')));
    assert.ok(!inside(path.join(extension, 'package.json')), 'the rest of the extension is out of reach');
    assert.ok(inside(path.join(root(), FOLDER, 'x.png')), 'the folder of the generated images');
    assert.ok(!inside(path.join(root(), 'README.md')), 'a file at the workspace root is out of reach');
    assert.ok(!inside(path.join(root(), 'design', 'style.json')), 'the style guide is read by the host, not the webview');
    assert.ok(!inside(path.join(root(), '.vscode', 'settings.json')));
  });

  it('allows a folder it did not know when an image from it is shown, and keeps working', async () => {
    const source = (await fs.readdir(path.join(root(), FOLDER))).find((f) => f.endsWith('.png') && !f.includes('.original.'));
    assert.ok(source, 'an image generated earlier');
    const target = path.join(root(), 'elsewhere', 'moved.png');
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(path.join(root(), FOLDER, source), target);
    const readies = receivedOf(probe, 'ready').length;
    await vscode.commands.executeCommand('foundryMockups.openStudio', vscode.Uri.file(target));
    const allowed = (): boolean => (probe.panel.webview.options.localResourceRoots ?? []).some((uri) => uri.fsPath === path.dirname(target));
    await until('the new folder to be allowed', () => allowed());
    await until('the webview to reload with the new roots', () => receivedOf(probe, 'ready').length > readies);
    await until('the image selected after the reload', () => postedOf(probe, 'selected').some((m) => m.item.file === 'elsewhere/moved.png'));
    await until('the refine panel', async () => (await d.text('#iterate h2', W)).toLowerCase().includes('moved.png'));
  });

  it('rejects malformed and hostile messages from the webview', async () => {
    const valid: Draft = { prompt: 'x', locales: [], verbatim: {}, sizes: ['1024x1024'], quality: 'low', format: 'png', background: 'auto', n: 1, fit: 'cover', partialImages: 0, folder: FOLDER };
    const outside = path.join(root(), '..', 'outside.png');
    let deep: unknown = {};
    for (let i = 0; i < 50; i++) deep = { a: deep };
    const hostile: unknown[] = [
      null,
      'ready',
      [],
      { type: 'nope' },
      { type: 'generate' },
      { type: 'generate', draft: { ...valid, folder: '../../escape' } },
      { type: 'generate', draft: { ...valid, folder: '/etc' } },
      { type: 'generate', draft: { ...valid, n: 1000 } },
      { type: 'generate', draft: { ...valid, quality: 'ultra' } },
      { type: 'generate', draft: { ...valid, sizes: 'all' } },
      { type: 'generate', draft: { ...valid, prompt: 'p'.repeat(40_000) } },
      { type: 'generate', draft: { ...valid, extra: true } },
      { type: 'plan', seq: '1', draft: valid },
      { type: 'openFile', file: '/etc/passwd' },
      { type: 'reveal', file: '../../../etc' },
      { type: 'copyCode', id: 1, file: outside, language: 'curl' },
      { type: 'copyCode', id: 1, file: `${FOLDER}/a.png`, language: 'cobol' },
      { type: 'select', id: 1, file: 'a'.repeat(5000) },
      { type: 'edit', mode: 'inpaint', image: outside, prompt: 'x', references: [], mask: 'AAAA', quality: 'low', n: 1, partialImages: 0 },
      { type: 'edit', mode: 'refine', image: `${FOLDER}/a.png`, prompt: 'x', references: ['../../x.png'], quality: 'low', n: 1, partialImages: 0 },
      { type: 'edit', mode: 'inpaint', image: `${FOLDER}/a.png`, prompt: 'x', references: [], mask: 'A'.repeat(7 * 1024 * 1024), quality: 'low', n: 1, partialImages: 0 },
      { type: 'edit', mode: 'inpaint', image: `${FOLDER}/a.png`, prompt: 'x', references: [], mask: '<script>', quality: 'low', n: 1, partialImages: 0 },
      { type: 'log', level: 'debug', message: 1 },
      { type: 'history', id: 1, query: { text: 'x'.repeat(600), size: '', locale: '', model: '' } },
      { type: 'partialShown', key: 'k'.repeat(10_000) },
      { type: 'cancel', jobId: -1 },
      { type: 'failureAction', failure: 'not-an-id', action: 'retry' },
      { type: 'failureAction', failure: '3f2b8c1e-0d4a-4c6b-9e21-5a7f0b9c8d11', action: 'runCommand' },
      { type: 'log', level: 'info', message: 'x', payload: 'y'.repeat(1_000_000) },
      deep,
    ];
    const rejectedBefore = probe.rejected.length;
    const requestsBefore = emulator.requests.length;
    for (const message of hostile) await probe.receive(message);
    assert.equal(probe.rejected.length - rejectedBefore, hostile.length, probe.rejected.slice(rejectedBefore).join('\n'));
    const reasons = probe.rejected.slice(rejectedBefore).join('\n');
    assert.match(reasons, /outside the workspace/);
    assert.match(reasons, /at most/);
    assert.equal(emulator.requests.length, requestsBefore, 'nothing was sent to the service');
    await assert.rejects(fs.access(path.join(root(), '..', 'escape')));
    // A valid message still works afterwards.
    const mark = probe.posted.length;
    await probe.receive({ type: 'plan', id: INJECTED_ID, draft: valid });
    assert.ok(postedOf(probe, 'planned', mark).some((m) => m.id === INJECTED_ID));
  });

  it('opens, reveals and copies only the images it showed, and logs a webview line as one line', async () => {
    probe = await until('the Studio panel', () => api.studio.current());
    const made = (await fs.readdir(path.join(root(), FOLDER))).find((f) => f.endsWith('.png') && !f.includes('.original.') && !f.includes('-mask'));
    assert.ok(made, 'the Studio made images earlier in this suite');
    // A workspace image the Studio never showed: a message naming it changes nothing.
    await fs.copyFile(path.join(root(), FOLDER, made), path.join(root(), 'design', 'notes.png'));
    const tabs = (): number => vscode.window.tabGroups.all.flatMap((g) => g.tabs).length;
    const before = tabs();
    for (const type of ['openFile', 'reveal', 'copyPrompt'] as const) {
      const mark = probe.posted.length;
      await probe.receive({ type, file: 'design/notes.png' });
      assert.match(postedOf(probe, 'notice', mark)[0]?.message ?? '', /notes\.png is not an image the Studio showed/, type);
    }
    await probe.receive({ type: 'openFile', file: 'design/style.json' });
    assert.equal(tabs(), before, 'no editor opened');
    // Once shown (selected for refining), the same image opens.
    await probe.receive({ type: 'select', id: 1, file: 'design/notes.png' });
    await probe.receive({ type: 'openFile', file: 'design/notes.png' });
    await until('the image in an editor', () => tabs() > before);
    // A log line from the webview cannot forge lines in the log.
    await probe.receive({ type: 'log', level: 'info', message: 'ok\n2026-01-01 [error] forged' });
    const logged = probe.received.at(-1);
    assert.ok(logged?.type === 'log' && logged.message === 'ok 2026-01-01 [error] forged', JSON.stringify(logged));
  });

  it('follows changed settings, presets and design system while open, keeping what was composed', async () => {
    const mark = probe.posted.length;
    // What the app composed: its own last plan, not one a test sent in its place.
    const composed = receivedOf(probe, 'plan').filter((m) => m.id !== INJECTED_ID).at(-1)?.draft;
    assert.ok(composed, 'something was composed');
    const receivedMark = probe.received.length;
    await fs.writeFile(path.join(root(), 'design', 'style2.json'), JSON.stringify({ brand: 'Teahouse', colors: { primary: '#2E7D32' }, typography: 'Noto Sans' }));
    await vscode.workspace.getConfiguration('foundryMockups').update('styleGuide', 'design/style2.json', vscode.ConfigurationTarget.Workspace);
    const init = await until('an init with the new style guide', () => postedOf(probe, 'init', mark).find((m) => m.styleGuide?.file === 'design/style2.json'));
    assert.match(init.styleGuide?.text ?? '', /Teahouse/);
    await fs.mkdir(path.join(root(), '.vscode'), { recursive: true });
    const presets = path.join(root(), '.vscode', 'mockups.json');
    const before = await fs.readFile(presets, 'utf8').catch(() => undefined);
    await fs.writeFile(presets, JSON.stringify({ presets: [{ id: 'kiosk-live', name: 'Kiosk (live)', width: 1080, height: 1920, density: 1 }] }));
    await until('an init with the new preset', () => postedOf(probe, 'init', mark).some((m) => m.presets.some((p) => p.id === 'kiosk-live')));
    // The connection settings too: another model and deployment reach the open Studio.
    const config = vscode.workspace.getConfiguration('foundryMockups');
    const [deployment, model] = [config.inspect<string>('deployment')?.workspaceValue, config.inspect<string>('model')?.workspaceValue];
    const effective = config.get<string>('deployment');
    await config.update('model', 'gpt-image-1', vscode.ConfigurationTarget.Workspace);
    await config.update('deployment', 'images-live', vscode.ConfigurationTarget.Workspace);
    await until('an init with the new connection', () => postedOf(probe, 'init', mark).some((m) => m.deployment === 'images-live' && m.model === 'gpt-image-1'));
    await config.update('model', model, vscode.ConfigurationTarget.Workspace);
    await config.update('deployment', deployment, vscode.ConfigurationTarget.Workspace);
    await until('an init with the first connection again', () => postedOf(probe, 'init', mark).at(-1)?.deployment === effective);
    // The app plans again with the new settings, from the same composition.
    const replanned = await until('a plan after the change', () => probe.received.slice(receivedMark).filter((m) => m.type === 'plan').at(-1));
    assert.deepEqual(replanned.type === 'plan' && replanned.draft, composed);
    await vscode.workspace.getConfiguration('foundryMockups').update('styleGuide', 'design/style.json', vscode.ConfigurationTarget.Workspace);
    if (before === undefined) await fs.rm(presets);
    else await fs.writeFile(presets, before);
    await until('an init with the first style guide again', () => postedOf(probe, 'init', mark).at(-1)?.styleGuide?.file === 'design/style.json');
  });

  it('marks mockups made with an older design system and makes one again with the current one', async () => {
    // The mockups made earlier were sent design/style.json as it was; now the brand colour changes.
    const mark = probe.posted.length;
    const before = postedOf(probe, 'init').at(-1)?.styleGuide?.sha256;
    assert.match(before ?? '', /^[0-9a-f]{64}$/, 'init names the design system\'s version');
    await fs.writeFile(path.join(root(), 'design', 'style.json'), JSON.stringify({ brand: 'Beanery', colors: { primary: '#1B998B' }, typography: 'Inter', tone: 'warm and friendly' }));
    const init = await until('an init with the changed design system', () => postedOf(probe, 'init', mark).find((m) => m.styleGuide?.sha256 && m.styleGuide.sha256 !== before));
    assert.ok(init.styleGuide?.summary?.swatches.some((s) => s.hex.toLowerCase() === '#1b998b'), 'swatches to show');
    // The page shows them: a swatch per colour, painted in it, with its name and hex.
    await d.click('#tab-create', W).catch(() => undefined);
    // The latest init the host posted is the changed one (a slower read of the old state never comes after it).
    await until('the changed design system as the latest init', () => postedOf(probe, 'init', mark).at(-1)?.styleGuide?.sha256 === init.styleGuide?.sha256);
    let shown: string[] = [];
    await until('the new colour as a swatch in the page', async () => {
      shown = await d.texts('.design-summary .swatch', W).catch(() => []);
      return shown.some((t) => /#1b998b/i.test(t));
    }).catch((error: Error) => {
      throw new Error(`${error.message}; the page shows ${JSON.stringify(shown)}`);
    });
    const chip = await d.colors('.swatch[data-hex="#1b998b"] .swatch-chip', W);
    assert.equal(chip.background, 'rgb(27, 153, 139)', 'the chip is painted in the colour');
    const historyMark = probe.posted.length;
    await probe.receive({ type: 'history', id: INJECTED_ID, query: { text: '', size: '', locale: '', model: '' } });
    const history = postedOf(probe, 'history', historyMark).find((m) => m.id === INJECTED_ID);
    const older = history?.entries.find((e) => e.designStatus === 'older' && e.operation === 'generate');
    assert.ok(older, `a generated mockup is marked older: ${JSON.stringify(history?.entries.map((e) => [e.file, e.designStatus]))}`);
    // Regenerate: the same settings, the current design system.
    const requests = emulator.requests.length;
    const jobMark = probe.posted.length;
    const spentBefore = postedOf(probe, 'jobDone').at(-1)?.spentUsd ?? 0;
    await probe.receive({ type: 'regenerate', file: older.file });
    const end = await jobEnd(probe, jobMark);
    assert.equal(end.type, 'jobDone', JSON.stringify(end));
    // The running total since the Studio opened grows by what this job cost.
    assert.ok(end.type === 'jobDone' && end.costUsd !== undefined && end.costUsd > 0, 'the job has a cost');
    assert.ok(end.type === 'jobDone' && Math.abs(end.spentUsd - (spentBefore + (end.costUsd ?? 0))) < 1e-9, `spent ${spentBefore} then ${end.type === 'jobDone' ? end.spentUsd : '?'}`);
    // The page shows the total beside the estimate.
    await untilText(d, '#spent', /spent \$\d+\.\d{2,4}/);
    const shownSpent = Number(/spent \$(\d+\.\d+)/.exec(await d.text('#spent', W))?.[1]);
    assert.ok(end.type === 'jobDone' && Math.abs(shownSpent - end.spentUsd) < 0.001, `the page shows ${shownSpent}`);
    const made = postedOf(probe, 'result', jobMark)[0]?.items[0];
    assert.equal(made?.designStatus, 'current');
    assert.equal(made?.promptTyped, older.promptTyped);
    assert.equal(path.posix.dirname(made?.file ?? ''), path.posix.dirname(older.file), 'into the same folder');
    assert.match(String(emulator.requests.at(-1)?.body?.prompt), /#1b998b/i, 'the current design system was sent');
    assert.equal(emulator.requests.length, requests + 1, 'one request');
    // In the page: the History view marks the older mockups and its button makes one again.
    await showHistory();
    await until('the older mark in the History view', async () => (await d.texts('#history-view .design-older', W).catch(() => [])).some((t) => /older version of the design system/.test(t)));
    const uiMark = probe.posted.length;
    const regeneratesBefore = receivedOf(probe, 'regenerate').length;
    await d.click('#history-view [data-action="regenerate-design"]', W);
    assert.equal((await jobEnd(probe, uiMark)).type, 'jobDone', 'the History view\'s button regenerated it');
    assert.equal(receivedOf(probe, 'regenerate').length, regeneratesBefore + 1, 'the app itself sent the regenerate message');
    await d.click('#tab-create', W);
    // An image the Studio never showed cannot be regenerated.
    const refusedMark = probe.posted.length;
    await probe.receive({ type: 'regenerate', file: 'design/unknown.png' });
    assert.match(postedOf(probe, 'notice', refusedMark)[0]?.message ?? '', /not an image the Studio showed/);
  });

  it('shows the history in the filmstrip without reloading the page: mockups of other folders wait for the History view', async () => {
    // A mockup in a folder the page has not been allowed to load (as older mockups of a workspace are).
    const source = (await fs.readdir(path.join(root(), FOLDER))).find((f) => f.endsWith('.png') && !f.includes('.original.') && !f.includes('-mask'));
    assert.ok(source, 'an image generated earlier');
    await fs.mkdir(path.join(root(), 'archive'), { recursive: true });
    // Moved with its sidecar, under its own name (the sidecar names its image).
    const old = `archive/${source}`;
    await fs.copyFile(path.join(root(), FOLDER, source), path.join(root(), old));
    await fs.copyFile(path.join(root(), FOLDER, `${source}.mockup.json`), path.join(root(), `${old}.mockup.json`));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the earlier Studio closed', () => api.studio.current() === undefined);
    await vscode.commands.executeCommand('foundryMockups.openStudio');
    probe = await until('a fresh Studio', () => api.studio.current());
    await d.waitFor('#prompt', { ...W, timeoutMs: 60_000 });
    const archived = (): boolean => (probe.panel.webview.options.localResourceRoots ?? []).some((uri) => uri.fsPath === path.join(root(), 'archive'));
    await until('the history in the filmstrip', async () => (await d.data('fm-filmstrip [data-group="history"] [role="option"]', W).catch(() => [])).length > 0);
    const film = (await d.data('fm-filmstrip [role="option"]', W)).map((e) => e.key);
    assert.ok(!film.includes(old), 'a mockup of another folder is not in the filmstrip yet');
    assert.ok(!archived(), 'its folder is not allowed behind the user\'s back');
    assert.equal(receivedOf(probe, 'ready').length, 1, 'the page did not reload');
    // Opening History is asking for all of them: the folder is allowed (one reload) and the mockup is there.
    await showHistory();
    await until('the folder allowed', () => archived());
    await until('the archived mockup in the history', async () => (await d.data('#history-view .card', W).catch(() => [])).some((c) => c.file === old));
    await d.click('#tab-create', W);
  });

  it('looks right in a light, a dark and a high-contrast theme (screenshots match their baselines)', async () => {
    const config = vscode.workspace.getConfiguration('workbench');
    const original = config.inspect<string>('colorTheme')?.globalValue;
    // The same picture whatever ran before (and in a run of this test alone): a fresh Studio, alone
    // in the window, composing from a fixed design system; no results, jobs or banners of earlier
    // tests. Its webview is compared, not the workbench around it.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the earlier Studio closed', () => api.studio.current() === undefined);
    const style = JSON.stringify({ brand: 'Beanery', colors: { primary: '#6F4E37', accent: '#1B998B' }, typography: 'Inter', tone: 'warm and friendly' });
    await fs.writeFile(path.join(root(), 'design', 'style.json'), style);
    await vscode.workspace.getConfiguration('foundryMockups').update('styleGuide', 'design/style.json', vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('foundryMockups.openStudio');
    probe = await until('the fresh Studio', () => api.studio.current());
    await d.waitFor('#prompt', { ...W, timeoutMs: 60_000 });
    // The design system as written now (a read from before the write is followed by the current one).
    await until('the fixed design system in the page', async () => {
      const swatches = (await d.texts('.design-summary .swatch', W).catch(() => [])).join(' ');
      return /#6f4e37/i.test(swatches) && /#1b998b/i.test(swatches);
    });
    // Something composed, so that the plan, the estimate and an enabled Generate are in the picture.
    await fill(d, '#prompt', 'A checkout screen for a coffee ordering app, with a loyalty badge.');
    await until('the estimate', async () => /≈ \$\d/.test(await d.text('#estimate', W)));
    try {
      for (const [theme, name] of [
        ['Default Light Modern', 'studio-light'],
        ['Default Dark Modern', 'studio-dark'],
        ['Default High Contrast', 'studio-high-contrast'],
      ] as const) {
        await config.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        await until(`the ${theme} theme`, () => (theme.includes('High') ? vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.HighContrast : theme.includes('Light') ? vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Light : vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Dark), 10_000);
        // The theme is really applied: the background under the headings follows it.
        let page = 0;
        await until(`the Studio's background in the ${theme} theme`, async () => {
          page = luminance((await d.colors('#h-prompt', W)).background);
          return theme.includes('Light') ? page > 0.5 : page < 0.1;
        }, 10_000).catch((error: Error) => {
          throw new Error(`${name}: the Studio's background (luminance ${page.toFixed(2)}) does not follow the theme: ${error.message}`);
        });
        // The webview as a user sees it, against test/integration/baselines/<name>.png. The
        // filmstrip's thumbnails are the history the earlier tests made, in the order they ran: masked.
        await d.matchScreenshot(name, '#prompt', { ...W, mask: ['fm-filmstrip [role="listbox"]'] });
        await d.screenshot(name);
        // What a user reads must be readable in every theme: WCAG contrast of the key controls
        // (4.5:1 for text, 7:1 in high contrast), computed from the colours the page paints.
        const minimum = theme.includes('High') ? 7 : 4.5;
        const measured: Record<string, number> = {};
        for (const selector of ['#prompt', '#generate', '#estimate', '#h-prompt']) {
          const { color, background } = await d.colors(selector, W);
          measured[selector] = contrastRatio(color, background);
          assert.ok(measured[selector] >= minimum, `${name}: ${selector} has contrast ${measured[selector].toFixed(2)}:1 (${color} on ${background}), below ${minimum}:1`);
        }
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.toggleSidebarVisibility');
      await config.update('colorTheme', original, vscode.ConfigurationTarget.Global);
    }
  });
});

interface Pixels {
  readonly width: number;
  readonly height: number;
  /** The RGB of a pixel (clamped to the image). */
  at(x: number, y: number): [number, number, number];
}

/** The RGB pixels of an image file. */
async function pixels(file: string): Promise<Pixels> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at(x, y) {
      const i = (Math.min(info.height - 1, Math.max(0, y)) * info.width + Math.min(info.width - 1, Math.max(0, x))) * info.channels;
      return [data[i], data[i + 1], data[i + 2]];
    },
  };
}

/** How far apart two colours are (Euclidean, in RGB). */
function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Relative luminance (WCAG 2) of a CSS `rgb()`/`rgba()` colour. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/** The WCAG contrast ratio of two CSS colours, from 1 to 21. */
function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}
