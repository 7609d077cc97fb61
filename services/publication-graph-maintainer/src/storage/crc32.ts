/**
 * CRC-32 (IEEE 802.3, the zlib/PNG one). node:zlib has `crc32` since Node 20.15 (the suite requires
 * ≥ 20.19); the table version is the fallback for a runtime without it and the reference in tests.
 * Both take the previous result as `initial`, so a CRC can be computed over several buffers.
 */
import zlib from 'node:zlib';

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** Table-driven CRC-32; same results as zlib.crc32. */
export function crc32Table(data: Uint8Array, initial = 0): number {
  const t = crcTable();
  let crc = ~initial >>> 0;
  for (let i = 0; i < data.length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const native: ((data: Uint8Array, value?: number) => number) | undefined = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

export const crc32: (data: Uint8Array, initial?: number) => number = native ? (data, initial = 0) => native(data, initial) : crc32Table;

/** Whether crc32 is node:zlib's (for the benchmark's report). */
export const nativeCrc32 = native !== undefined;
