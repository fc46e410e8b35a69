// QR code frames for the bench server: a pool of real QR code PNGs (256×256, like GREEN-API's), each
// sent with a unique tEXt chunk so that no two frames share bytes (no image or decode cache hit).
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import QRCode from 'qrcode';

const ref = () =>
  `2@${randomBytes(48).toString('base64')},${randomBytes(32).toString('base64')},` +
  `${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')}`;

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Returns `next()`: a new base64 PNG (without a `data:` prefix) on every call. */
export async function qrFrames(poolSize = 24) {
  const pool = [];
  for (let i = 0; i < poolSize; i++) {
    pool.push(await QRCode.toBuffer(ref(), { type: 'png', width: 256, margin: 2, errorCorrectionLevel: 'L' }));
  }
  let n = 0;
  return () => {
    const png = pool[n % pool.length];
    const text = chunk('tEXt', Buffer.from(`bench\0${n++}`, 'latin1'));
    // Signature (8) + IHDR chunk (8 + 13 + 4) = 33 bytes, then the unique chunk.
    return Buffer.concat([png.subarray(0, 33), text, png.subarray(33)]).toString('base64');
  };
}
