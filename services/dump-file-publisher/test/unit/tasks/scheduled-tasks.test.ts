import { literal, namedNode, quad, STATUS, PREDICATES, type Changeset } from '@delta-producer/core';
import { scheduledSubjects } from '../../../src/tasks/scheduled-tasks.js';

const g = namedNode('http://g');
const status = (subject: string, value: string) => quad(namedNode(subject), namedNode(PREDICATES.status), namedNode(value), g);

describe('scheduled-status deltas', () => {
  it('takes every scheduled insert of every changeset, once', () => {
    const changesets: Changeset[] = [
      { inserts: [status('http://t1', STATUS.scheduled), status('http://t2', STATUS.scheduled)], deletes: [status('http://t3', STATUS.scheduled)] },
      { inserts: [status('http://t1', STATUS.scheduled), status('http://t4', STATUS.busy), status('http://t3', STATUS.scheduled)], deletes: [] },
    ];
    expect(scheduledSubjects(changesets)).toEqual(['http://t1', 'http://t2', 'http://t3']);
  });

  it('ignores other predicates and literal objects', () => {
    const changesets: Changeset[] = [{ inserts: [quad(namedNode('http://t'), namedNode('http://p'), namedNode(STATUS.scheduled), g), quad(namedNode('http://t'), namedNode(PREDICATES.status), literal(STATUS.scheduled), g)], deletes: [] }];
    expect(scheduledSubjects(changesets)).toEqual([]);
  });
});
