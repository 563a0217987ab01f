import * as assert from 'node:assert/strict';
import { isCovered, withFoldersOf } from '../../src/core/studio/resourceRoots';
import * as path from 'node:path';
import sharp from 'sharp';
import { filterHistory, historyFacets, lineageChain, parseHistoryEntry } from '../../src/core/studio/history';
import { maskProblem } from '../../src/core/studio/mask';
import { MaskModel } from '../../src/core/studio/maskModel';
import { assertNoSecret, type CodeLanguage, requestAsCode, type RequestSpec, requestUrl } from '../../src/core/studio/requestCode';
import { dispatch, type Handlers } from '../../src/studio/dispatch';
import { type Draft, type HostToWebview, jsonSizeWithin, MAX_LOG_CHARS, MAX_MESSAGE_CHARS, parseWebviewMessage, RequestClient, type WebviewToHost } from '../../src/studio/protocol';

const ROOT = '/work/space';
const context = {
  resolvePath: (p: string): string => {
    const absolute = path.resolve(ROOT, p);
    if (absolute !== ROOT && !absolute.startsWith(`${ROOT}/`)) throw new Error(`${p} is outside the workspace folder`);
    return absolute;
  },
};
const draft: Draft = { prompt: 'A login screen', locales: ['en', 'ja'], verbatim: { ja: ['ログイン'] }, sizes: ['390x844@3x', 'og-image'], quality: 'low', format: 'png', background: 'auto', n: 2, fit: 'cover', partialImages: 2, folder: 'mockups' };

describe('Studio protocol: every message from the webview is checked', () => {
  it('accepts a well-formed generate and resolves its folder inside the workspace', () => {
    const parsed = parseWebviewMessage({ type: 'generate', draft }, context);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.type === 'generate' && parsed.value.draft.folder, `${ROOT}/mockups`);
  });

  it('accepts a failure action for a failure id the host gave', () => {
    const parsed = parseWebviewMessage({ type: 'failureAction', failure: '3f2b8c1e-0d4a-4c6b-9e21-5a7f0b9c8d11', action: 'copyRequestId' }, context);
    assert.ok(parsed.ok, JSON.stringify(parsed));
  });

  it('takes the set\'s anchor with plan and generate, resolved inside the workspace', () => {
    for (const message of [{ type: 'generate', draft, anchor: 'mockups/home.png' }, { type: 'plan', id: 1, draft, anchor: 'mockups/home.png' }]) {
      const parsed = parseWebviewMessage(message, context);
      assert.ok(parsed.ok && (parsed.value.type === 'generate' || parsed.value.type === 'plan') && parsed.value.anchor === `${ROOT}/mockups/home.png`, JSON.stringify(parsed));
    }
    const empty = parseWebviewMessage({ type: 'generate', draft, anchor: ' ' }, context);
    assert.ok(!empty.ok && /anchor must not be empty/.test(empty.error), JSON.stringify(empty));
  });

  it('rejects paths that lead outside the workspace, wherever they are', () => {
    for (const message of [
      { type: 'generate', draft: { ...draft, folder: '../elsewhere' } },
      { type: 'openFile', file: '/etc/passwd' },
      { type: 'generate', draft, anchor: '../approved/home.png' },
      { type: 'plan', id: 1, draft, anchor: '/etc/home.png' },
      { type: 'edit', mode: 'refine', image: 'a.png', prompt: 'x', references: ['../../b.png'], quality: 'low', n: 1, partialImages: 0 },
    ]) {
      const parsed = parseWebviewMessage(message, context);
      assert.ok(!parsed.ok && /outside the workspace/.test(parsed.error), JSON.stringify(parsed));
    }
  });

  it('rejects wrong types, unknown fields, out-of-range numbers and unknown message types, saying which field and why', () => {
    const bad: Array<[unknown, RegExp]> = [
      [null, /^a message must be an object$/],
      [42, /^a message must be an object$/],
      [[], /^a message must be an object$/],
      [{ type: 'launchMissiles' }, /^unknown message type "launchMissiles"$/],
      [{ draft }, /^unknown message type "undefined"$/],
      [{ type: 'generate', draft: { ...draft, n: 0 } }, /^draft\.n must be a whole number from 1 to 4$/],
      [{ type: 'generate', draft: { ...draft, quality: 'best' } }, /^draft\.quality must be one of low, medium, high, auto$/],
      [{ type: 'generate', draft: { ...draft, sizes: [1] } }, /^draft\.sizes\[0\] must be a string$/],
      [{ type: 'generate', draft: { ...draft, locales: ['not a tag'] } }, /^draft\.locales\[0\] "not a tag" is not a language tag$/],
      [{ type: 'generate', draft: { ...draft, template: { id: 'x', fields: { __proto__x: 'y' } } } }, /^draft\.template\.fields\.__proto__x "__proto__x" is not a field id$/],
      [{ type: 'generate', draft: { ...draft, prompt: undefined } }, /^draft\.prompt must be a string$/],
      [{ type: 'generate', draft: Object.fromEntries(Object.entries(draft).filter(([key]) => key !== 'prompt')) }, /^draft\.prompt is missing$/],
      [{ type: 'generate', draft, extra: 1 }, /^extra is not a field of this message/],
      [{ type: 'generate', draft: 'a login screen' }, /^draft must be an object$/],
      [{ type: 'cancel', jobId: 1.5 }, /^jobId must be a whole number from 0 to \d+$/],
      [{ type: 'plan', draft }, /^id is missing$/],
      [{ type: 'copyCode', id: 1, file: 'a.png', language: 'cobol' }, /^language must be one of curl, typescript, python, csharp$/],
      [{ type: 'openFile', file: '  ' }, /^file must not be empty$/],
      [{ type: 'edit', mode: 'refine', image: 'a.png', prompt: '  ', references: [], quality: 'low', n: 1 }, /^prompt must describe the change$/],
      [{ type: 'edit', mode: 'inpaint', image: 'a.png', prompt: 'x', references: [], quality: 'low', n: 1, partialImages: 0 }, /^message an inpaint needs a mask$/],
      [{ type: 'edit', mode: 'inpaint', image: 'a.png', prompt: 'x', references: [], mask: 'not base64!', quality: 'low', n: 1, partialImages: 0 }, /^mask must be base64 PNG data$/],
      [{ type: 'edit', mode: 'refine', image: 'a.png', prompt: 'x', references: ['a.png', '../b.png'], quality: 'low', n: 1 }, /^references\[1\]: \.\.\/b\.png is outside the workspace folder$/],

      [{ type: 'failureAction', failure: '3f2b8c1e-0d4a-4c6b-9e21-5a7f0b9c8d11', action: 'formatDisk' }, /^action must be one of signIn, setApiKey, configureConnection, openSettings, retry, showLog, copyRequestId$/],
      [{ type: 'failureAction', failure: '../1', action: 'retry' }, /^failure is not a failure id$/],
      [{ type: 'failureAction', action: 'retry' }, /^failure is missing$/],
    ];
    for (const [message, reason] of bad) {
      const parsed = parseWebviewMessage(message, context);
      assert.ok(!parsed.ok, JSON.stringify(message));
      assert.match(parsed.error, reason, JSON.stringify(message));
    }
  });

  it('makes a webview log message one capped log line, whatever it holds', () => {
    const parsed = parseWebviewMessage({ type: 'log', level: 'warn', message: `first\n[error] forged line\r\n\u202eevil${'x'.repeat(5000)}` }, context);
    assert.ok(parsed.ok && parsed.value.type === 'log');
    assert.ok(!/[\r\n\u202e]/.test(parsed.value.message), parsed.value.message.slice(0, 80));
    assert.ok(parsed.value.message.startsWith('first [error] forged line evil'));
    assert.equal(parsed.value.message.length, MAX_LOG_CHARS);
  });

  it('caps sizes: huge payloads and deep nesting are refused without building their JSON', () => {
    assert.equal(parseWebviewMessage({ type: 'log', level: 'info', message: 'x'.repeat(MAX_MESSAGE_CHARS + 1) }, context).ok, false);
    assert.equal(parseWebviewMessage({ type: 'log', level: 'info', message: 'x'.repeat(300_000) }, context).ok, false, 'only edits may be large');
    let deep: unknown = {};
    for (let i = 0; i < 100; i++) deep = { a: deep };
    assert.equal(parseWebviewMessage({ type: 'ready', deep }, context).ok, false);
    assert.ok((jsonSizeWithin({ a: 'xx', b: [1, null] }, 100) ?? 0) >= JSON.stringify({ a: 'xx', b: [1, null] }).length, 'never under the real size');
    assert.equal(jsonSizeWithin({ a: 'x'.repeat(200) }, 100), undefined);
    const mask = 'A'.repeat(1_000_000);
    assert.ok(parseWebviewMessage({ type: 'edit', mode: 'inpaint', image: 'a.png', prompt: 'x', references: [], mask, quality: 'low', n: 1, partialImages: 0 }, context).ok, 'a 750 KB mask is fine');
  });
});

describe('Studio mask model and mask check', () => {
  it('paints pixel-exact areas and discs, erases, inverts, undoes and redoes', () => {
    const mask = new MaskModel(40, 30);
    mask.checkpoint();
    mask.rect(5, 5, 10, 4);
    assert.equal(mask.paintedCount(), 40);
    mask.checkpoint();
    mask.rect(6, 6, 2, 2, true);
    assert.equal(mask.paintedCount(), 36);
    assert.ok(mask.undo());
    assert.equal(mask.paintedCount(), 40);
    assert.ok(mask.redo());
    assert.equal(mask.paintedCount(), 36);
    mask.checkpoint();
    mask.invert();
    assert.equal(mask.paintedCount(), 40 * 30 - 36);
    mask.clear();
    mask.dab(20, 15, 4);
    assert.ok(mask.isPainted(19, 14) && mask.isPainted(20, 15) && !mask.isPainted(17, 15));
    mask.rect(-10, -10, 1000, 12);
    assert.ok(mask.isPainted(0, 0) && mask.isPainted(39, 1) && !mask.isPainted(0, 2), 'clipped to the image');
  });

  /** The pixels painted, as "x,y" strings, for comparing with what a rule predicts. */
  const paintedSet = (mask: MaskModel): Set<string> => {
    const set = new Set<string>();
    for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) if (mask.isPainted(x, y)) set.add(`${x},${y}`);
    return set;
  };
  const predicted = (width: number, height: number, inside: (cx: number, cy: number) => boolean): Set<string> => {
    const set = new Set<string>();
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(x + 0.5, y + 0.5)) set.add(`${x},${y}`);
    return set;
  };

  it('paints a brush stroke as a capsule: the same pixels however many pointer moves described it', () => {
    const whole = new MaskModel(120, 60);
    whole.line(20.3, 30.1, 95.7, 22.4, 17);
    const pieces = new MaskModel(120, 60);
    const steps = 7;
    for (let i = 0; i < steps; i++) pieces.line(20.3 + ((95.7 - 20.3) * i) / steps, 30.1 + ((22.4 - 30.1) * i) / steps, 20.3 + ((95.7 - 20.3) * (i + 1)) / steps, 30.1 + ((22.4 - 30.1) * (i + 1)) / steps, 17);
    assert.deepEqual(paintedSet(pieces), paintedSet(whole));
    // Exactly the pixels whose centre is within 8.5 px of the segment.
    const distance = (cx: number, cy: number): number => {
      const [ax, ay, ex, ey] = [20.3, 30.1, 95.7 - 20.3, 22.4 - 30.1];
      const t = Math.max(0, Math.min(1, ((cx - ax) * ex + (cy - ay) * ey) / (ex * ex + ey * ey)));
      return Math.hypot(cx - (ax + t * ex), cy - (ay + t * ey));
    };
    assert.deepEqual(paintedSet(whole), predicted(120, 60, (cx, cy) => distance(cx, cy) <= 8.5));
    const dot = new MaskModel(10, 10);
    dot.dab(5.5, 5.5, 1);
    assert.deepEqual([...paintedSet(dot)], ['5,5'], 'a 1 px brush on a pixel paints that pixel');
  });

  it('paints a dragged rectangle by pixel centres, in either direction, clipped to the image', () => {
    const mask = new MaskModel(50, 40);
    mask.rectBetween({ x: 30, y: 25 }, { x: 10, y: 20 });
    assert.equal(mask.paintedCount(), 20 * 5, 'pixel edges as corners: 20 x 5 pixels');
    assert.ok(mask.isPainted(10, 20) && mask.isPainted(29, 24) && !mask.isPainted(30, 24) && !mask.isPainted(9, 20));
    mask.clear();
    mask.rectBetween({ x: 10.5, y: 20.5 }, { x: 12.5, y: 20.5 });
    assert.deepEqual([...paintedSet(mask)], ['10,20', '11,20', '12,20'], 'centres on the edge are in');
    mask.clear();
    mask.rectBetween({ x: -5, y: -5 }, { x: 3, y: 1000 }, false);
    assert.equal(mask.paintedCount(), 3 * 40);
    mask.rectBetween({ x: 0, y: 0 }, { x: 50, y: 40 }, true);
    assert.equal(mask.paintedCount(), 0, 'erases');
  });

  it('fills a lasso polygon by the non-zero rule with the inclusive pixel-centre rule', () => {
    const square = new MaskModel(30, 30);
    square.polygon([{ x: 5, y: 5 }, { x: 15, y: 5 }, { x: 15, y: 12 }, { x: 5, y: 12 }]);
    assert.equal(square.paintedCount(), 10 * 7);
    const onCentres = new MaskModel(30, 30);
    onCentres.polygon([{ x: 5.5, y: 5.5 }, { x: 8.5, y: 5.5 }, { x: 8.5, y: 7.5 }, { x: 5.5, y: 7.5 }]);
    assert.equal(onCentres.paintedCount(), 4 * 3, 'an outline through pixel centres includes them, top and bottom rows too');
    // Random non-degenerate polygons against a direct winding-number test of every pixel centre.
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let round = 0; round < 20; round++) {
      const points = Array.from({ length: 3 + (round % 6) }, () => ({ x: random() * 70 - 5, y: random() * 50 - 5 }));
      const mask = new MaskModel(60, 40);
      mask.polygon(points);
      const winding = (cx: number, cy: number): number => {
        let w = 0;
        for (let i = 0; i < points.length; i++) {
          const a = points[i];
          const b = points[(i + 1) % points.length];
          const side = (b.x - a.x) * (cy - a.y) - (cx - a.x) * (b.y - a.y);
          if (a.y <= cy && b.y > cy && side > 0) w++;
          else if (b.y <= cy && a.y > cy && side < 0) w--;
        }
        return w;
      };
      assert.deepEqual(paintedSet(mask), predicted(60, 40, (cx, cy) => winding(cx, cy) !== 0), `polygon ${round}`);
    }
    // A star drawn in one stroke crosses itself: non-zero fills its middle (even-odd would leave a hole).
    const star = new MaskModel(100, 100);
    star.polygon([0, 2, 4, 1, 3].map((k) => ({ x: 50 + 40 * Math.sin((k * 2 * Math.PI) / 5), y: 50 - 40 * Math.cos((k * 2 * Math.PI) / 5) })));
    assert.ok(star.isPainted(50, 50), 'the middle of the star is painted');
    const line = new MaskModel(10, 10);
    line.polygon([{ x: 1, y: 1 }, { x: 8, y: 8 }]);
    assert.equal(line.paintedCount(), 0, 'two points enclose nothing');
  });

  it('draws the overlay from the mask without copying it', () => {
    const mask = new MaskModel(3, 1);
    mask.rect(1, 0, 1, 1);
    const rgba = new Uint8ClampedArray(12).fill(9);
    mask.drawOverlay(rgba, [10, 20, 30, 140]);
    assert.deepEqual([...rgba], [9, 9, 9, 0, 10, 20, 30, 140, 9, 9, 9, 0]);
    assert.throws(() => mask.drawOverlay(new Uint8ClampedArray(4), [0, 0, 0, 0]), /needs 12 bytes/);
  });

  it('exports painted pixels as alpha 0 and all others as alpha 255', () => {
    const mask = new MaskModel(4, 2);
    mask.rect(1, 0, 2, 1);
    const rgba = mask.toRgba();
    assert.deepEqual([...Array(8).keys()].map((i) => rgba[i * 4 + 3]), [255, 0, 0, 255, 255, 255, 255, 255]);
  });

  it('accepts only a PNG with alpha of exactly the image size', async () => {
    const png = async (w: number, hgt: number, channels: 3 | 4): Promise<Uint8Array> => sharp({ create: { width: w, height: hgt, channels, background: { r: 255, g: 255, b: 255, alpha: 1 } } }).png().toBuffer();
    assert.equal(maskProblem(await png(60, 20, 4), { width: 60, height: 20 }), undefined);
    assert.match(maskProblem(await png(60, 21, 4), { width: 60, height: 20 }) ?? '', /same size/);
    assert.match(maskProblem(await png(60, 20, 3), { width: 60, height: 20 }) ?? '', /alpha/);
    assert.match(maskProblem(await sharp({ create: { width: 60, height: 20, channels: 3, background: 'white' } }).jpeg().toBuffer(), { width: 60, height: 20 }) ?? '', /PNG/);
    assert.match(maskProblem(new Uint8Array(4 * 1024 * 1024), { width: 60, height: 20 }) ?? '', /under/);
  });
});

describe('Studio request as code', () => {
  const spec: RequestSpec = { endpoint: 'https://res.openai.azure.com', deployment: 'gpt-image-2', apiMode: 'v1', operation: 'generate', prompt: "Bob's \"café\" screen", size: '1184x2544', quality: 'low', n: 1, outputFormat: 'png' };
  const languages: CodeLanguage[] = ['curl', 'typescript', 'python', 'csharp'];

  it('builds the URL of both API forms', () => {
    assert.equal(requestUrl(spec), 'https://res.openai.azure.com/openai/v1/images/generations');
    assert.equal(requestUrl({ ...spec, apiMode: 'dated', operation: 'edit', apiVersion: '2025-04-01-preview' }), 'https://res.openai.azure.com/openai/deployments/gpt-image-2/images/edits?api-version=2025-04-01-preview');
  });

  it('reads the key from the environment in every language, and never holds a secret', () => {
    for (const language of languages) {
      for (const operation of ['generate', 'edit'] as const) {
        const code = requestAsCode(language, { ...spec, operation, images: ['mockups/a.png'], mask: 'mockups/a-mask.png' });
        assert.match(code, /AZURE_OPENAI_API_KEY/, language);
        assert.ok(code.includes('gpt-image-2') && code.includes('1184x2544'), language);
        if (operation === 'edit') assert.ok(code.includes('mockups/a-mask.png'), `${language} sends the mask`);
        assert.doesNotThrow(() => assertNoSecret(code, ['sk-secret-0123456789']));
      }
    }
    assert.throws(() => assertNoSecret('curl -H "api-key: sk-secret-0123456789"', ['sk-secret-0123456789']), /secret/);
  });

  it('quotes the prompt so that the shell and each language read it unchanged', () => {
    const curl = requestAsCode('curl', spec);
    assert.ok(curl.includes(`'\\''`), 'single quotes are escaped for the shell');
    const ts = requestAsCode('typescript', spec);
    assert.ok(ts.includes(JSON.stringify(spec.prompt)));
  });
});

describe('Studio history from sidecars', () => {
  const sidecar = (over: Record<string, unknown>): string =>
    JSON.stringify({
      schemaVersion: 1,
      createdAt: '2026-01-01T00:00:00Z',
      prompt: { typed: 'Checkout for a coffee app', sent: 'Checkout for a coffee app. All visible text in Japanese', locale: 'ja' },
      service: { model: 'gpt-image-2', requestId: 'req-1', durationMs: 1200 },
      request: { operation: 'generate', size: '1184x2544', quality: 'low', n: 1, outputFormat: 'png' },
      target: { width: 1170, height: 2532, cssWidth: 390, cssHeight: 844, density: 3, fit: 'cover' },
      output: { file: 'checkout.png', width: 1170, height: 2532, sha256: 'x' },
      usage: { totalTokens: 1234 },
      cost: { usd: 0.012, currency: 'USD', basis: 'usage' },
      ...over,
    });

  it('reads an entry with the settings to reuse, and refuses what is not a sidecar', () => {
    const entry = parseHistoryEntry(sidecar({}), 'mockups/checkout.png.mockup.json');
    assert.ok(entry);
    assert.equal(entry.file, 'mockups/checkout.png');
    assert.equal(entry.sizeLabel, '1170x2532');
    assert.equal(entry.tokens, 1234);
    assert.deepEqual(entry.reuse.sizes, ['390x844@3x']);
    assert.deepEqual(entry.reuse.locales, ['ja']);
    assert.equal(parseHistoryEntry('{', 'x.mockup.json'), undefined);
    assert.equal(parseHistoryEntry(sidecar({ schemaVersion: 2 }), 'x.mockup.json'), undefined);
    assert.equal(parseHistoryEntry(sidecar({ output: { file: '../../etc/passwd', sha256: 'x' } }), 'x.mockup.json'), undefined, 'an output outside the sidecar folder');
  });

  it('reads the anchor a generation was sent with (it is recorded as an edit without a parent)', () => {
    const entry = parseHistoryEntry(sidecar({ request: { operation: 'edit', size: '1184x2544', n: 1 }, lineage: { anchor: { file: 'mockups/home.png', sha256: 'a'.repeat(64), bytes: 10 } } }), 'mockups/checkout.png.mockup.json');
    assert.deepEqual([entry?.operation, entry?.anchorFile, entry?.parentFile], ['edit', 'mockups/home.png', undefined]);
  });

  it('searches by prompt, filters by size, locale and model, newest first, and follows lineage', () => {
    const a = parseHistoryEntry(sidecar({}), 'm/checkout.png.mockup.json');
    const b = parseHistoryEntry(sidecar({ createdAt: '2026-02-01T00:00:00Z', prompt: { typed: 'Make it green', sent: 'Make it green' }, request: { operation: 'edit', size: '1024x1024' }, output: { file: 'checkout-refined.png', width: 1024, height: 1024, sha256: 'y' }, lineage: { parent: { file: 'm/checkout.png', sha256: 'x' } } }), 'm/checkout-refined.png.mockup.json');
    assert.ok(a && b);
    assert.deepEqual(filterHistory([a, b], {}).map((e) => e.file), ['m/checkout-refined.png', 'm/checkout.png']);
    assert.deepEqual(filterHistory([a, b], { text: 'coffee checkout' }).map((e) => e.file), ['m/checkout.png']);
    assert.deepEqual(filterHistory([a, b], { size: '1024x1024' }).map((e) => e.file), ['m/checkout-refined.png']);
    assert.deepEqual(filterHistory([a, b], { locale: 'ja' }).map((e) => e.file), ['m/checkout.png']);
    assert.deepEqual(filterHistory([a, b], { model: 'gpt-image-1' }), []);
    assert.deepEqual(historyFacets([a, b]), { sizes: ['1024x1024', '1170x2532'], locales: ['ja'], models: ['gpt-image-2'] });
    const chain = lineageChain('m/checkout-refined.png', new Map([a, b].map((e) => [e.file, e])));
    assert.deepEqual(chain.map((s) => `${s.operation}:${s.prompt}`), ['generate:Checkout for a coffee app', 'edit:Make it green']);
  });
});

describe('Studio resource roots', () => {
  it('allows the folders of the images shown, collapsed under their parents, and nothing else', () => {
    const roots = withFoldersOf([], ['/ws/mockups/a.png', '/ws/mockups/campaign/b.png', '/ws/designs/c.jpg', '/ws/mockups/d.png']);
    assert.deepEqual(roots, ['/ws/designs', '/ws/mockups']);
    assert.ok(isCovered(roots, '/ws/mockups/campaign/b.png'));
    assert.ok(!isCovered(roots, '/ws/.env'), 'a file at the workspace root is out of reach');
    assert.ok(!isCovered(roots, '/ws/src/secret.ts'));
    assert.ok(!isCovered(roots, '/ws/mockups-old/x.png'), 'a sibling with the same prefix is not covered');
    assert.deepEqual(withFoldersOf(roots, ['/ws/mockups/e.png']), roots, 'an image in an allowed folder adds nothing');
    assert.deepEqual(withFoldersOf(roots, ['/ws/new/f.png']), ['/ws/new', '/ws/designs', '/ws/mockups'].sort((a, b) => a.length - b.length || a.localeCompare(b)));
  });
});

describe('Studio requests and answers are correlated by id through one helper', () => {
  it('resolves each request with the answer carrying its id, tells a stale answer, rejects a failed one', async () => {
    const sent: WebviewToHost[] = [];
    const client = new RequestClient((message) => sent.push(message));
    const first = client.request({ type: 'plan', draft });
    const second = client.request({ type: 'plan', draft: { ...draft, prompt: 'A settings screen' } });
    const code = client.request({ type: 'copyCode', file: 'a.png', language: 'curl' });
    const [a, b, c] = sent.map((m) => ('id' in m ? m.id : -1));
    assert.equal(new Set([a, b, c]).size, 3, 'every request has its own id');
    const planned = (id: number, summary: string): HostToWebview => ({ type: 'planned', id, sizes: [], composed: [], requests: 1, images: 1, previewsUsd: 0, previewsPerImage: 0, summary, warnings: [] });
    // Answers in another order than asked, and a message that answers nothing.
    assert.equal(client.settle({ type: 'notice', level: 'info', message: 'x' }), false);
    assert.equal(client.settle(planned(b, 'second')), true);
    assert.equal(client.settle(planned(a, 'first')), true);
    assert.equal(client.settle(planned(a, 'again')), false, 'an answer settles its request once');
    assert.equal((await first).summary, 'first');
    assert.equal((await second).summary, 'second');
    assert.equal(client.isLatest('plan', a), false);
    assert.equal(client.isLatest('plan', b), true);
    // An answer of another kind that happens to carry a pending id (say, to a message another page
    // sent) settles nothing: the plan still waits for its own answer.
    const third = client.request({ type: 'plan', draft });
    const d = (sent.at(-1) as { id: number }).id;
    assert.equal(client.settle({ type: 'code', id: d, language: 'curl', text: 'curl ...' }), false);
    assert.equal(client.settle(planned(d, 'third')), true);
    assert.equal((await third).summary, 'third');
    assert.equal(client.settle({ type: 'requestFailed', id: c, error: 'a.png has no sidecar describing its request.' }), true);
    await assert.rejects(code, /no sidecar/);
  });

  it('the host posts a handler\'s answer with the request\'s id, and requestFailed when it fails', async () => {
    const posted: HostToWebview[] = [];
    const calls: string[] = [];
    const handlers = new Proxy({} as Handlers, {
      get: (_target, type: string) => (message: WebviewToHost) => {
        calls.push(type);
        if (type === 'history') return Promise.resolve({ type: 'history', entries: [], total: 0, facets: { sizes: [], locales: [], models: [] } });
        if (type === 'copyCode') return Promise.reject(new Error('no sidecar'));
        assert.equal(message.type, type);
        return undefined;
      },
    });
    await dispatch(handlers, { type: 'history', id: 7, query: { text: '', size: '', locale: '', model: '' } }, (m) => posted.push(m));
    await assert.rejects(dispatch(handlers, { type: 'copyCode', id: 8, file: '/work/space/a.png', language: 'curl' }, (m) => posted.push(m)), /no sidecar/);
    await dispatch(handlers, { type: 'ready' }, (m) => posted.push(m));
    assert.deepEqual(calls, ['history', 'copyCode', 'ready']);
    assert.deepEqual(posted, [
      { type: 'history', id: 7, entries: [], total: 0, facets: { sizes: [], locales: [], models: [] } },
      { type: 'requestFailed', id: 8, error: 'no sidecar' },
    ]);
  });
});
