/**
 * Writes build/icon.png (512 × 512), the application's icon, from code: a
 * Marianne-blue rounded square with a white rising bar chart (the quarterly
 * follow-up) and a red baseline. electron-builder derives the Windows .ico and
 * the Linux icon set from it. Run once and commit the file:
 *
 *   node scripts/make-icon.mjs
 *
 * Drawn by hand in a few rectangles so that no image tool is needed.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 512;
const BLUE = [0, 0, 145, 255];
const WHITE = [255, 255, 255, 255];
const RED = [225, 0, 15, 255];
const CLEAR = [0, 0, 0, 0];
const RADIUS = 96;

const pixels = Buffer.alloc(SIZE * SIZE * 4);
const set = (x, y, c) => pixels.set(c, (y * SIZE + x) * 4);
const inRounded = (x, y) => {
  const cx = Math.min(Math.max(x, RADIUS), SIZE - 1 - RADIUS);
  const cy = Math.min(Math.max(y, RADIUS), SIZE - 1 - RADIUS);
  return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2;
};
const rect = (x0, y0, x1, y1, c) => {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) set(x, y, c);
};

for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) set(x, y, inRounded(x, y) ? BLUE : CLEAR);
// Three rising bars and the baseline.
const bars = [
  [120, 300],
  [216, 230],
  [312, 150],
];
for (const [x, top] of bars) rect(x, top, x + 72, 390, WHITE);
rect(100, 390, 412, 412, RED);

// PNG: signature, IHDR, IDAT (zlib of filtered rows), IEND.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icon.png');
fs.writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
