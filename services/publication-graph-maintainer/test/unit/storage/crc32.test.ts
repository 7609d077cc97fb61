/** CRC-32: node:zlib's and the table fallback agree, on the standard check value and in pieces. */
import { randomBytes } from 'node:crypto';
import { crc32, crc32Table } from '../../../src/storage/crc32.js';

describe('crc32', () => {
  it('gives the CRC-32/ISO-HDLC check value', () => {
    const check = Buffer.from('123456789', 'ascii');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(crc32Table(check)).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });

  it('matches the table version on random data, also computed over several buffers', () => {
    for (const size of [1, 7, 64, 1000, 65_537]) {
      const data = randomBytes(size);
      expect(crc32Table(data)).toBe(crc32(data));
      const cut = Math.floor(size / 3);
      expect(crc32(data.subarray(cut), crc32(data.subarray(0, cut)))).toBe(crc32(data));
      expect(crc32Table(data.subarray(cut), crc32Table(data.subarray(0, cut)))).toBe(crc32(data));
    }
  });
});
