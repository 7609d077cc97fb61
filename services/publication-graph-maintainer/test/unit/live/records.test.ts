import { literal, namedNode, parseDeltaMessage, quad, XSD, type Quad } from '@delta-producer/core';
import { decodeOutboxRecord, outboxRecords } from '../../../src/live/apply.js';
import { changedQuads, decodeIntakeRecord, encodeIntakeRecord, IntakeRecordError } from '../../../src/live/intake-record.js';

const g = namedNode('http://example.org/g');
const pub = namedNode('http://example.org/pub');
const s = namedNode('http://example.org/s');
const p = namedNode('http://example.org/p');
const text = (quads: readonly Quad[]) => quads.map((q) => `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}:${q.object.termType === 'Literal' ? `${q.object.language}|${q.object.datatype.value}` : ''} ${q.graph.value}`);

describe('intake records', () => {
  const body = [
    {
      insert: [
        { subject: { type: 'uri', value: s.value }, predicate: { type: 'uri', value: p.value }, object: { type: 'literal', value: 'naam\n"x" 😀', 'xml:lang': 'nl-BE' }, graph: { type: 'uri', value: g.value } },
        { subject: { type: 'uri', value: s.value }, predicate: { type: 'uri', value: p.value }, object: { type: 'typed-literal', value: '1.50', datatype: XSD.decimal }, graph: { type: 'uri', value: g.value } },
      ],
      delete: [{ subject: { type: 'bnode', value: 'b1' }, predicate: { type: 'uri', value: p.value }, object: { type: 'uri', value: s.value }, graph: { type: 'uri', value: g.value } }],
      effectiveInsert: [],
      effectiveDelete: [],
    },
    { inserts: [], deletes: [{ subject: { type: 'uri', value: s.value }, predicate: { type: 'uri', value: p.value }, object: { type: 'literal', value: 'x' }, graph: { type: 'uri', value: g.value } }] },
  ];

  it('round-trips validated changesets (v0.0.1 form, effective lists kept, blank nodes kept)', () => {
    const changesets = parseDeltaMessage(body);
    const record = JSON.parse(JSON.stringify(encodeIntakeRecord(changesets, 'call-1'))) as unknown;
    const decoded = decodeIntakeRecord(record);
    expect(decoded.callId).toBe('call-1');
    expect(decoded.changesets).toHaveLength(2);
    expect(text(decoded.changesets[0]!.inserts)).toEqual(text(changesets[0]!.inserts));
    expect(text(decoded.changesets[0]!.deletes)).toEqual(text(changesets[0]!.deletes));
    expect(decoded.changesets[0]!.effectiveInserts).toEqual([]);
    expect(decoded.changesets[1]!.effectiveInserts).toBeUndefined();
    expect((record as { changesets: { inserts: unknown[] }[] }).changesets[0]!.inserts[0]).toEqual({
      subject: { type: 'uri', value: s.value },
      predicate: { type: 'uri', value: p.value },
      object: { type: 'literal', value: 'naam\n"x" 😀', 'xml:lang': 'nl-BE' },
      graph: { type: 'uri', value: g.value },
    });
  });

  it('changedQuads: requested inserts and deletes plus the effective lists', () => {
    const changesets = [{ inserts: [quad(s, p, literal('a'), g)], deletes: [quad(s, p, literal('b'), g)], effectiveInserts: [quad(s, p, literal('c'), g)] }];
    expect(changedQuads(changesets).map((q) => q.object.value)).toEqual(['a', 'b', 'c']);
  });

  it('refuses what is not an intake record', () => {
    expect(() => decodeIntakeRecord({ v: 2, changesets: [] })).toThrow(IntakeRecordError);
    expect(() => decodeIntakeRecord([])).toThrow(IntakeRecordError);
    expect(() => decodeIntakeRecord({ v: 1, changesets: [{ inserts: 'x' }] })).toThrow(IntakeRecordError);
  });
});

describe('outbox records', () => {
  const del = [quad(s, p, literal('old'), pub), quad(s, p, literal('7', namedNode(XSD.integer)), pub)];
  const ins = [quad(s, p, literal('new', 'en'), pub), quad(s, p, namedNode('http://example.org/o'), pub)];

  it('one record per diff, quads in the publication graph; none for an empty diff', () => {
    const records = outboxRecords([3, 9], { deletes: del, inserts: ins });
    expect(records).toHaveLength(1);
    const decoded = decodeOutboxRecord(JSON.parse(JSON.stringify(records[0])));
    expect(decoded.intakeSeqs).toEqual([3, 9]);
    expect(text(decoded.deletes)).toEqual(text(del));
    expect(text(decoded.inserts)).toEqual(text(ins));
    expect(outboxRecords([1, 1], { deletes: [], inserts: [] })).toEqual([]);
  });

  it('a large diff is split: delete-only records first, then insert-only records, all covering the batch', () => {
    const records = outboxRecords([5, 6], { deletes: del, inserts: [...ins, ...ins, quad(s, p, literal('z'), pub)] }, 2);
    expect(records.map((record) => [record.deletes.length, record.inserts.length])).toEqual([
      [2, 0],
      [0, 2],
      [0, 2],
      [0, 1],
    ]);
    expect(records.every((record) => record.intakeSeqs[0] === 5 && record.intakeSeqs[1] === 6)).toBe(true);
  });
});
