/** Cursor file entries: the largest valid entry wins, damage can only move a cursor back. */
import { decodeCursorFile, encodeCursorEntry } from '../../../src/storage/cursor-file.js';

describe('cursor file entries', () => {
  it('takes the largest valid entry and counts damaged and torn ones', () => {
    const entries = [0, 5, 9, 7].map(encodeCursorEntry);
    expect(decodeCursorFile(Buffer.concat(entries))).toEqual({ position: 9, validEntries: 4, damagedEntries: 0 });
    const damaged = Buffer.concat(entries);
    damaged[32] = damaged[32]! ^ 1; // the 9
    expect(decodeCursorFile(Buffer.concat([damaged, Buffer.from([1, 2])]))).toEqual({ position: 7, validEntries: 3, damagedEntries: 2 });
    expect(decodeCursorFile(Buffer.alloc(0))).toEqual({ position: undefined, validEntries: 0, damagedEntries: 0 });
    expect(decodeCursorFile(encodeCursorEntry(2 ** 40)).position).toBe(2 ** 40);
  });
});
