/** Raw changeset shapes of both delta modes (http-contracts §2). */
import { blankNode, literal, namedNode, quad, type Quad } from '@delta-producer/core';
import { buildChangesets, type OperationOutcome } from '../../../src/update/changesets.js';

const EX = 'http://example.org/';
const g = namedNode(`${EX}g`);
const q = (o: string): Quad => quad(namedNode(`${EX}s`), namedNode(`${EX}p`), literal(o), g);
const json = (o: string) => ({ subject: { type: 'uri', value: `${EX}s` }, predicate: { type: 'uri', value: `${EX}p` }, object: { type: 'literal', value: o }, graph: { type: 'uri', value: `${EX}g` } });

const outcomes: OperationOutcome[] = [
  // DELETE/INSERT: old → new, "kept" deleted and re-inserted
  { requested: { deletes: [q('old'), q('kept')], inserts: [q('new'), q('kept')] }, effective: { deletes: [q('old')], inserts: [q('new')] } },
  // an operation that matched nothing
  { requested: { deletes: [], inserts: [] }, effective: { deletes: [], inserts: [] } },
  // INSERT DATA of an existing quad
  { requested: { deletes: [], inserts: [q('existing')] }, effective: { deletes: [], inserts: [] } },
];

function counter() {
  let n = 0;
  return () => ++n;
}

describe('buildChangesets', () => {
  it('effective mode: one changeset per non-empty operation, requested and effective lists, increasing sequenceId', () => {
    const { changeSets } = buildChangesets('effective', outcomes, { allowedGroups: 'sudo', origin: '127.0.0.1', scope: 'http://scope', callScope: 'http://call-scope' }, counter());
    expect(changeSets).toEqual([
      {
        insert: [json('new'), json('kept')],
        delete: [json('old'), json('kept')],
        effectiveInsert: [json('new')],
        effectiveDelete: [json('old')],
        allowedGroups: 'sudo',
        origin: '127.0.0.1',
        sequenceId: 1,
        scope: 'http://scope',
      },
      { insert: [json('existing')], delete: [], effectiveInsert: [], effectiveDelete: [], allowedGroups: 'sudo', origin: '127.0.0.1', sequenceId: 2, scope: 'http://scope' },
    ]);
  });

  it('effective mode leaves out allowedGroups, origin and scope when unknown', () => {
    const { changeSets } = buildChangesets('effective', outcomes.slice(2), {}, counter());
    expect(Object.keys(changeSets[0]!).sort()).toEqual(['delete', 'effectiveDelete', 'effectiveInsert', 'insert', 'sequenceId']);
  });

  it('elixir mode: one changeset per non-empty part, delete before insert, requested quads only', () => {
    const { changeSets } = buildChangesets('elixir', outcomes, { allowedGroups: 'sudo', origin: '127.0.0.1', scope: 'http://scope', callScope: 'http://call-scope' }, counter());
    expect(changeSets).toEqual([
      { insert: [], delete: [json('old'), json('kept')], allowedGroups: 'sudo', origin: '127.0.0.1', 'call-scope': ['http://call-scope'] },
      { insert: [json('new'), json('kept')], delete: [], allowedGroups: 'sudo', origin: '127.0.0.1', 'call-scope': ['http://call-scope'] },
      { insert: [json('existing')], delete: [], allowedGroups: 'sudo', origin: '127.0.0.1', 'call-scope': ['http://call-scope'] },
    ]);
  });

  it('leaves quads with blank nodes out of the delta and counts them', () => {
    const withBlank = quad(blankNode('b1'), namedNode(`${EX}p`), literal('x'), g);
    const { changeSets, omitted } = buildChangesets('effective', [{ requested: { deletes: [withBlank, q('a')], inserts: [] }, effective: { deletes: [withBlank], inserts: [] } }], {}, counter());
    expect(omitted).toBe(2);
    expect(changeSets[0]?.delete).toEqual([json('a')]);
    expect(changeSets[0]?.effectiveDelete).toEqual([]);
  });
});
