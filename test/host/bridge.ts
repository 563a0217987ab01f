// The page-action bridge: a loopback HTTP endpoint through which tests running inside the extension
// host ask the driver to act in the real page (keys, clicks, reading text, screenshots).
// POST <url> with a JSON BridgeRequest; the answer is a JSON BridgeResponse.
// The URL carries a random token so that only the process it was handed to can use it.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { type AddressInfo } from 'node:net';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { BridgeRequestError, MAX_REQUEST_BYTES, parseBridgeRequest, type BridgeBox, type BridgePoint, type BridgeRequest, type BridgeResponse } from './bridgeProtocol';
import { baselineModeFromEnv, matchBaseline } from './baseline';
import { LOOPBACK, screenshotPath } from './config';

/**
 * Page-side code of the `focused` and `colors` actions, as functions built from their source (this
 * file has no DOM types; Playwright evaluates a string as an expression, not as a function of the
 * element). `focused`: the focused element of `element`'s document, inside open shadow roots too.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const FOCUSED_IN_PAGE = new Function(
  'element',
  `let e = element.ownerDocument.activeElement;
  while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
  if (!e || e === element.ownerDocument.body) return '';
  const attr = (name) => (e.getAttribute(name) ? '[' + name + '=' + e.getAttribute(name) + ']' : '');
  let host = e.getRootNode() && e.getRootNode().host;
  const inHost = host ? ' in ' + host.tagName.toLowerCase() + (host.getAttribute('data-action') ? '[data-action=' + host.getAttribute('data-action') + ']' : '') : '';
  const name = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent) || (e.textContent || '').trim().slice(0, 60);
  return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + attr('data-key') + attr('data-action') + attr('role') + inHost + ' "' + name + '"';`,
) as (element: unknown) => string;

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const COLORS_IN_PAGE = new Function(
  'element',
  `const color = getComputedStyle(element).color;
  for (let e = element; e; e = e.parentElement) {
    const background = getComputedStyle(e).backgroundColor;
    if (background && background !== 'transparent' && !/^rgba\\(.*,\\s*0\\)$/.test(background)) return { color, background };
  }
  return { color, background: 'rgb(255, 255, 255)' };`,
) as (element: unknown) => { color: string; background: string };

/** Page-side code of the `data` action: an element's data-* attributes. */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const DATA_IN_PAGE = new Function('element', 'return { ...element.dataset };') as (element: unknown) => Record<string, string>;

export interface Bridge {
  /** The URL to hand to the extension host (FOUNDRY_MOCKUPS_DRIVER_URL). */
  readonly url: string;
  /** Points the bridge at a page; requests that arrive before this are refused. */
  attach(page: Page): void;
  close(): Promise<void>;
}

export interface BridgeOptions {
  /** Folder for screenshots (created on demand). */
  artifactsDir: string;
  /** Folder of the committed screenshot baselines (matchScreenshot). */
  baselineDir: string;
  /** Called for every action, e.g. to print a trace line. */
  onAction?: (request: BridgeRequest, result: BridgeResponse) => void;
}

const WEBVIEW_IFRAMES = 'iframe.webview.ready';

/** The frame that holds the content of the `index`-th webview, inside the workbench's webview iframe. */
export function webviewFrame(page: Page, index = 0): FrameLocator {
  return page.locator(WEBVIEW_IFRAMES).nth(index).contentFrame().frameLocator('#active-frame');
}

/**
 * The elements matching `selector` in the webview that holds them. The workbench keeps the
 * iframes of other webviews in the page (a Markdown preview, a panel still being disposed, for
 * seconds after its editor closed), so the webviews are searched, visible ones first and newest
 * first, until one holds the selector or `waitMs` pass; then the newest is returned and the action
 * reports its own timeout.
 */
async function locateInWebviews(page: Page, selector: string, waitMs: number): Promise<Locator> {
  const index = await webviewHolding(page, selector, waitMs);
  return webviewFrame(page, index).locator(selector);
}

/**
 * The index of the webview iframe that holds `selector`: searched as `locateInWebviews` says,
 * the newest when none does within `waitMs`.
 */
async function webviewHolding(page: Page, selector: string, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const count = await page.locator(WEBVIEW_IFRAMES).count();
    // What the user sees first: a hidden webview (a panel in the background, or one being disposed)
    // may still hold an older copy of the same page.
    let hidden: number | undefined;
    for (let i = count - 1; i >= 0; i--) {
      if ((await webviewFrame(page, i).locator(selector).count().catch(() => 0)) === 0) continue;
      if (await page.locator(WEBVIEW_IFRAMES).nth(i).isVisible().catch(() => false)) return i;
      hidden ??= i;
    }
    if (hidden !== undefined) return hidden;
    if (Date.now() >= deadline) return Math.max(0, count - 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Shots of `region` until two in a row are the same (a theme or a late answer still painting), or `deadline`; the last one. */
async function settledScreenshot(region: Locator, mask: Locator[], deadline: number): Promise<Buffer> {
  let previous: Buffer | undefined;
  for (;;) {
    const shot = await region.screenshot({ animations: 'disabled', caret: 'hide', mask, scale: 'css', timeout: Math.max(1, deadline - Date.now()) });
    if ((previous && shot.equals(previous)) || Date.now() >= deadline) return shot;
    previous = shot;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = randomBytes(16).toString('hex');
  let page: Page | undefined;
  // One action at a time: two keyboard sequences must not interleave.
  let queue: Promise<unknown> = Promise.resolve();

  const server = http.createServer((req, res) => {
    const reply = (status: number, body: BridgeResponse): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.url !== `/${token}` && req.url !== `/${token}/`) {
      reply(404, { ok: false, error: 'not found' });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      reply(405, { ok: false, error: 'use POST with a JSON body' });
      return;
    }
    readBody(req)
      .then(async (text) => {
        let request: BridgeRequest;
        try {
          request = parseBridgeRequest(JSON.parse(text) as unknown);
        } catch (error) {
          const message = error instanceof SyntaxError ? `the body is not JSON: ${error.message}` : errorMessage(error);
          reply(400, { ok: false, error: message });
          return;
        }
        const current = page;
        if (!current) {
          reply(503, { ok: false, error: 'the driver has no page yet' });
          return;
        }
        const run = queue.then(() => perform(current, request, options));
        queue = run.catch(() => undefined);
        let result: BridgeResponse;
        try {
          result = await run;
        } catch (error) {
          result = { ok: false, error: `${request.action} failed: ${errorMessage(error)}` };
        }
        options.onAction?.(request, result);
        reply(result.ok ? 200 : 500, result);
      })
      .catch((error: unknown) => {
        const status = error instanceof BridgeRequestError ? 413 : 400;
        if (!res.headersSent) {
          reply(status, { ok: false, error: errorMessage(error) });
        }
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${LOOPBACK}:${port}/${token}`,
    attach(next: Page) {
      page = next;
    },
    close() {
      page = undefined;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function perform(page: Page, request: BridgeRequest, options: BridgeOptions): Promise<BridgeResponse> {
  const { artifactsDir } = options;
  // One deadline for the whole action: finding the right webview spends part of the timeout.
  const deadline = Date.now() + ('timeoutMs' in request ? request.timeoutMs : 0);
  const left = (): number => Math.max(1, deadline - Date.now());
  const find = async (located: Extract<BridgeRequest, { selector: string }>, waitForMatch = true): Promise<Locator> =>
    located.frame === 'webview' ? locateInWebviews(page, located.selector, waitForMatch ? left() : 0) : page.locator(located.selector);
  switch (request.action) {
    case 'press':
      await page.keyboard.press(request.key);
      return { ok: true };
    case 'type':
      await page.keyboard.type(request.text);
      return { ok: true };
    case 'fill':
      await (await find(request)).first().fill(request.text, { timeout: left() });
      return { ok: true };
    case 'click':
      await (await find(request)).first().click({ button: request.button, timeout: left() });
      return { ok: true };
    case 'waitFor': {
      // Waiting for something to go away must not first wait for it to appear.
      const appears = request.state === 'visible' || request.state === 'attached';
      await (await find(request, appears)).first().waitFor({ state: request.state, timeout: left() });
      return { ok: true };
    }
    case 'text': {
      const text = await (await find(request)).first().innerText({ timeout: left() });
      return { ok: true, text };
    }
    case 'texts': {
      const all = await find(request);
      await all.first().waitFor({ state: 'attached', timeout: left() });
      return { ok: true, texts: await all.allInnerTexts() };
    }
    case 'colors': {
      // Runs in the page (this file has no DOM types): the text colour, and the background of the
      // first element up the tree that paints one.
      const colors = await (await find(request)).first().evaluate(COLORS_IN_PAGE, undefined, { timeout: left() });
      return { ok: true, colors };
    }
    case 'focused': {
      const text = await (await find(request)).first().evaluate(FOCUSED_IN_PAGE, undefined, { timeout: left() });
      return { ok: true, text };
    }
    case 'box': {
      const box = await (await find(request)).first().boundingBox({ timeout: left() });
      if (!box) return { ok: false, error: `box: ${request.selector} is not rendered` };
      return { ok: true, box };
    }
    case 'data': {
      const all = await find(request);
      await all.first().waitFor({ state: 'attached', timeout: left() });
      const data = [];
      for (const element of await all.all()) data.push(await element.evaluate(DATA_IN_PAGE, undefined, { timeout: left() }));
      return { ok: true, data };
    }
    case 'wheel': {
      const box = await boxOf(await find(request), left());
      const [at] = inside(box, [request]);
      await page.mouse.move(at.x, at.y);
      await page.mouse.wheel(0, request.deltaY);
      return { ok: true };
    }
    case 'drag': {
      const box = await boxOf(await find(request), left());
      // The button goes down on the element; the drag may then leave it (a splitter, a divider).
      const [first] = inside(box, request.points.slice(0, 1));
      const rest = request.points.slice(1).map((p) => ({ x: box.x + p.x, y: box.y + p.y }));
      if (request.hold) await page.keyboard.down(request.hold);
      try {
        await page.mouse.move(first.x, first.y);
        await page.mouse.down({ button: request.button });
        for (const point of rest) await page.mouse.move(point.x, point.y, { steps: 4 });
        await page.mouse.up({ button: request.button });
      } finally {
        if (request.hold) await page.keyboard.up(request.hold);
      }
      return { ok: true };
    }
    case 'screenshot': {
      await fs.promises.mkdir(artifactsDir, { recursive: true });
      const file = screenshotPath(artifactsDir, request.name);
      await page.screenshot({ path: file, fullPage: request.fullPage });
      return { ok: true, path: file };
    }
    case 'matchScreenshot': {
      let region: Locator;
      let scope: { locator(selector: string): Locator };
      if (request.frame === 'webview') {
        const index = await webviewHolding(page, request.selector, left());
        await webviewFrame(page, index).locator(request.selector).first().waitFor({ state: 'visible', timeout: left() });
        region = page.locator(WEBVIEW_IFRAMES).nth(index);
        scope = webviewFrame(page, index);
      } else {
        region = page.locator(request.selector).first();
        await region.waitFor({ state: 'visible', timeout: left() });
        scope = page;
      }
      // A hover style must not depend on where the last click left the pointer: the top-left
      // corner is the workbench's own chrome, outside every region a test compares.
      await page.mouse.move(0, 0);
      const png = await settledScreenshot(region, request.mask.map((selector) => scope.locator(selector)), deadline);
      const baseline = await matchBaseline(png, request.name, { baselineDir: options.baselineDir, artifactsDir, mode: baselineModeFromEnv() });
      return { ok: true, baseline };
    }
  }
}

async function boxOf(located: Locator, timeout: number): Promise<BridgeBox> {
  const box = await located.first().boundingBox({ timeout });
  if (!box) throw new Error('the element is not rendered');
  return box;
}

/** Points relative to `box` in page coordinates; refuses any outside it (a test must act where it says). */
function inside(box: BridgeBox, points: readonly BridgePoint[]): BridgePoint[] {
  return points.map((p) => {
    if (p.x < 0 || p.y < 0 || p.x > box.width || p.y > box.height) throw new Error(`the point (${p.x}, ${p.y}) is outside the element's ${box.width}x${box.height} box`);
    return { x: box.x + p.x, y: box.y + p.y };
  });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        // Keep draining so that the 413 answer reaches the client; drop what arrives.
        chunks.length = 0;
        reject(new BridgeRequestError(`the request is larger than ${MAX_REQUEST_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Playwright's messages carry a multi-line call log; the first lines say what went wrong.
  return message.split('\n').slice(0, 4).join('\n');
}
