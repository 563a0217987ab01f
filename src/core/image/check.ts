/**
 * Checks that bytes are one complete, well-formed image before anything treats them as one: the
 * client checks every image the service returns (streamed final images too), and batch resumes
 * rely on files that were checked when they were written. Pure JavaScript plus node:zlib, no
 * wasm-vips, so it is cheap enough for every image and usable wherever the core runs.
 *
 * - PNG: the signature, every chunk's length and CRC-32, IHDR first with a valid size, bit depth and
 *   colour type, PLTE before the pixels for palette images, consecutive IDAT chunks, IEND; then the
 *   IDAT stream is inflated to its end (streaming, so a 4K image never sits in memory decoded) and
 *   must hold exactly the scanlines IHDR announces, each starting with a valid filter type.
 * - JPEG: SOI, then a walk over every marker segment (lengths inside the file), a frame header
 *   (SOFn) with a size before the first scan, the entropy-coded data of each scan read up to the
 *   next marker, and EOI. An image cut anywhere has no EOI.
 * - WebP (only when the caller allows it): the RIFF size matches the bytes and the chunks fit in it.
 *
 * Sources: PNG (Third Edition, W3C 2025) §5 and §11; JPEG: ITU-T T.81 Annex B.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflate } from 'node:zlib';

export type CheckedFormat = 'png' | 'jpeg' | 'webp';

export interface CheckedImage {
  readonly format: CheckedFormat;
  readonly width: number;
  readonly height: number;
}

export interface ImageCheckOptions {
  /** Formats accepted (default png and jpeg). */
  readonly formats?: readonly CheckedFormat[];
  /** Refuse images with more pixels than this (default 50 MP: four times the largest the service makes). */
  readonly maxPixels?: number;
}

/** The bytes are not one complete image; `message` says what is wrong in words a user can read. */
export class ImageCheckError extends Error {
  override readonly name = 'ImageCheckError';
}

const DEFAULT_MAX_PIXELS = 50_000_000;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Checks `bytes`; resolves with the format and size, or rejects with an ImageCheckError. */
export async function checkImage(bytes: Uint8Array, options: ImageCheckOptions = {}): Promise<CheckedImage> {
  const formats = options.formats ?? ['png', 'jpeg'];
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new ImageCheckError('there are no image bytes');
  const format = signatureOf(bytes);
  if (!format) throw new ImageCheckError(`the ${bytes.length.toLocaleString('en-US')} bytes are not an image (they start with ${hexStart(bytes)}, which is not PNG, JPEG or WebP)`);
  if (!formats.includes(format)) throw new ImageCheckError(`it is a ${format.toUpperCase()} image, and only ${formats.map((f) => f.toUpperCase()).join(' or ')} is accepted here`);
  const checked = format === 'png' ? await checkPng(bytes) : format === 'jpeg' ? checkJpeg(bytes) : checkWebp(bytes);
  if (checked.width * checked.height > maxPixels) {
    throw new ImageCheckError(`it is ${checked.width}x${checked.height}, more than ${maxPixels.toLocaleString('en-US')} pixels`);
  }
  return checked;
}

/** Like checkImage, but resolves with the problem (undefined when the image is complete). */
export async function imageProblem(bytes: Uint8Array, options: ImageCheckOptions = {}): Promise<string | undefined> {
  try {
    await checkImage(bytes, options);
    return undefined;
  } catch (error) {
    if (error instanceof ImageCheckError) return error.message;
    throw error;
  }
}

/**
 * Decodes the `b64_json` of an answer strictly: only the base64 alphabet (whitespace is
 * tolerated), a length that is a whole number of groups and padding only at the end. Node's own
 * decoder skips anything else silently, which would turn a damaged answer into plausible bytes.
 */
export function decodeBase64Strict(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0) throw new ImageCheckError('the image data is empty');
  const compact = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
  const bad = /[^A-Za-z0-9+/=]/.exec(compact);
  if (bad) throw new ImageCheckError(`the image data is not base64 (it has "${printable(bad[0])}" at character ${(bad.index + 1).toLocaleString('en-US')})`);
  const padding = compact.indexOf('=');
  if (padding >= 0 && (padding < compact.length - 2 || /[^=]/.test(compact.slice(padding)))) {
    throw new ImageCheckError(`the image data is not base64 (padding "=" inside the data at character ${(padding + 1).toLocaleString('en-US')})`);
  }
  if (compact.length % 4 === 1 || (padding >= 0 && compact.length % 4 !== 0)) {
    throw new ImageCheckError(`the image data is not base64 (its ${compact.length.toLocaleString('en-US')} characters are not whole groups of 4: it was cut short)`);
  }
  const buffer = Buffer.from(compact, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function signatureOf(bytes: Uint8Array): CheckedFormat | undefined {
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  return undefined;
}

// --- PNG ------------------------------------------------------------------------------------------

/** Bit depths allowed per colour type (PNG §11.2.1 Table 11.1) and the channels of each. */
const PNG_COLOUR_TYPES: Readonly<Record<number, { depths: readonly number[]; channels: number }>> = {
  0: { depths: [1, 2, 4, 8, 16], channels: 1 },
  2: { depths: [8, 16], channels: 3 },
  3: { depths: [1, 2, 4, 8], channels: 1 },
  4: { depths: [8, 16], channels: 2 },
  6: { depths: [8, 16], channels: 4 },
};
const PNG_MAX_DIMENSION = 2 ** 31 - 1;

async function checkPng(bytes: Uint8Array): Promise<CheckedImage> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let header: { width: number; height: number; depth: number; colourType: number; interlace: number } | undefined;
  let palette = false;
  let ended = false;
  let idatState: 'none' | 'open' | 'closed' = 'none';
  const idat: Uint8Array[] = [];
  for (let index = 0; !ended; index++) {
    if (offset + 8 > bytes.length) {
      throw new ImageCheckError(`the PNG is cut short: it ends after ${bytes.length.toLocaleString('en-US')} bytes, ${header ? 'before its IEND chunk' : 'inside its header'}`);
    }
    const length = view.getUint32(offset);
    const type = ascii(bytes, offset + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new ImageCheckError(`the PNG is damaged: chunk ${index + 1} at byte ${offset.toLocaleString('en-US')} has no valid type`);
    if (length > 2 ** 31 - 1) throw new ImageCheckError(`the PNG is damaged: the ${type} chunk claims ${length.toLocaleString('en-US')} bytes`);
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) {
      throw new ImageCheckError(`the PNG is cut short: its ${type} chunk needs ${(dataEnd + 4).toLocaleString('en-US')} bytes and the image has ${bytes.length.toLocaleString('en-US')}`);
    }
    const stored = view.getUint32(dataEnd);
    if (crc32(bytes, offset + 4, dataEnd) !== stored) throw new ImageCheckError(`the PNG is damaged: the CRC of its ${type} chunk at byte ${offset.toLocaleString('en-US')} does not match`);
    if (index === 0 && type !== 'IHDR') throw new ImageCheckError(`the PNG is damaged: its first chunk is ${type}, not IHDR`);
    if (idatState === 'open' && type !== 'IDAT') idatState = 'closed';
    switch (type) {
      case 'IHDR': {
        if (index !== 0) throw new ImageCheckError('the PNG is damaged: it has a second IHDR chunk');
        if (length !== 13) throw new ImageCheckError(`the PNG is damaged: its IHDR chunk has ${length} bytes instead of 13`);
        const width = view.getUint32(dataStart);
        const height = view.getUint32(dataStart + 4);
        const depth = bytes[dataStart + 8];
        const colourType = bytes[dataStart + 9];
        const interlace = bytes[dataStart + 12];
        if (width === 0 || height === 0 || width > PNG_MAX_DIMENSION || height > PNG_MAX_DIMENSION) throw new ImageCheckError(`the PNG says it is ${width}x${height} pixels`);
        const colour = PNG_COLOUR_TYPES[colourType];
        if (!colour || !colour.depths.includes(depth)) throw new ImageCheckError(`the PNG is damaged: colour type ${colourType} with bit depth ${depth} does not exist`);
        if (bytes[dataStart + 10] !== 0 || bytes[dataStart + 11] !== 0 || interlace > 1) throw new ImageCheckError('the PNG is damaged: its IHDR names an unknown compression, filter or interlace method');
        header = { width, height, depth, colourType, interlace };
        break;
      }
      case 'PLTE':
        if (idatState !== 'none') throw new ImageCheckError('the PNG is damaged: its palette comes after the pixel data');
        palette = true;
        break;
      case 'IDAT':
        if (idatState === 'closed') throw new ImageCheckError('the PNG is damaged: its IDAT chunks are not consecutive');
        idatState = 'open';
        idat.push(bytes.subarray(dataStart, dataEnd));
        break;
      case 'IEND':
        if (length !== 0) throw new ImageCheckError('the PNG is damaged: its IEND chunk is not empty');
        ended = true;
        break;
      default:
        // Ancillary chunks (lower-case first letter) may be skipped; an unknown critical one may not.
        if (type.charCodeAt(0) < 0x61) throw new ImageCheckError(`the PNG has an unknown critical chunk ${type}`);
    }
    offset = dataEnd + 4;
  }
  if (!header) throw new ImageCheckError('the PNG has no IHDR chunk');
  if (idat.length === 0) throw new ImageCheckError('the PNG has no pixel data (no IDAT chunk)');
  if (header.colourType === 3 && !palette) throw new ImageCheckError('the PNG is a palette image without a palette (PLTE chunk)');
  await checkPngPixels(idat, header);
  return { format: 'png', width: header.width, height: header.height };
}

/** The scanline layout of each interlace pass: rows and bytes per row (filter byte excluded). */
function pngPasses(header: { width: number; height: number; depth: number; colourType: number; interlace: number }): Array<{ rows: number; rowBytes: number }> {
  const bitsPerPixel = header.depth * (PNG_COLOUR_TYPES[header.colourType]?.channels ?? 1);
  const rowBytes = (width: number): number => Math.ceil((width * bitsPerPixel) / 8);
  if (header.interlace === 0) return [{ rows: header.height, rowBytes: rowBytes(header.width) }];
  // Adam7: (x start, y start, x step, y step) of the seven passes (PNG §8.2).
  const adam7 = [
    [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
  ] as const;
  return adam7
    .map(([x0, y0, dx, dy]) => ({ width: Math.ceil((header.width - x0) / dx), rows: Math.ceil((header.height - y0) / dy) }))
    .filter((pass) => pass.width > 0 && pass.rows > 0)
    .map((pass) => ({ rows: pass.rows, rowBytes: rowBytes(pass.width) }));
}

/** Inflates the IDAT stream to its end without keeping it: exact length, a filter type 0-4 per row. */
async function checkPngPixels(idat: readonly Uint8Array[], header: Parameters<typeof pngPasses>[0]): Promise<void> {
  const passes = pngPasses(header);
  const expected = passes.reduce((sum, p) => sum + p.rows * (p.rowBytes + 1), 0);
  let received = 0;
  // Position of the next filter byte: pass, row within it, and how far into the current row.
  let pass = 0;
  let row = 0;
  let toNextRow = 0;
  let problem: string | undefined;
  try {
    await pipeline(Readable.from(idat), createInflate(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        received += chunk.length;
        if (problem) continue;
        if (received > expected) {
          problem = `the PNG holds more pixel data than its ${header.width}x${header.height} size`;
          continue;
        }
        let at = 0;
        while (at < chunk.length) {
          if (toNextRow > 0) {
            const skip = Math.min(toNextRow, chunk.length - at);
            at += skip;
            toNextRow -= skip;
            continue;
          }
          const current = passes[pass];
          if (!current) break;
          const filter = chunk[at];
          if (filter > 4) {
            problem = `the PNG's pixel data is damaged (row ${row + 1} has filter type ${filter})`;
            break;
          }
          at++;
          toNextRow = current.rowBytes;
          if (++row >= current.rows) {
            row = 0;
            pass++;
          }
        }
      }
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'Z_BUF_ERROR' || /unexpected end/i.test(String((error as Error).message))) {
      throw new ImageCheckError(`the PNG is cut short: its compressed pixel data ends early (${received.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} bytes)`);
    }
    throw new ImageCheckError(`the PNG's pixel data cannot be decompressed (${typeof code === 'string' ? code : (error as Error).message})`);
  }
  if (problem) throw new ImageCheckError(problem);
  if (received < expected) {
    throw new ImageCheckError(`the PNG is cut short: its pixel data has ${received.toLocaleString('en-US')} of the ${expected.toLocaleString('en-US')} bytes its ${header.width}x${header.height} size needs`);
  }
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, as PNG uses it) of bytes[start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// --- JPEG -----------------------------------------------------------------------------------------

function checkJpeg(bytes: Uint8Array): CheckedImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  let size: { width: number; height: number } | undefined;
  let scans = 0;
  const cut = (where: string): ImageCheckError => new ImageCheckError(`the JPEG is cut short: it ends after ${bytes.length.toLocaleString('en-US')} bytes, ${where} (no end-of-image marker)`);
  for (;;) {
    if (offset >= bytes.length) throw cut(scans ? 'after its last scan' : 'before its image data');
    if (bytes[offset] !== 0xff) throw new ImageCheckError(`the JPEG is damaged: a marker was expected at byte ${offset.toLocaleString('en-US')}`);
    while (offset < bytes.length && bytes[offset] === 0xff) offset++; // fill bytes
    if (offset >= bytes.length) throw cut('inside a marker');
    const marker = bytes[offset++];
    if (marker === 0xd9) break; // EOI
    if (marker === 0xd8) throw new ImageCheckError('the JPEG is damaged: a second start-of-image marker');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // standalone markers
    if (offset + 2 > bytes.length) throw cut('inside a segment');
    const length = view.getUint16(offset);
    if (length < 2) throw new ImageCheckError(`the JPEG is damaged: segment 0xFF${hex(marker)} has length ${length}`);
    if (offset + length > bytes.length) throw cut(`inside segment 0xFF${hex(marker)}`);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (length < 8) throw new ImageCheckError('the JPEG is damaged: its frame header is too short');
      const height = view.getUint16(offset + 3);
      const width = view.getUint16(offset + 5);
      const components = bytes[offset + 7];
      if (width === 0 || height === 0) throw new ImageCheckError(`the JPEG says it is ${width}x${height} pixels`);
      if (components < 1 || components > 4 || length !== 8 + 3 * components) throw new ImageCheckError('the JPEG is damaged: its frame header is inconsistent');
      size = { width, height };
    }
    offset += length;
    if (marker === 0xda) {
      if (!size) throw new ImageCheckError('the JPEG is damaged: image data comes before the frame header');
      scans++;
      // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart marker.
      for (;;) {
        const next = bytes.indexOf(0xff, offset);
        if (next < 0 || next + 1 >= bytes.length) throw cut('inside its image data');
        const after = bytes[next + 1];
        if (after === 0x00 || (after >= 0xd0 && after <= 0xd7) || after === 0xff) {
          offset = after === 0xff ? next + 1 : next + 2;
          continue;
        }
        offset = next;
        break;
      }
    }
  }
  if (!size) throw new ImageCheckError('the JPEG has no frame header (no size)');
  if (scans === 0) throw new ImageCheckError('the JPEG has no image data (no scan)');
  return { format: 'jpeg', ...size };
}

// --- WebP -----------------------------------------------------------------------------------------

function checkWebp(bytes: Uint8Array): CheckedImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffSize = view.getUint32(4, true);
  if (riffSize + 8 > bytes.length) throw new ImageCheckError(`the WebP is cut short: it has ${bytes.length.toLocaleString('en-US')} of its ${(riffSize + 8).toLocaleString('en-US')} bytes`);
  let offset = 12;
  let size: { width: number; height: number } | undefined;
  while (offset + 8 <= riffSize + 8) {
    const fourcc = ascii(bytes, offset, 4);
    const length = view.getUint32(offset + 4, true);
    const data = offset + 8;
    if (data + length > riffSize + 8) throw new ImageCheckError(`the WebP is cut short inside its ${fourcc.trim()} chunk`);
    if (fourcc === 'VP8X' && length >= 10) size ??= { width: 1 + (bytes[data + 4] | (bytes[data + 5] << 8) | (bytes[data + 6] << 16)), height: 1 + (bytes[data + 7] | (bytes[data + 8] << 8) | (bytes[data + 9] << 16)) };
    if (fourcc === 'VP8 ' && length >= 10) size ??= { width: view.getUint16(data + 6, true) & 0x3fff, height: view.getUint16(data + 8, true) & 0x3fff };
    if (fourcc === 'VP8L' && length >= 5) {
      const bits = view.getUint32(data + 1, true);
      size ??= { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    offset = data + length + (length % 2);
  }
  if (!size || size.width === 0 || size.height === 0) throw new ImageCheckError('the WebP has no image data');
  return { format: 'webp', ...size };
}

// --- helpers --------------------------------------------------------------------------------------

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

function hexStart(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 4)].map(hex).join(' ');
}

function printable(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : char;
}
