import { deliveryHeaders, foldEffectiveChanges, formatBody, nextCallIdTrail, toGenesis } from '../../../src/notifier/format.js';
import { changeSet, q, XSD_INTEGER } from './fixtures.js';

const a = q('s/1', 'p', 'a');
const b = q('s/2', 'p', 'b');
const c = q('s/3', 'p', 'http://data.example/c');

describe('foldEffectiveChanges', () => {
  it('cancels an insert followed by a delete of the same quad', () => {
    expect(foldEffectiveChanges([changeSet({ effectiveInsert: [a, b] }), changeSet({ effectiveDelete: [a] })])).toEqual([{ delete: [], insert: [b] }]);
  });

  it('cancels a delete followed by an insert of the same quad', () => {
    expect(foldEffectiveChanges([changeSet({ effectiveDelete: [a] }), changeSet({ effectiveInsert: [a] })])).toEqual([]);
    // within one changeset deletes come first, so a re-insert in the same changeset cancels too
    expect(foldEffectiveChanges([changeSet({ effectiveDelete: [a, b], effectiveInsert: [a] })])).toEqual([{ delete: [b], insert: [] }]);
  });

  it('keeps first-seen order and returns deletes before inserts', () => {
    const folded = foldEffectiveChanges([
      changeSet({ effectiveInsert: [c, a] }),
      changeSet({ effectiveDelete: [b], effectiveInsert: [q('s/4', 'p', 'd')] }),
      changeSet({ effectiveDelete: [q('s/5', 'p', 'e')] }),
    ]);
    expect(folded).toEqual([
      { delete: [b, q('s/5', 'p', 'e')], insert: [] },
      { delete: [], insert: [c, a, q('s/4', 'p', 'd')] },
    ]);
  });

  it('ignores the requested lists: without effective lists (Elixir) nothing is left', () => {
    expect(foldEffectiveChanges([changeSet({ insert: [a], delete: [b] })])).toEqual([]);
  });

  it('compares quads by their JSON text (a datatype makes a different quad)', () => {
    const typed = q('s/1', 'p', 'a', { datatype: XSD_INTEGER });
    expect(foldEffectiveChanges([changeSet({ effectiveInsert: [a] }), changeSet({ effectiveDelete: [typed] })])).toEqual([
      { delete: [typed], insert: [] },
      { delete: [], insert: [a] },
    ]);
  });
});

describe('formatBody', () => {
  const changeSets = [changeSet({ insert: [a], delete: [b], effectiveInsert: [a] }), changeSet({ insert: [c] })];

  it('v0.0.1: an array of {inserts, deletes} from insert/delete, in order', () => {
    expect(JSON.parse(formatBody('v0.0.1', changeSets) ?? 'null')).toEqual([
      { inserts: [a], deletes: [b] },
      { inserts: [c], deletes: [] },
    ]);
  });

  it('v0.0.0-genesis: plain-string triples, no types, no graph', () => {
    expect(JSON.parse(formatBody('v0.0.0-genesis', changeSets) ?? 'null')).toEqual({
      delta: {
        inserts: [
          { s: 'http://data.example/s/1', p: 'http://data.example/p', o: 'a' },
          { s: 'http://data.example/s/3', p: 'http://data.example/p', o: 'http://data.example/c' },
        ],
        deletes: [{ s: 'http://data.example/s/2', p: 'http://data.example/p', o: 'b' }],
      },
    });
    expect(toGenesis([])).toEqual({ delta: { inserts: [], deletes: [] } });
  });

  it('falsy format: no body', () => {
    expect(formatBody(undefined, changeSets)).toBeUndefined();
  });
});

describe('nextCallIdTrail', () => {
  it('appends the incoming call id to the incoming trail', () => {
    expect(nextCallIdTrail({ 'mu-call-id': '3', 'mu-call-id-trail': '["1","2"]' })).toEqual({ value: '["1","2","3"]' });
    expect(nextCallIdTrail({ 'mu-call-id': '3' })).toEqual({ value: '["3"]' });
    expect(nextCallIdTrail({})).toEqual({ value: '[]' });
  });

  it('treats an unparseable trail as empty and says so', () => {
    expect(nextCallIdTrail({ 'mu-call-id': '3', 'mu-call-id-trail': 'nope' })).toEqual({ value: '["3"]', problem: 'not valid JSON' });
    expect(nextCallIdTrail({ 'mu-call-id-trail': '{"a":1}' })).toEqual({ value: '[]', problem: 'not a JSON array of strings' });
  });
});

describe('deliveryHeaders', () => {
  it('sets the delta-notifier headers and leaves out what is unknown', () => {
    expect(deliveryHeaders({ callId: 'id', callIdTrail: '["1"]' })).toEqual({ 'Content-Type': 'application/json', 'mu-call-id': 'id', 'mu-call-id-trail': '["1"]' });
    expect(deliveryHeaders({ callId: 'id', callIdTrail: '[]', sessionId: 'http://mu.semte.ch/sessions/1', allowedGroups: 'sudo', bundledCallIdTrails: ['["2"]', '["3"]'] })).toEqual({
      'Content-Type': 'application/json',
      'mu-call-id': 'id',
      'mu-call-id-trail': '[]',
      'mu-session-id': 'http://mu.semte.ch/sessions/1',
      'mu-auth-allowed-groups': 'sudo',
      'mu-bundled-call-id-trails': '["2"],["3"]',
    });
  });
});
