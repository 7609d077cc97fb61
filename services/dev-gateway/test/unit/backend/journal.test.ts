/** Journal replay on a real (in-memory) oxigraph store: order, commit markers, torn tails, corruption. */
import oxigraph from 'oxigraph';
import { DataDirectoryError, replayJournal } from '../../../src/backend/data-directory.js';

const line = (sign: '+' | '-', o: string, s = '<http://example.org/s>') => `${sign} ${s} <http://example.org/p> "${o}" <http://example.org/g> .`;
const objects = (store: oxigraph.Store) => store.match().map((q) => q.object.value).sort();

describe('replayJournal', () => {
  it('applies committed blocks in order, line by line', () => {
    const store = new oxigraph.Store();
    const text = [line('+', 'a'), line('+', 'b'), 'C 2', line('-', 'a'), line('+', 'c'), line('-', 'c'), line('+', 'a'), 'C 4', ''].join('\n');
    const result = replayJournal(text, store);
    expect(objects(store)).toEqual(['a', 'b']);
    expect(result).toEqual({ blocks: 2, lines: 6, ignoredLines: 0, warnings: [] });
  });

  it('keeps blank-node labels, so a later delete finds the quad', () => {
    const store = new oxigraph.Store();
    replayJournal([line('+', 'x', '_:n1'), line('+', 'y', '_:n1'), 'C 2', line('-', 'x', '_:n1'), 'C 1', ''].join('\n'), store);
    expect(objects(store)).toEqual(['y']);
  });

  it('ignores a torn last line with a warning', () => {
    const store = new oxigraph.Store();
    const result = replayJournal([line('+', 'a'), 'C 1', '+ <http://example.org/s> <http://exa'].join('\n'), store);
    expect(objects(store)).toEqual(['a']);
    expect(result.ignoredLines).toBe(1);
    expect(result.warnings).toEqual([expect.stringMatching(/torn last journal line/)]);
  });

  it('ignores an uncommitted last block with a warning', () => {
    const store = new oxigraph.Store();
    const result = replayJournal([line('+', 'a'), 'C 1', line('+', 'b'), line('+', 'c'), ''].join('\n'), store);
    expect(objects(store)).toEqual(['a']);
    expect(result.ignoredLines).toBe(2);
    expect(result.warnings).toEqual([expect.stringMatching(/2 journal lines of an update that was not committed/)]);
  });

  it('stops on corruption inside a committed block', () => {
    expect(() => replayJournal([line('+', 'a'), 'garbage', 'C 2', ''].join('\n'), new oxigraph.Store())).toThrow(DataDirectoryError);
    expect(() => replayJournal([line('+', 'a'), 'C 3', ''].join('\n'), new oxigraph.Store())).toThrow(/commit marker counts 3 lines but the block has 1/);
    expect(() => replayJournal(['+ <http://example.org/s> <http://example.org/p> "unterminated <http://example.org/g> .', 'C 1', ''].join('\n'), new oxigraph.Store())).toThrow(
      /journal.log:1-1: invalid N-Quads/,
    );
  });
});
