import { DeltaFileIndex } from '../../../src/delta-files/file-index.js';

const stored = (n: number, created: number) => ({ uuid: `u${n}`, name: `f${n}`, created, logical: `http://data.lblod.info/files/u${n}`, physical: `share://deltas/f${n}` });

describe('delta-file index', () => {
  it('appends newer files, ignores files already listed, refuses a file that is not newer', () => {
    const index = new DeltaFileIndex();
    index.load([stored(1, 10)]);
    index.append([stored(2, 20), stored(1, 10)]);
    expect(index.size).toBe(2);
    expect(() => index.append([stored(3, 20)])).toThrow(/not newer/);
    expect(index.page(0, 10).map((file) => file.uuid)).toEqual(['u1', 'u2']);
  });

  it('removes files older than a cutoff', () => {
    const index = new DeltaFileIndex();
    index.load([stored(1, 10), stored(2, 20), stored(3, 30)]);
    expect(index.removeOlderThan(25).map((file) => file.uuid)).toEqual(['u1', 'u2']);
    expect(index.has('u1')).toBe(false);
    expect(index.page(0, 10).map((file) => file.uuid)).toEqual(['u3']);
  });
});
