// Client of the page-action bridge, for tests running inside the extension host: it asks the test
// driver (test/host/bridge.ts) to act in the real workbench page. Only the offline host provides
// the bridge. UI suites are declared with `describeUi`: without a bridge they fail, unless the run
// says it has no page to drive (FOUNDRY_MOCKUPS_NO_UI=1, set by `npm run test:electron`), which
// leaves them out by name instead of counting them as passed or pending.
import type { BaselineResult } from '../host/baseline';
import type { BridgeBox, BridgeFrame, BridgePoint, BridgeRequest, BridgeResponse, BridgeWaitState } from '../host/bridgeProtocol';

const DRIVER_URL_ENV = 'FOUNDRY_MOCKUPS_DRIVER_URL';

export interface LocateOptions {
  /** 'webview' looks inside the active webview's content frame. */
  frame?: BridgeFrame;
  timeoutMs?: number;
}

export class PageDriver {
  constructor(private readonly url: string) {}

  /** Presses a key or chord in Playwright's notation: `F1`, `Escape`, `Control+Shift+P`. */
  async press(key: string): Promise<void> {
    await this.send({ action: 'press', key });
  }

  /** Types text into whatever has focus. */
  async type(text: string): Promise<void> {
    await this.send({ action: 'type', text });
  }

  /** Sets the value of an input or textarea in one step and fires its input event. */
  async fill(selector: string, text: string, options: LocateOptions = {}): Promise<void> {
    await this.send({ action: 'fill', selector, ...located(options), text });
  }

  async click(selector: string, options: LocateOptions = {}): Promise<void> {
    await this.send({ action: 'click', selector, ...located(options), button: 'left' });
  }

  async rightClick(selector: string, options: LocateOptions = {}): Promise<void> {
    await this.send({ action: 'click', selector, ...located(options), button: 'right' });
  }

  async waitFor(selector: string, options: LocateOptions & { state?: BridgeWaitState } = {}): Promise<void> {
    await this.send({ action: 'waitFor', selector, ...located(options), state: options.state ?? 'visible' });
  }

  /** The rendered text of the first element matching `selector`. */
  async text(selector: string, options: LocateOptions = {}): Promise<string> {
    const response = await this.send({ action: 'text', selector, ...located(options) });
    return response.text ?? '';
  }

  /** The rendered texts of every element matching `selector` (waits for the first to exist). */
  async texts(selector: string, options: LocateOptions = {}): Promise<string[]> {
    const response = await this.send({ action: 'texts', selector, ...located(options) });
    return response.texts ?? [];
  }

  /** The computed text colour of the first match and the background it is drawn on (CSS `rgb()`/`rgba()` strings). */
  async colors(selector: string, options: LocateOptions = {}): Promise<{ color: string; background: string }> {
    const response = await this.send({ action: 'colors', selector, ...located(options) });
    if (!response.colors) throw new Error(`no colours for ${selector}`);
    return response.colors;
  }

  /** What has the keyboard focus in the frame (see the bridge's `focused`): `tag#id[data-key=...]... "name"`, or '' for none. */
  async focused(options: LocateOptions = {}): Promise<string> {
    return (await this.send({ action: 'focused', selector: 'body', ...located(options) })).text ?? '';
  }

  /** The bounding box of the first match, in page CSS pixels. */
  async box(selector: string, options: LocateOptions = {}): Promise<BridgeBox> {
    const response = await this.send({ action: 'box', selector, ...located(options) });
    if (!response.box) throw new Error(`no box for ${selector}`);
    return response.box;
  }

  /** The data-* attributes of every match (waits for the first to exist). */
  async data(selector: string, options: LocateOptions = {}): Promise<Array<Record<string, string>>> {
    const response = await this.send({ action: 'data', selector, ...located(options) });
    return response.data ?? [];
  }

  /** Turns the wheel by `deltaY` with the pointer at `at`, CSS pixels from the first match's top-left corner. */
  async wheel(selector: string, at: BridgePoint, deltaY: number, options: LocateOptions = {}): Promise<void> {
    await this.send({ action: 'wheel', selector, ...located(options), x: at.x, y: at.y, deltaY });
  }

  /** Drags the pointer along `points` (CSS pixels from the first match's top-left corner), optionally with a key held. */
  async drag(selector: string, points: BridgePoint[], options: LocateOptions & { button?: 'left' | 'middle'; hold?: string } = {}): Promise<void> {
    const { button = 'left', hold, ...rest } = options;
    await this.send({ action: 'drag', selector, ...located(rest), points, button, ...(hold ? { hold } : {}) });
  }

  /** Saves test-artifacts/<name>.png and returns its path. */
  async screenshot(name: string, fullPage = true): Promise<string> {
    const response = await this.send({ action: 'screenshot', name, fullPage });
    return response.path ?? '';
  }

  /**
   * Compares a screenshot of a region with its committed baseline test/integration/baselines/<name>.png
   * (see test/host/baseline.ts): with `frame: 'webview'` the whole webview holding `selector`, else
   * the first element matching it. `mask`: selectors in the same frame to paint over. Fails, naming
   * the actual and diff images written to test-artifacts/, when they differ beyond the tolerance,
   * or when there is no baseline under CI; warns when it wrote a missing one.
   */
  async matchScreenshot(name: string, selector: string, options: LocateOptions & { mask?: string[] } = {}): Promise<BaselineResult> {
    const response = await this.send({ action: 'matchScreenshot', name, selector, ...located({ timeoutMs: 30_000, ...options }), mask: options.mask ?? [] });
    const result = response.baseline;
    if (!result) throw new Error(`page driver: no baseline result for ${name}`);
    if (result.outcome === 'differs' || result.outcome === 'missing') throw new Error(`screenshot ${result.message}`);
    if (result.outcome === 'created') console.warn(`warning: ${result.message}`);
    if (result.outcome === 'matched' && (result.differingShare ?? 0) > 0) console.log(`      (${result.message})`);
    return result;
  }

  private async send(request: BridgeRequest): Promise<Extract<BridgeResponse, { ok: true }>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      // A little above the longest action the bridge accepts (60 s).
      signal: AbortSignal.timeout(70_000),
    });
    const body = (await response.json()) as BridgeResponse;
    if (!body.ok) {
      throw new Error(`page driver: ${body.error}`);
    }
    return body;
  }
}

const NO_UI_ENV = 'FOUNDRY_MOCKUPS_NO_UI';

/**
 * A suite that drives the workbench page. `body` gets the driver. Without a bridge: a failing test
 * that says why, or, in a run that declared it has no page (FOUNDRY_MOCKUPS_NO_UI=1), no suite at
 * all and a line in the output naming it.
 */
export function describeUi(title: string, body: (this: Mocha.Suite, driver: PageDriver) => void, env: NodeJS.ProcessEnv = process.env): void {
  const driver = pageDriver(env);
  if (driver) {
    describe(title, function () {
      body.call(this, driver);
    });
    return;
  }
  if (env[NO_UI_ENV] === '1') {
    console.log(`UI suite left out (this host has no page to drive; run npm run test:integration): ${title}`);
    return;
  }
  describe(title, () => {
    it('needs the page bridge of the offline host', () => {
      throw new Error(`"${title}" drives the workbench page, which only the offline host can (npm run test:integration). Set ${NO_UI_ENV}=1 to leave UI suites out explicitly.`);
    });
  });
}

/** The bridge the driver opened for this run, or undefined when the host has none. */
export function pageDriver(env: NodeJS.ProcessEnv = process.env): PageDriver | undefined {
  const url = env[DRIVER_URL_ENV];
  return url ? new PageDriver(url) : undefined;
}

function located(options: LocateOptions): { frame: BridgeFrame; timeoutMs: number } {
  return { frame: options.frame ?? 'page', timeoutMs: options.timeoutMs ?? 10_000 };
}
