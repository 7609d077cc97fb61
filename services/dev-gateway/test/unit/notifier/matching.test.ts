import {
  changeSetsMatch,
  filterFromSelf,
  normalizeChangeSets,
  passesScopeFilter,
  quadMatchesSpec,
  resolveScope,
} from '../../../src/notifier/matching.js';
import type { RawChangeset } from '@delta-producer/core';
import { ADMS_STATUS, BUSY, changeSet, EX, INITIAL_SYNC, MAINTENANCE, q, SCHEDULED, XSD_INTEGER } from './fixtures.js';

const statusScheduled = q('task/1', ADMS_STATUS, SCHEDULED);
const countLiteral = q('task/1', 'count', '3', { datatype: XSD_INTEGER });
const nameLiteral = q('org/1', 'name', 'Gemeente X', { graph: 'http://mu.semte.ch/graphs/other' });

describe('quadMatchesSpec', () => {
  it('{} matches every quad', () => {
    for (const quad of [statusScheduled, countLiteral, nameLiteral]) expect(quadMatchesSpec(quad, {})).toBe(true);
  });

  it('matches on the subject', () => {
    expect(quadMatchesSpec(statusScheduled, { subject: { value: `${EX}task/1` } })).toBe(true);
    expect(quadMatchesSpec(statusScheduled, { subject: { value: `${EX}task/2` } })).toBe(false);
  });

  it('matches on the predicate (type and value)', () => {
    expect(quadMatchesSpec(statusScheduled, { predicate: { type: 'uri', value: ADMS_STATUS } })).toBe(true);
    expect(quadMatchesSpec(countLiteral, { predicate: { type: 'uri', value: ADMS_STATUS } })).toBe(false);
  });

  it('matches on the object, strictly (type included)', () => {
    expect(quadMatchesSpec(statusScheduled, { object: { type: 'uri', value: SCHEDULED } })).toBe(true);
    expect(quadMatchesSpec(statusScheduled, { object: { type: 'uri', value: BUSY } })).toBe(false);
    expect(quadMatchesSpec(statusScheduled, { object: { type: 'literal', value: SCHEDULED } })).toBe(false);
  });

  it('matches on the graph', () => {
    expect(quadMatchesSpec(nameLiteral, { graph: { value: 'http://mu.semte.ch/graphs/other' } })).toBe(true);
    expect(quadMatchesSpec(statusScheduled, { graph: { value: 'http://mu.semte.ch/graphs/other' } })).toBe(false);
  });

  it('matches on the datatype, strictly (no datatype is not xsd:string, typed-literal is not literal)', () => {
    expect(quadMatchesSpec(countLiteral, { object: { datatype: XSD_INTEGER } })).toBe(true);
    expect(quadMatchesSpec(countLiteral, { object: { type: 'literal', datatype: XSD_INTEGER } })).toBe(true);
    expect(quadMatchesSpec(countLiteral, { object: { type: 'typed-literal', datatype: XSD_INTEGER } })).toBe(false);
    expect(quadMatchesSpec(nameLiteral, { object: { datatype: 'http://www.w3.org/2001/XMLSchema#string' } })).toBe(false);
    expect(quadMatchesSpec(statusScheduled, { object: { datatype: XSD_INTEGER } })).toBe(false);
  });

  it('requires every named position to match', () => {
    const spec = { predicate: { value: ADMS_STATUS }, object: { value: SCHEDULED } };
    expect(quadMatchesSpec(statusScheduled, spec)).toBe(true);
    expect(quadMatchesSpec(q('task/1', ADMS_STATUS, BUSY), spec)).toBe(false);
  });
});

describe('changeSetsMatch', () => {
  const spec = { predicate: { type: 'uri', value: ADMS_STATUS } };

  it('looks at insert and delete of every changeset', () => {
    expect(changeSetsMatch([changeSet({ insert: [nameLiteral] }), changeSet({ delete: [statusScheduled] })], spec)).toBe(true);
    expect(changeSetsMatch([changeSet({ insert: [statusScheduled] })], spec)).toBe(true);
    expect(changeSetsMatch([changeSet({ insert: [nameLiteral], delete: [countLiteral] })], spec)).toBe(false);
    expect(changeSetsMatch([], {})).toBe(false);
  });

  it('never looks at the effective lists', () => {
    expect(changeSetsMatch([changeSet({ insert: [nameLiteral], effectiveInsert: [statusScheduled], effectiveDelete: [statusScheduled] })], spec)).toBe(false);
  });
});

describe('scope filtering', () => {
  it('takes mu-call-scope-id, else mu-auth-scope', () => {
    expect(resolveScope({ 'mu-call-scope-id': INITIAL_SYNC, 'mu-auth-scope': MAINTENANCE })).toBe(INITIAL_SYNC);
    expect(resolveScope({ 'mu-auth-scope': MAINTENANCE })).toBe(MAINTENANCE);
    expect(resolveScope({})).toBeUndefined();
  });

  it('opt-out drops a listed scope and keeps others', () => {
    const options = { optOutMuScopeIds: [INITIAL_SYNC, MAINTENANCE] };
    expect(passesScopeFilter(options, resolveScope({ 'mu-call-scope-id': INITIAL_SYNC }))).toBe(false);
    expect(passesScopeFilter(options, resolveScope({ 'mu-auth-scope': MAINTENANCE }))).toBe(false);
    expect(passesScopeFilter(options, 'http://other/scope')).toBe(true);
  });

  it('opt-in sends only a listed scope, and wins over opt-out', () => {
    const options = { optInMuScopeIds: [MAINTENANCE], optOutMuScopeIds: [MAINTENANCE] };
    expect(passesScopeFilter(options, MAINTENANCE)).toBe(true);
    expect(passesScopeFilter(options, INITIAL_SYNC)).toBe(false);
  });

  it('does not filter without a scope header', () => {
    expect(passesScopeFilter({ optInMuScopeIds: [MAINTENANCE] }, resolveScope({}))).toBe(true);
    expect(passesScopeFilter({ optOutMuScopeIds: [MAINTENANCE] }, resolveScope({ 'mu-session-id': 'x' }))).toBe(true);
    expect(passesScopeFilter({}, INITIAL_SYNC)).toBe(true);
  });
});

describe('filterFromSelf', () => {
  const fromSelf = changeSet({ insert: [statusScheduled], origin: '172.18.0.12' });
  const fromSelfMapped = changeSet({ insert: [statusScheduled], origin: '::ffff:172.18.0.12' });
  const fromOther = changeSet({ insert: [nameLiteral], origin: '172.18.0.3' });
  const noOrigin = changeSet({ insert: [countLiteral] });

  it('drops the changesets whose origin is the callback host, per changeset', () => {
    expect(filterFromSelf([fromSelf, fromOther, fromSelfMapped, noOrigin], '172.18.0.12')).toEqual([fromOther, noOrigin]);
  });

  it('keeps everything when the host could not be resolved (fail open)', () => {
    expect(filterFromSelf([fromSelf, fromOther], undefined)).toEqual([fromSelf, fromOther]);
  });
});

describe('normalizeChangeSets', () => {
  it('turns missing insert/delete lists into []', () => {
    const partial = { insert: [statusScheduled], allowedGroups: 'sudo' } as unknown as RawChangeset;
    expect(normalizeChangeSets([partial])).toEqual([{ insert: [statusScheduled], delete: [], allowedGroups: 'sudo' }]);
  });
});
