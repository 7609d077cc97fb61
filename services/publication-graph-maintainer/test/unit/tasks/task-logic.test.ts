import { namedNode, quad, RDF, literal, type TaskRecord } from '@delta-producer/core';
import { emptyTally, tallyChanges } from '../../../src/healing/healing-run.js';
import { StreamGate } from '../../../src/live/stream-gate.js';
import { decodeOutboxRecord, outboxRecords } from '../../../src/live/apply.js';
import { MalformedTaskError, taskKind } from '../../../src/tasks/task-repository.js';

const operations = {
  tasks: { initialSync: 'http://ops/task/initial', healing: 'http://ops/task/healing' },
  jobs: { initialSync: 'http://ops/job/initial/s', healing: 'http://ops/job/healing/s' },
};
const record = (operation: string, jobOperation: string | undefined): TaskRecord => ({ uri: 'http://t/1', job: 'http://j/1', operation, ...(jobOperation ? { jobOperation } : {}), status: 'scheduled' });

describe('taskKind', () => {
  it('names the kind when task and job operation agree', () => {
    expect(taskKind(record(operations.tasks.initialSync, operations.jobs.initialSync), operations)).toBe('initialSync');
    expect(taskKind(record(operations.tasks.healing, operations.jobs.healing), operations)).toBe('healing');
  });

  it('calls a task malformed when its operation does not belong to its job operation', () => {
    expect(() => taskKind(record(operations.tasks.initialSync, operations.jobs.healing), operations)).toThrow(MalformedTaskError);
    expect(() => taskKind(record(operations.tasks.healing, undefined), operations)).toThrow(/\(none\)/);
    expect(() => taskKind(record('http://ops/other', operations.jobs.healing), operations)).toThrow(/neither initial sync nor healing/);
  });
});

describe('tallyChanges', () => {
  it('counts per predicate and, for rdf:type triples, per type', () => {
    const tally = emptyTally();
    const s = namedNode('http://s');
    tallyChanges(tally, [quad(s, namedNode(RDF.type), namedNode('http://T')), quad(s, namedNode('http://p'), literal('x'))], 'inserted');
    tallyChanges(tally, [quad(s, namedNode('http://p'), literal('y'))], 'deleted');
    expect(tally.inserted).toBe(2);
    expect(tally.deleted).toBe(1);
    expect(tally.byPredicate.get('http://p')).toEqual({ inserted: 1, deleted: 1 });
    expect(tally.byType.get('http://T')).toEqual({ inserted: 1, deleted: 0 });
  });
});

describe('StreamGate', () => {
  it('a hold waits for the running batch; a batch waits for every hold to be released', async () => {
    const gate = new StreamGate();
    await gate.enterBatch();
    let held = false;
    const holding = gate.hold('task').then(() => (held = true));
    await Promise.resolve();
    expect(held).toBe(false);
    gate.exitBatch();
    await holding;
    expect(held).toBe(true);
    await gate.hold('wait');
    let entered = false;
    const entering = gate.enterBatch().then(() => (entered = true));
    gate.release('task');
    await Promise.resolve();
    expect(entered).toBe(false);
    gate.release('wait');
    await entering;
    expect(entered).toBe(true);
    gate.exitBatch();
    await expect(gate.hold('x').then(() => gate.hold('x'))).rejects.toThrow(/already held/);
  });

  it('a waiting batch gives up when the worker stops', async () => {
    const gate = new StreamGate();
    await gate.hold('task');
    const controller = new AbortController();
    const entering = gate.enterBatch(controller.signal);
    controller.abort(new Error('stopping'));
    await expect(entering).rejects.toThrow('stopping');
  });
});

describe('healing outbox records', () => {
  it('carry origin healing and the intake position, and decode back; live records stay as they were', () => {
    const diff = { deletes: [quad(namedNode('http://s'), namedNode('http://p'), literal('old'), namedNode('http://g'))], inserts: [] };
    const [healing] = outboxRecords([0, 0], diff, 100, 'healing');
    expect(healing).toMatchObject({ origin: 'healing', intakeSeqs: [0, 0] });
    expect(decodeOutboxRecord(JSON.parse(JSON.stringify(healing)))).toMatchObject({ origin: 'healing', intakeSeqs: [0, 0] });
    const [live] = outboxRecords([3, 4], diff);
    expect(live).not.toHaveProperty('origin');
    expect(decodeOutboxRecord(JSON.parse(JSON.stringify(live))).origin).toBe('live');
    expect(() => decodeOutboxRecord({ ...live, intakeSeqs: [0, 0] })).toThrow(/intakeSeqs/);
    expect(() => decodeOutboxRecord({ ...live, origin: 'dump' })).toThrow(/origin/);
  });
});
