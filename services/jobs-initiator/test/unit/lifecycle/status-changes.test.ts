import { literal, namedNode, parseDeltaMessage, PREDICATES, quad, STATUS, type Changeset } from '@delta-producer/core';
import { extractStatusChanges } from '../../../src/lifecycle/status-changes.js';

const G = namedNode('http://mu.semte.ch/graphs/jobs');
const status = (subject: string, value: string, graph = G) => quad(namedNode(subject), namedNode(PREDICATES.status), namedNode(value), graph);

describe('extractStatusChanges', () => {
  it('keeps inserted adms:status success/failed triples, in order', () => {
    const changesets: Changeset[] = [
      { inserts: [status('http://ex/t1', STATUS.success), status('http://ex/t2', STATUS.busy)], deletes: [] },
      { inserts: [status('http://ex/t3', STATUS.failed)], deletes: [status('http://ex/t3', STATUS.busy)] },
    ];
    expect(extractStatusChanges(changesets)).toEqual([
      { task: 'http://ex/t1', graph: G.value, status: 'success' },
      { task: 'http://ex/t3', graph: G.value, status: 'failed' },
    ]);
  });

  it('ignores deletes, other statuses, other predicates and literal objects', () => {
    const changesets: Changeset[] = [
      {
        inserts: [
          status('http://ex/a', STATUS.scheduled),
          status('http://ex/b', STATUS.canceled),
          quad(namedNode('http://ex/c'), namedNode(PREDICATES.modified), namedNode(STATUS.success), G),
          quad(namedNode('http://ex/d'), namedNode(PREDICATES.status), literal(STATUS.success), G),
        ],
        deletes: [status('http://ex/e', STATUS.success), status('http://ex/f', STATUS.failed)],
      },
    ];
    expect(extractStatusChanges(changesets)).toEqual([]);
  });

  it('reports a repeated insert once; the same task in two graphs twice', () => {
    const other = namedNode('http://ex/other-graph');
    const changesets: Changeset[] = [
      { inserts: [status('http://ex/t', STATUS.success)], deletes: [] },
      { inserts: [status('http://ex/t', STATUS.success), status('http://ex/t', STATUS.success, other)], deletes: [] },
    ];
    expect(extractStatusChanges(changesets)).toEqual([
      { task: 'http://ex/t', graph: G.value, status: 'success' },
      { task: 'http://ex/t', graph: other.value, status: 'success' },
    ]);
  });

  it('reads a delta-notifier v0.0.1 body', () => {
    const body = [
      {
        inserts: [
          { subject: { type: 'uri', value: 'http://ex/t' }, predicate: { type: 'uri', value: PREDICATES.status }, object: { type: 'uri', value: STATUS.success }, graph: { type: 'uri', value: G.value } },
        ],
        deletes: [
          { subject: { type: 'uri', value: 'http://ex/t' }, predicate: { type: 'uri', value: PREDICATES.status }, object: { type: 'uri', value: STATUS.busy }, graph: { type: 'uri', value: G.value } },
        ],
      },
    ];
    expect(extractStatusChanges(parseDeltaMessage(body))).toEqual([{ task: 'http://ex/t', graph: G.value, status: 'success' }]);
  });
});
