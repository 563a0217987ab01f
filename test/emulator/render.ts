/**
 * Draws the emulator's images: a simple UI wireframe (header bar, sidebar or tab bar, cards,
 * buttons, text lines) whose layout and palette come from a hash of the prompt, so the same
 * prompt always gives the same picture and screenshots of the product show something meaningful.
 * Drawn into a raw RGBA buffer, encoded with sharp.
 */
import sharp from 'sharp';

export interface WireframeOptions {
  readonly width: number;
  readonly height: number;
  readonly format: 'png' | 'jpeg';
  /** PNG only: the page background is fully transparent (alpha 0); components stay opaque. */
  readonly transparent?: boolean;
  readonly prompt: string;
  /** JPEG quality 0..100 (the API's `output_compression`); default 90. */
  readonly compression?: number;
  /** 0..1: how much of the layout is drawn, for partial (streamed) images. Default 1. */
  readonly progress?: number;
}

type Rgba = readonly [number, number, number, number];

const PALETTES: ReadonlyArray<{ accent: Rgba; header: Rgba; page: Rgba; card: Rgba; side: Rgba; text: Rgba }> = [
  { accent: [0, 120, 212, 255], header: [32, 31, 30, 255], page: [243, 242, 241, 255], card: [255, 255, 255, 255], side: [225, 223, 221, 255], text: [161, 159, 157, 255] },
  { accent: [16, 124, 16, 255], header: [11, 58, 36, 255], page: [240, 246, 240, 255], card: [255, 255, 255, 255], side: [214, 232, 214, 255], text: [150, 165, 150, 255] },
  { accent: [136, 23, 152, 255], header: [45, 22, 60, 255], page: [246, 241, 248, 255], card: [255, 255, 255, 255], side: [231, 219, 236, 255], text: [166, 150, 172, 255] },
  { accent: [202, 80, 16, 255], header: [60, 40, 30, 255], page: [250, 245, 240, 255], card: [255, 255, 255, 255], side: [240, 224, 210, 255], text: [176, 160, 146, 255] },
  { accent: [0, 153, 188, 255], header: [20, 44, 56, 255], page: [238, 246, 249, 255], card: [255, 255, 255, 255], side: [210, 230, 238, 255], text: [146, 168, 176, 255] },
];

/** FNV-1a, 32 bit. */
export function hashPrompt(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** mulberry32: a small deterministic PRNG. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Canvas {
  readonly pixels: Buffer;
  constructor(readonly width: number, readonly height: number, background: Rgba) {
    this.pixels = Buffer.alloc(width * height * 4);
    this.pixels.fill(Buffer.from(background));
  }

  rect(x: number, y: number, w: number, h: number, color: Rgba): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    if (x1 <= x0 || y1 <= y0) return;
    const pattern = Buffer.from(color);
    for (let row = y0; row < y1; row++) {
      const start = (row * this.width + x0) * 4;
      this.pixels.fill(pattern, start, start + (x1 - x0) * 4);
    }
  }

  /** A rectangle outline of thickness t. */
  frame(x: number, y: number, w: number, h: number, t: number, color: Rgba): void {
    this.rect(x, y, w, t, color);
    this.rect(x, y + h - t, w, t, color);
    this.rect(x, y, t, h, color);
    this.rect(x + w - t, y, t, h, color);
  }
}

/** Grey bars that stand for lines of text. */
function textLines(canvas: Canvas, x: number, y: number, w: number, lines: number, lineHeight: number, color: Rgba, next: () => number): void {
  for (let i = 0; i < lines; i++) {
    const length = w * (0.45 + next() * 0.5);
    canvas.rect(x, y + i * lineHeight * 1.8, length, lineHeight, color);
  }
}

/** Draws the wireframe into RGBA pixels (exposed for tests that want raw pixels). */
export function drawWireframe(options: Pick<WireframeOptions, 'width' | 'height' | 'prompt' | 'transparent' | 'progress'>): Buffer {
  const { width, height } = options;
  const seed = hashPrompt(options.prompt);
  const next = random(seed);
  const palette = PALETTES[seed % PALETTES.length];
  const page: Rgba = options.transparent ? [0, 0, 0, 0] : palette.page;
  const canvas = new Canvas(width, height, page);
  const progress = Math.max(0, Math.min(1, options.progress ?? 1));
  const unit = Math.max(2, Math.round(Math.min(width, height) / 64));
  const portrait = height > width * 1.15;

  // Header bar with a logo block, a title and a few nav pills.
  const headerH = unit * (portrait ? 5 : 4);
  canvas.rect(0, 0, width, headerH, palette.header);
  canvas.rect(unit, unit, unit * 2, headerH - unit * 2, palette.accent);
  canvas.rect(unit * 4, headerH / 2 - unit / 2, width * 0.18, unit, [235, 235, 235, 255]);
  if (!portrait) {
    const pills = 2 + Math.floor(next() * 3);
    for (let i = 0; i < pills; i++) canvas.rect(width - (i + 1) * unit * 7, headerH / 2 - unit / 2, unit * 5, unit, [190, 190, 190, 255]);
  }
  if (progress <= 0.2) return canvas.pixels;

  let contentX = unit * 2;
  let contentW = width - unit * 4;
  const contentY = headerH + unit * 2;
  let contentH = height - contentY - unit * 2;

  if (portrait) {
    // Bottom tab bar.
    const tabH = unit * 5;
    canvas.rect(0, height - tabH, width, tabH, palette.card);
    canvas.rect(0, height - tabH, width, Math.max(1, unit / 4), palette.side);
    const tabs = 4;
    for (let i = 0; i < tabs; i++) {
      const cx = (width / tabs) * (i + 0.5);
      canvas.rect(cx - unit, height - tabH + unit, unit * 2, unit * 2, i === 0 ? palette.accent : palette.text);
    }
    contentH -= tabH;
  } else {
    // Sidebar with navigation items.
    const sideW = Math.round(width * (0.16 + next() * 0.06));
    canvas.rect(0, headerH, sideW, height - headerH, palette.side);
    const items = 5 + Math.floor(next() * 4);
    for (let i = 0; i < items; i++) {
      const y = headerH + unit * 2 + i * unit * 3;
      if (y + unit > height) break;
      if (i === 0) canvas.rect(unit / 2, y - unit / 2, sideW - unit, unit * 2, palette.card);
      canvas.rect(unit * 1.5, y, unit, unit, i === 0 ? palette.accent : palette.text);
      canvas.rect(unit * 3.5, y, (sideW - unit * 5) * (0.5 + next() * 0.5), unit, palette.text);
    }
    contentX = sideW + unit * 2;
    contentW = width - sideW - unit * 4;
  }
  if (progress <= 0.45) return canvas.pixels;

  // Page title and a primary button.
  canvas.rect(contentX, contentY, contentW * 0.35, unit * 1.6, [90, 90, 90, 255]);
  canvas.rect(contentX + contentW - unit * 10, contentY - unit * 0.4, unit * 10, unit * 2.4, palette.accent);
  canvas.rect(contentX + contentW - unit * 8, contentY + unit * 0.4, unit * 6, unit * 0.8, [255, 255, 255, 255]);

  // A grid of cards.
  const gridY = contentY + unit * 4;
  const gridH = contentH - unit * 4;
  const cols = portrait ? 1 : 2 + Math.floor(next() * 2);
  const rows = portrait ? 3 + Math.floor(next() * 2) : 2;
  const gap = unit * 1.5;
  const cardW = (contentW - gap * (cols - 1)) / cols;
  const cardH = (gridH - gap * (rows - 1)) / rows;
  const cards = cols * rows;
  const shown = progress >= 1 ? cards : Math.max(1, Math.floor(cards * progress));
  for (let i = 0; i < shown; i++) {
    const cx = contentX + (i % cols) * (cardW + gap);
    const cy = gridY + Math.floor(i / cols) * (cardH + gap);
    if (cardH < unit * 3) break;
    canvas.rect(cx, cy, cardW, cardH, palette.card);
    canvas.frame(cx, cy, cardW, cardH, Math.max(1, Math.round(unit / 6)), palette.side);
    const kind = Math.floor(next() * 3);
    const pad = unit;
    if (kind === 0) {
      // Image placeholder with a cross, then text.
      const imgH = cardH * 0.5;
      canvas.rect(cx + pad, cy + pad, cardW - pad * 2, imgH - pad, palette.side);
      textLines(canvas, cx + pad, cy + imgH + pad, cardW - pad * 2, 2, unit * 0.7, palette.text, next);
    } else if (kind === 1) {
      // A bar chart.
      const bars = 6;
      const bw = (cardW - pad * 2) / (bars * 1.5);
      for (let b = 0; b < bars; b++) {
        const bh = (cardH - pad * 4) * (0.2 + next() * 0.8);
        canvas.rect(cx + pad + b * bw * 1.5, cy + cardH - pad - bh, bw, bh, b % 2 ? palette.accent : palette.text);
      }
      canvas.rect(cx + pad, cy + pad, cardW * 0.4, unit * 0.8, [90, 90, 90, 255]);
    } else {
      // A form: label, input, label, input, button.
      textLines(canvas, cx + pad, cy + pad, cardW * 0.5, 1, unit * 0.7, palette.text, next);
      canvas.frame(cx + pad, cy + pad * 2.5, cardW - pad * 2, unit * 2, Math.max(1, Math.round(unit / 8)), palette.text);
      textLines(canvas, cx + pad, cy + pad * 5.5, cardW * 0.5, 1, unit * 0.7, palette.text, next);
      canvas.frame(cx + pad, cy + pad * 7, cardW - pad * 2, unit * 2, Math.max(1, Math.round(unit / 8)), palette.text);
      canvas.rect(cx + pad, cy + pad * 10, unit * 7, unit * 2, palette.accent);
    }
  }
  return canvas.pixels;
}

/** A wireframe image of exactly `width` x `height`, encoded as PNG or JPEG. */
export async function renderWireframe(options: WireframeOptions): Promise<Buffer> {
  const { width, height, format } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width * height > 40_000_000) {
    throw new RangeError(`cannot render a ${width}x${height} wireframe`);
  }
  const transparent = format === 'png' && options.transparent === true;
  const pixels = drawWireframe({ ...options, transparent });
  const image = sharp(pixels, { raw: { width, height, channels: 4 } });
  if (format === 'jpeg') {
    const quality = Math.max(1, Math.min(100, Math.round(options.compression ?? 90)));
    return image.removeAlpha().jpeg({ quality }).toBuffer();
  }
  // Opaque PNGs carry no alpha channel, so "transparent when asked" is visible in the file itself.
  return (transparent ? image : image.removeAlpha()).png({ compressionLevel: 3, palette: false }).toBuffer();
}
