/**
 * A synthetic "UI screenshot" for tests, benchmarks and offline demos: gradients, noise and a grid
 * of flat cards, so codecs and filters work on something closer to a real image than a flat colour.
 * Deterministic for a given size and seed.
 */
import { loadVips } from './engine';
import type { ImageFormat } from './process';

export interface SyntheticImageOptions {
  readonly width: number;
  readonly height: number;
  readonly format?: ImageFormat;
  /** Adds an alpha band with a transparent border. */
  readonly transparent?: boolean;
  readonly seed?: number;
  /** JPEG quality (0-100). */
  readonly compression?: number;
  /** Photographic noise (default true); false renders faster, for tests that only check sizes. */
  readonly noise?: boolean;
}

export async function renderSyntheticImage(options: SyntheticImageOptions): Promise<Uint8Array> {
  const { width, height } = options;
  const seed = options.seed ?? 1;
  const vips = await loadVips();
  const owned: { delete(): void }[] = [];
  const keep = <T extends { delete(): void }>(o: T): T => {
    owned.push(o);
    return o;
  };
  try {
    const xy = keep(vips.Image.xyz(width, height));
    const x = keep(xy.extractBand(0));
    const y = keep(xy.extractBand(1));
    const r = keep(keep(x.linear(200 / Math.max(1, width), 30 + (seed % 20))).cast('uchar'));
    const g = keep(keep(y.linear(180 / Math.max(1, height), 40)).cast('uchar'));
    // Noise at a quarter of the size, enlarged: texture like a photo or a gradient mesh, not white noise.
    const nw = Math.max(1, Math.ceil(width / 4));
    const nh = Math.max(1, Math.ceil(height / 4));
    const smallNoise = keep(keep(vips.Image.gaussnoise(nw, nh, { sigma: 24, mean: 140, seed })).cast('uchar'));
    const bigNoise = keep(smallNoise.resize(width / nw, { vscale: height / nh, kernel: 'linear' }));
    const noise = keep(keep(bigNoise.extractArea(0, 0, Math.min(width, bigNoise.width), Math.min(height, bigNoise.height))).embed(0, 0, width, height, { extend: 'copy' }));
    const blue = options.noise === false ? keep(keep(x.linear(0, 150)).cast('uchar')) : noise;
    const rgb = keep(keep(r.bandjoin([g, blue])).copy({ interpretation: 'srgb' }));
    // Cards on a grid: flat regions and hard edges, as in a UI.
    const image = keep(rgb.copyMemory());
    const cell = Math.max(8, Math.round(Math.min(width, height) / 6));
    for (let top = Math.round(cell / 4), row = 0; top + cell / 2 < height && row < 64; top += cell, row++) {
      for (let left = Math.round(cell / 4), col = 0; left + cell / 2 < width && col < 64; left += cell, col++) {
        const shade = (row * 37 + col * 53 + seed * 11) % 200;
        image.drawRect([240 - shade / 4, 240 - shade / 3, 245], left, top, Math.round(cell * 0.7), Math.round(cell / 2), { fill: true });
        image.drawRect([30 + shade / 2, 60, 120], left + 4, top + 4, Math.max(1, Math.round(cell * 0.4)), Math.max(1, Math.round(cell / 12)), { fill: true });
      }
    }
    let out = image;
    if (options.transparent) {
      const alpha = keep(vips.Image.black(width, height));
      const inner = keep(keep(alpha.linear(1, 255)).cast('uchar'));
      const border = Math.floor(Math.min(width, height) / 10);
      const a = keep(inner.copyMemory());
      if (border > 0) {
        a.drawRect([0], 0, 0, width, border, { fill: true });
        a.drawRect([0], 0, height - border, width, border, { fill: true });
      }
      out = keep(image.bandjoin(a));
    }
    const bytes =
      (options.format ?? 'png') === 'jpeg'
        ? out.jpegsaveBuffer({ Q: Math.max(1, options.compression ?? 90) })
        : out.pngsaveBuffer({ compression: options.noise === false ? 1 : 6 });
    return bytes.slice();
  } finally {
    for (const o of owned.reverse()) o.delete();
  }
}
