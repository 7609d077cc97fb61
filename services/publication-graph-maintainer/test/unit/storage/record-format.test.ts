/** The segment record format: encoding, decoding, the checks recovery relies on. */
import { crc32 } from '../../../src/storage/crc32.js';
import { FLAG_END, FLAG_JSON, readHeader, RECORD_HEADER_BYTES, recordProblem, writeRecord } from '../../../src/storage/record-format.js';

function record(seq: number, payload: Buffer, flags = FLAG_END, groupIndex = 0): Buffer {
  const buffer = Buffer.alloc(RECORD_HEADER_BYTES + payload.length);
  expect(writeRecord(buffer, 0, { seq, appendedAt: 1_700_000_000_000.5, groupIndex, flags, payload })).toBe(buffer.length);
  return buffer;
}

describe('record format', () => {
  it('round-trips every header field, sequence numbers beyond 2^32 included', () => {
    for (const seq of [1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 12345, Number.MAX_SAFE_INTEGER]) {
      const buffer = record(seq, Buffer.from('{"a":1}'), FLAG_JSON | FLAG_END, 7);
      expect(readHeader(buffer)).toEqual({ crc: crc32(buffer.subarray(4)), length: 7, seq, appendedAt: 1_700_000_000_000.5, groupIndex: 7, flags: FLAG_JSON | FLAG_END });
      expect(recordProblem(buffer, 0, readHeader(buffer), seq)).toBeUndefined();
    }
  });

  it('lays the header out as documented (little-endian, 29 bytes)', () => {
    const buffer = record(0x0102030405, Buffer.from([0xaa, 0xbb]), FLAG_END, 3);
    expect(buffer.readUInt32LE(4)).toBe(2);
    expect(buffer.subarray(8, 16)).toEqual(Buffer.from([0x05, 0x04, 0x03, 0x02, 0x01, 0, 0, 0]));
    expect(buffer.readUInt32LE(24)).toBe(3);
    expect(buffer[28]).toBe(FLAG_END);
    expect(buffer.subarray(29)).toEqual(Buffer.from([0xaa, 0xbb]));
  });

  it('detects any flipped bit through the CRC (not definite: could be a torn write)', () => {
    const clean = record(5, Buffer.from('payload'));
    for (let byte = 0; byte < clean.length; byte++) {
      if (byte >= 4 && byte < 8) continue; // the length: the scan catches a bad one by bounds first
      const damaged = Buffer.from(clean);
      damaged[byte] = damaged[byte]! ^ 0x10;
      expect(recordProblem(damaged, 0, readHeader(damaged), 5)).toEqual({ reason: 'CRC mismatch', definite: false });
    }
  });

  it('calls a CRC-valid record with an unexpected seq or unknown flags definite corruption', () => {
    const buffer = record(9, Buffer.from('x'));
    expect(recordProblem(buffer, 0, readHeader(buffer), 8)).toEqual({ reason: 'sequence number 9 where 8 was expected', definite: true });
    const flagged = record(9, Buffer.from('x'), 0x80);
    expect(recordProblem(flagged, 0, readHeader(flagged), 9)).toEqual({ reason: 'unknown flags 0x80', definite: true });
  });
});
