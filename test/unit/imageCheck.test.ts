import * as assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { checkImage, crc32, decodeBase64Strict, ImageCheckError, imageProblem } from '../../src/core/image/check';

/** A PNG assembled chunk by chunk with correct CRCs, so that only what a test breaks is broken. */
function png(chunks: Array<[string, Buffer]>): Buffer {
  const parts: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const [type, data] of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    parts.push(head, data, crc);
  }
  return Buffer.concat(parts);
}

function ihdr(width: number, height: number, depth = 8, colourType = 6, interlace = 0): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = depth;
  data[9] = colourType;
  data[12] = interlace;
  return data;
}

/** Raw RGBA scanlines (filter type 0) of a width x height image. */
function scanlines(width: number, height: number, filter = 0): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) rows.push(Buffer.concat([Buffer.from([filter]), Buffer.alloc(width * 4, y)]));
  return Buffer.concat(rows);
}

async function rejects(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  await assert.rejects(checkImage(bytes), (error: unknown) => error instanceof ImageCheckError && pattern.test(error.message), `expected ${String(pattern)}`);
}

describe('image check (complete PNG and JPEG, before anything is written)', () => {
  const raw = Buffer.alloc(64 * 48 * 4);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 31) & 0xff;
  const image = sharp(raw, { raw: { width: 64, height: 48, channels: 4 } });

  it('accepts whole PNGs of every layout (RGBA, interlaced, palette, 16-bit grey) and JPEGs (baseline, progressive) with their size', async () => {
    const files = [
      await image.clone().png().toBuffer(),
      await image.clone().png({ progressive: true }).toBuffer(),
      await image.clone().png({ palette: true }).toBuffer(),
      await image.clone().greyscale().toColourspace('grey16').png().toBuffer(),
      await image.clone().jpeg().toBuffer(),
      await image.clone().jpeg({ progressive: true }).toBuffer(),
    ];
    for (const file of files) {
      const checked = await checkImage(file);
      assert.deepEqual([checked.width, checked.height], [64, 48]);
    }
  });

  it('refuses a PNG cut anywhere, with a damaged chunk, or whose compressed pixels end early or run long', async () => {
    const whole = await image.clone().png().toBuffer();
    for (let cut = 9; cut < whole.length; cut += Math.ceil(whole.length / 40)) await rejects(whole.subarray(0, cut), /PNG is cut short/);
    await rejects(whole.subarray(0, whole.length - 1), /cut short: its IEND chunk/);
    const flipped = Buffer.from(whole);
    flipped[whole.indexOf('IDAT') + 20] ^= 0x40;
    await rejects(flipped, /CRC of its IDAT chunk/);

    // Chunks all intact, but the zlib stream inside stops early: only inflating it to its end shows it.
    const stream = deflateSync(scanlines(16, 16));
    await rejects(png([['IHDR', ihdr(16, 16)], ['IDAT', stream.subarray(0, stream.length - 20)], ['IEND', Buffer.alloc(0)]]), /compressed pixel data ends early/);
    await rejects(png([['IHDR', ihdr(16, 16)], ['IDAT', deflateSync(scanlines(16, 12))], ['IEND', Buffer.alloc(0)]]), /pixel data has 780 of the 1,040 bytes its 16x16 size needs/);
    await rejects(png([['IHDR', ihdr(16, 16)], ['IDAT', deflateSync(scanlines(16, 20))], ['IEND', Buffer.alloc(0)]]), /more pixel data than its 16x16 size/);
    await rejects(png([['IHDR', ihdr(16, 16)], ['IDAT', deflateSync(scanlines(16, 16, 7))], ['IEND', Buffer.alloc(0)]]), /row 1 has filter type 7/);
    assert.deepEqual(await checkImage(png([['IHDR', ihdr(16, 16)], ['IDAT', deflateSync(scanlines(16, 16))], ['IEND', Buffer.alloc(0)]])), { format: 'png', width: 16, height: 16 });
  });

  it('refuses a PNG with an impossible header or chunk order', async () => {
    const pixels = deflateSync(scanlines(4, 4));
    await rejects(png([['IHDR', ihdr(0, 4)], ['IDAT', pixels], ['IEND', Buffer.alloc(0)]]), /says it is 0x4 pixels/);
    await rejects(png([['IHDR', ihdr(4, 4, 3, 6)], ['IDAT', pixels], ['IEND', Buffer.alloc(0)]]), /colour type 6 with bit depth 3 does not exist/);
    await rejects(png([['IDAT', pixels], ['IHDR', ihdr(4, 4)], ['IEND', Buffer.alloc(0)]]), /first chunk is IDAT, not IHDR/);
    await rejects(png([['IHDR', ihdr(4, 4)], ['IDAT', pixels.subarray(0, 5)], ['tEXt', Buffer.from('a\0b')], ['IDAT', pixels.subarray(5)], ['IEND', Buffer.alloc(0)]]), /IDAT chunks are not consecutive/);
    await rejects(png([['IHDR', ihdr(4, 4, 8, 3)], ['IDAT', pixels], ['IEND', Buffer.alloc(0)]]), /palette image without a palette/);
    await rejects(png([['IHDR', ihdr(4, 4)], ['IEND', Buffer.alloc(0)]]), /no pixel data/);
    await rejects(png([['IHDR', ihdr(4, 4)], ['ABCD', Buffer.alloc(1)], ['IDAT', pixels], ['IEND', Buffer.alloc(0)]]), /unknown critical chunk ABCD/);
  });

  it('refuses a JPEG cut anywhere (no end-of-image marker), and bytes that are not an image', async () => {
    for (const progressive of [false, true]) {
      const whole = await image.clone().jpeg({ progressive }).toBuffer();
      for (let cut = 3; cut < whole.length; cut += Math.ceil(whole.length / 40)) await rejects(whole.subarray(0, cut), /JPEG is cut short/);
      await rejects(whole.subarray(0, whole.length - 2), /JPEG is cut short.*no end-of-image marker/);
    }
    await rejects(Buffer.from('<!DOCTYPE html><html>502 Bad Gateway</html>'), /43 bytes are not an image \(they start with 3C 21 44 4F/);
    await rejects(new Uint8Array(0), /no image bytes/);
    assert.match((await imageProblem(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))) ?? '', /WEBP image, and only PNG or JPEG is accepted here/);
  });

  it('decodes base64 strictly: other characters, inner padding and a cut mid-group are refused', () => {
    const bytes = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(Buffer.from(decodeBase64Strict(bytes.toString('base64'))), bytes);
    assert.deepEqual(Buffer.from(decodeBase64Strict(`${bytes.toString('base64').slice(0, 8)}\n${bytes.toString('base64').slice(8)}`)), bytes, 'line breaks are tolerated');
    assert.throws(() => decodeBase64Strict('AQID!AQID'), /not base64 \(it has "!" at character 5\)/);
    assert.throws(() => decodeBase64Strict('AQ==AQID'), /padding "=" inside the data/);
    assert.throws(() => decodeBase64Strict('AQIDB'), /not whole groups of 4: it was cut short/);
    assert.throws(() => decodeBase64Strict(''), /empty/);
  });
});
