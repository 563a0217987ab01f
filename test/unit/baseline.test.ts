// The screenshot baselines' comparison (test/host/imageDiff.ts) on synthetic UI-like images, and
// the baseline files' life cycle (test/host/baseline.ts): compare, update, missing locally and in CI.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { baselineModeFromEnv, matchBaseline } from '../host/baseline';
import { DEFAULT_DIFF_OPTIONS, diffImages, type RgbaImage } from '../host/imageDiff';

type Rgb = readonly [number, number, number];

class Canvas implements RgbaImage {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.data = new Uint8Array(width * height * 4);
    this.fill(0, 0, width, height, background);
  }

  /** Paints the rectangle [x0, x1) x [y0, y1), fractional edges antialiased by the share of each pixel they cover. */
  fill(x0: number, y0: number, x1: number, y1: number, [r, g, b]: Rgb): this {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(this.height, Math.ceil(y1)); y++) {
      const cy = Math.min(y + 1, y1) - Math.max(y, y0);
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(this.width, Math.ceil(x1)); x++) {
        const coverage = cy * (Math.min(x + 1, x1) - Math.max(x, x0));
        const i = (y * this.width + x) * 4;
        this.data[i] = Math.round(this.data[i] + (r - this.data[i]) * coverage);
        this.data[i + 1] = Math.round(this.data[i + 1] + (g - this.data[i + 1]) * coverage);
        this.data[i + 2] = Math.round(this.data[i + 2] + (b - this.data[i + 2]) * coverage);
        this.data[i + 3] = 255;
      }
    }
    return this;
  }

  /** A line of "text": glyph-like strokes 1.4 px wide, from a fixed pattern, starting at x (fractional). */
  text(x: number, y: number, glyphs: number, color: Rgb): this {
    for (let g = 0; g < glyphs; g++) {
      const left = x + g * 7;
      const shape = (g * 7919) % 5;
      this.fill(left, y, left + 1.4, y + 10, color);
      if (shape !== 1) this.fill(left + 3.6, y + (shape === 2 ? 4 : 0), left + 5, y + 10, color);
      if (shape === 0 || shape === 3) this.fill(left, y + 4.5, left + 5, y + 5.9, color);
      if (shape === 4) this.fill(left, y, left + 5, y + 1.4, color);
    }
    return this;
  }
}

interface Theme {
  background: Rgb;
  panel: Rgb;
  foreground: Rgb;
  accent: Rgb;
}
const LIGHT: Theme = { background: [255, 255, 255], panel: [243, 243, 243], foreground: [59, 59, 59], accent: [0, 120, 212] };

interface SceneOptions {
  theme?: Theme;
  /** Where the text is drawn, in (fractional) pixels from its place. */
  textShift?: number;
  /** How far the middle panel and what is in it moved down. */
  panelShift?: number;
  withPanel?: boolean;
  /** Every row of text but the last of the panel. */
  withLastLine?: boolean;
}

/** A small Studio-like page: header, a row of chips, a primary button, a panel of text lines. */
function scene(options: SceneOptions = {}): Canvas {
  const { theme = LIGHT, textShift = 0, panelShift = 0, withPanel = true, withLastLine = true } = options;
  const c = new Canvas(400, 300, theme.background);
  c.fill(0, 0, 400, 32, theme.panel).text(12 + textShift, 11, 14, theme.foreground);
  for (let i = 0; i < 4; i++) c.fill(12 + i * 90, 44, 92 + i * 90, 66, i === 0 ? theme.accent : theme.panel).text(20 + i * 90 + textShift, 50, 8, i === 0 ? [255, 255, 255] : theme.foreground);
  c.fill(300, 260, 388, 288, theme.accent).text(310 + textShift, 269, 10, [255, 255, 255]);
  if (withPanel) {
    const top = 84 + panelShift;
    c.fill(12, top, 388, top + 150, theme.panel);
    for (let line = 0; line < 8; line++) if (withLastLine || line < 7) c.text(20 + textShift, top + 10 + line * 17, 45 - line * 3, theme.foreground);
  }
  return c;
}

describe('screenshot baselines: what counts as the same picture', () => {
  const differs = (actual: RgbaImage, expected: RgbaImage): string => {
    const result = diffImages(actual, expected);
    return `${result.differing} of ${result.total} pixels (${(result.share * 100).toFixed(3)} %) differ`;
  };

  it('an identical picture matches with no pixel differing', () => {
    const result = diffImages(scene(), scene());
    assert.equal(result.differing, 0);
    assert.ok(result.matches);
  });

  it('passes text antialiased differently (a third of a pixel over) and text a whole pixel over', () => {
    for (const textShift of [0.33, 0.5, 1]) {
      const result = diffImages(scene({ textShift }), scene());
      assert.ok(result.matches, `text moved ${textShift} px: ${differs(scene({ textShift }), scene())}`);
    }
    // The same shifts against the plain exact comparison: these pictures really do differ pixel by pixel.
    const exact = diffImages(scene({ textShift: 0.5 }), scene(), { ...DEFAULT_DIFF_OPTIONS, shiftTolerance: 0 });
    assert.ok(exact.share > DEFAULT_DIFF_OPTIONS.maxDifferingShare * 10, `antialiasing changes many pixels: ${exact.differing}`);
  });

  it('fails a theme colour swapped for a near one (the primary button and chip in another blue)', () => {
    const swapped = scene({ theme: { ...LIGHT, accent: [0, 95, 184] } });
    const result = diffImages(swapped, scene());
    assert.ok(!result.matches, differs(swapped, scene()));
    // Another panel colour, the whole page in another theme's background: far beyond.
    assert.ok(!diffImages(scene({ theme: { ...LIGHT, panel: [229, 229, 229] } }), scene()).matches);
    assert.ok(!diffImages(scene({ theme: { ...LIGHT, background: [31, 31, 31], panel: [24, 24, 24], foreground: [204, 204, 204] } }), scene()).matches);
  });

  it('fails a removed panel, a removed line of text and a panel moved down by 3 px', () => {
    for (const [what, changed] of [
      ['no panel', scene({ withPanel: false })],
      ['no last line', scene({ withLastLine: false })],
      ['panel 3 px lower', scene({ panelShift: 3 })],
    ] as const) {
      assert.ok(!diffImages(changed, scene()).matches, `${what}: ${differs(changed, scene())}`);
    }
  });

  it('fails a picture of another size, marking the pixels outside the smaller one', () => {
    const wider = new Canvas(401, 300, LIGHT.background);
    const result = diffImages(wider, new Canvas(400, 300, LIGHT.background));
    assert.equal(result.matches, false);
    assert.equal(result.sameSize, false);
    assert.equal(result.differing, 300, 'the extra column');
    assert.deepEqual([result.diff.width, result.diff.height], [401, 300]);
  });

  it('marks the differing pixels red in the diff image, the rest as faded grey', () => {
    const result = diffImages(scene({ withPanel: false }), scene());
    const at = (x: number, y: number): number[] => [...result.diff.data.subarray((y * 400 + x) * 4, (y * 400 + x) * 4 + 4)];
    assert.deepEqual(at(200, 230), [255, 0, 0, 255], 'inside the missing panel, #f3f3f3 on white');
    const [r, g, b] = at(200, 5);
    assert.ok(r === g && g === b && r > 200, `unchanged header as light grey: ${at(200, 5).join(',')}`);
  });
});

describe('screenshot baselines: the files', () => {
  let dir: string;
  const png = (canvas: RgbaImage): Promise<Buffer> => sharp(Buffer.from(canvas.data), { raw: { width: canvas.width, height: canvas.height, channels: 4 } }).png().toBuffer();
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fm-baselines-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));
  const options = (mode: 'update' | 'ci' | 'local'): Parameters<typeof matchBaseline>[2] => ({ baselineDir: path.join(dir, 'baselines'), artifactsDir: path.join(dir, 'artifacts'), mode });

  it('reads the mode from the environment: the update switch first, then CI', () => {
    assert.equal(baselineModeFromEnv({}), 'local');
    assert.equal(baselineModeFromEnv({ CI: 'true' }), 'ci');
    assert.equal(baselineModeFromEnv({ CI: 'true', FOUNDRY_MOCKUPS_UPDATE_BASELINES: '1' }), 'update');
    assert.equal(baselineModeFromEnv({ FOUNDRY_MOCKUPS_UPDATE_BASELINES: '0' }), 'local');
  });

  it('fails a missing baseline in CI, writing nothing; writes it locally and then matches it', async () => {
    const shot = await png(scene());
    const ci = await matchBaseline(shot, 'page', options('ci'));
    assert.equal(ci.outcome, 'missing');
    assert.match(ci.message, /no baseline .*page\.png/);
    await assert.rejects(fs.access(path.join(dir, 'baselines', 'page.png')));
    const local = await matchBaseline(shot, 'page', options('local'));
    assert.equal(local.outcome, 'created');
    assert.equal((await matchBaseline(shot, 'page', options('ci'))).outcome, 'matched');
  });

  it('on a difference writes the actual and a diff image to the artifacts and names them', async () => {
    await matchBaseline(await png(scene()), 'page', options('update'));
    const result = await matchBaseline(await png(scene({ withPanel: false })), 'page', options('ci'));
    assert.equal(result.outcome, 'differs');
    assert.equal(result.actual, path.join(dir, 'artifacts', 'page.actual.png'));
    assert.equal(result.diff, path.join(dir, 'artifacts', 'page.diff.png'));
    assert.ok(result.message.includes('page.actual.png') && result.message.includes('page.diff.png'), result.message);
    assert.equal((await sharp(result.diff).metadata()).width, 400);
    // The baseline is left as it was; the update switch replaces it.
    assert.equal((await matchBaseline(await png(scene()), 'page', options('ci'))).outcome, 'matched');
    assert.equal((await matchBaseline(await png(scene({ withPanel: false })), 'page', options('update'))).outcome, 'updated');
    assert.equal((await matchBaseline(await png(scene({ withPanel: false })), 'page', options('ci'))).outcome, 'matched');
  });

  it('refuses a name that is not a plain file name', async () => {
    await assert.rejects(matchBaseline(await png(scene()), '../escape', options('update')), /plain file name/);
  });
});
