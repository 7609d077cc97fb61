/**
 * JobLifecycle on a real store over HTTP (embedded oxigraph endpoint, or Virtuoso with
 * TEST_SPARQL_BACKEND=virtuoso TEST_VIRTUOSO_URL=…). Jobs are written as the initiator writes them;
 * workers are simulated by status moves; deltas are the changesets delta-notifier would post.
 */
import { CLASSES, createSparqlClient, ERROR_SUBJECTS, JobRepository, namedNode, PREDICATES, sparql, type SparqlClient } from '@delta-producer/core';
import { JobLifecycle } from '../../../src/lifecycle/job-lifecycle.js';
import type { StreamConfig } from '../../../src/config/stream-config.js';
import { capturingLogger, integrationEndpoint, unusedPort, type IntegrationEndpoint } from '../../../../core/test/support/sparql-endpoint.js';
import {
  addResultsContainers,
  clearGraphs,
  createJob,
  errorsOf,
  finishTask,
  objectsOf,
  statusDelta,
  statusOf,
  TASK_OPS,
  tasksOf,
  testConfig,
  testStream,
  uniqueGraph,
} from './support.js';

const MINUTE = 60_000;

let endpoint: IntegrationEndpoint;
let client: SparqlClient;
let repository: JobRepository;
let graphs: string[];
let lifecycles: JobLifecycle[];

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  client = createSparqlClient({ endpoint: endpoint.url });
  repository = new JobRepository(client);
});
afterAll(() => endpoint.close());
beforeEach(() => {
  graphs = [];
  lifecycles = [];
});
afterEach(async () => {
  await Promise.all(lifecycles.map((lifecycle) => lifecycle.stop()));
  await clearGraphs(client, graphs);
});

function graph(label?: string): string {
  const created = uniqueGraph(label);
  graphs.push(created);
  return created;
}

function lifecycleFor(streams: StreamConfig[], options: { client?: SparqlClient; now?: () => Date } = {}) {
  const { logger, lines } = capturingLogger();
  const lifecycle = new JobLifecycle({ client: options.client ?? client, repository: options.client ? new JobRepository(options.client) : repository, config: testConfig(streams), logger, now: options.now });
  lifecycles.push(lifecycle);
  return { lifecycle, lines };
}

describe('chains driven by deltas', () => {
  it('initial sync: task 0 success → dump task "1" (dependsOn, inputContainer) → its success → job success', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'initialSync');
    const containers = ['http://data.lblod.info/id/dataContainers/a', 'http://data.lblod.info/id/dataContainers/b'];
    await addResultsContainers(client, stream.jobsGraph, task, containers);
    await finishTask(repository, stream.jobsGraph, task, 'success');

    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, task, 'success'));
    await lifecycle.idle();

    const tasks = await tasksOf(repository, stream.jobsGraph, job);
    expect(tasks.map((t) => [t.index, t.operation, t.status])).toEqual([
      ['0', TASK_OPS.initialSync, 'success'],
      ['1', TASK_OPS.dump, 'scheduled'],
    ]);
    const dump = tasks[1]!;
    // Everything the maintainer's and dump publisher's task loaders require (data-model §7.4).
    expect(dump.uuid).toBeDefined();
    expect(dump.created).toBeInstanceOf(Date);
    expect(dump.modified).toBeInstanceOf(Date);
    expect(await objectsOf(client, stream.jobsGraph, dump.uri, PREDICATES.dependsOn)).toEqual([task]);
    expect(await objectsOf(client, stream.jobsGraph, dump.uri, PREDICATES.inputContainer)).toEqual(containers);
    expect(await objectsOf(client, stream.jobsGraph, dump.uri, 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type')).toEqual([CLASSES.task]);
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['busy']);

    await finishTask(repository, stream.jobsGraph, dump.uri, 'success');
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, dump.uri, 'success'));
    await lifecycle.idle();

    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['success']);
    expect(await tasksOf(repository, stream.jobsGraph, job)).toHaveLength(2);
  });

  it('healing: its one task succeeds → job success', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'healing');
    await finishTask(repository, stream.jobsGraph, task, 'success');
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, task, 'success'));
    await lifecycle.idle();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['success']);
    expect(await tasksOf(repository, stream.jobsGraph, job)).toHaveLength(1);
  });

  it('dump: its one task succeeds → job success', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'dump');
    await finishTask(repository, stream.jobsGraph, task, 'success');
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, task, 'success'));
    await lifecycle.idle();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['success']);
  });

  it('a failed task fails the job and gets no follow-up', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'initialSync');
    await finishTask(repository, stream.jobsGraph, task, 'failed');
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, task, 'failed'));
    await lifecycle.idle();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['failed']);
    expect(await tasksOf(repository, stream.jobsGraph, job)).toHaveLength(1);
    await lifecycle.scan();
    expect(await tasksOf(repository, stream.jobsGraph, job)).toHaveLength(1);
  });

  it('duplicate deltas for one success create ONE follow-up', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'initialSync');
    await finishTask(repository, stream.jobsGraph, task, 'success');
    const delta = statusDelta(stream.jobsGraph, task, 'success');
    lifecycle.acceptDelta(delta);
    lifecycle.acceptDelta(delta);
    lifecycle.acceptDelta([...delta, ...delta]);
    await lifecycle.idle();
    lifecycle.acceptDelta(delta);
    const scan = lifecycle.scan();
    lifecycle.acceptDelta(delta);
    await scan;
    await lifecycle.idle();
    const tasks = await tasksOf(repository, stream.jobsGraph, job);
    expect(tasks.map((t) => t.index)).toEqual(['0', '1']);
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['busy']);
  });

  it('a job that is no longer active stays as it is', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'initialSync');
    await repository.setStatus({ subject: job, graph: stream.jobsGraph, to: 'failed' });
    await finishTask(repository, stream.jobsGraph, task, 'success');
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, task, 'success'));
    await lifecycle.idle();
    await lifecycle.scan();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['failed']);
    expect(await tasksOf(repository, stream.jobsGraph, job)).toHaveLength(1);
  });
});

describe('scan', () => {
  it('repairs lost deltas: advances the chain, then closes the job', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'initialSync');
    await finishTask(repository, stream.jobsGraph, task, 'success');
    await lifecycle.scan();
    const tasks = await tasksOf(repository, stream.jobsGraph, job);
    expect(tasks.map((t) => [t.index, t.status])).toEqual([
      ['0', 'success'],
      ['1', 'scheduled'],
    ]);
    await lifecycle.scan();
    expect(await tasksOf(repository, stream.jobsGraph, job)).toHaveLength(2);
    await finishTask(repository, stream.jobsGraph, tasks[1]!.uri, 'success');
    await lifecycle.scan();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['success']);
  });

  it('closes a job whose task failed while the service was down', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'dump');
    await finishTask(repository, stream.jobsGraph, task, 'failed');
    await lifecycle.scan();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['failed']);
  });

  it('start() scans at once; stop() waits for the queue', async () => {
    const stream = testStream(graph());
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'healing');
    await finishTask(repository, stream.jobsGraph, task, 'success');
    lifecycle.start();
    await lifecycle.stop();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['success']);
  });
});

describe('what the lifecycle leaves alone', () => {
  it('a job of a stream with manageJobLifecycle: false', async () => {
    const jobsGraph = graph();
    const managed = testStream(jobsGraph);
    const unmanaged = testStream(jobsGraph, { manageJobLifecycle: false });
    const { lifecycle } = lifecycleFor([managed, unmanaged]);
    const { job, task } = await createJob(repository, unmanaged, 'initialSync');
    await finishTask(repository, jobsGraph, task, 'success');
    lifecycle.acceptDelta(statusDelta(jobsGraph, task, 'success'));
    await lifecycle.idle();
    await lifecycle.scan();
    expect(await tasksOf(repository, jobsGraph, job)).toHaveLength(1);
    expect(await statusOf(client, jobsGraph, job)).toEqual(['busy']);
  });

  it('a job in another graph, even with the stream’s operation and a delta naming the stream’s graph', async () => {
    const stream = testStream(graph());
    const elsewhere = { ...stream, jobsGraph: graph('other') };
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, elsewhere, 'healing');
    await finishTask(repository, elsewhere.jobsGraph, task, 'success');
    lifecycle.acceptDelta(statusDelta(elsewhere.jobsGraph, task, 'success'));
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, task, 'success'));
    await lifecycle.idle();
    await lifecycle.scan();
    expect(await statusOf(client, elsewhere.jobsGraph, job)).toEqual(['busy']);
  });

  it('a job of an operation no stream has', async () => {
    const stream = testStream(graph());
    const stranger = testStream(stream.jobsGraph);
    const { lifecycle } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stranger, 'dump');
    await finishTask(repository, stream.jobsGraph, task, 'success');
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, task, 'success'));
    await lifecycle.idle();
    await lifecycle.scan();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['busy']);
  });

  it('a job with a task outside its chain (logged once)', async () => {
    const stream = testStream(graph());
    const { lifecycle, lines } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'healing');
    await finishTask(repository, stream.jobsGraph, task, 'success');
    await repository.createTask({ graph: stream.jobsGraph, job, operation: 'http://redpencil.data.gift/id/jobs/concept/TaskOperation/deltas/healing/reportGeneration', index: '1', dependsOn: task });
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, task, 'success'));
    await lifecycle.idle();
    await lifecycle.scan();
    await lifecycle.scan();
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['busy']);
    expect(lines().filter((line) => String(line.msg).includes('not in its chain'))).toHaveLength(1);
  });
});

describe('timeouts', () => {
  it('fails a job whose last activity is 31 min old (limit 30) with its open task, and attaches one error', async () => {
    const stream = testStream(graph(), { jobTimeoutMinutes: 30 });
    const { lifecycle } = lifecycleFor([stream]);
    const now = new Date();
    const { job, task } = await createJob(repository, stream, 'dump', new Date(now.getTime() - 31 * MINUTE));

    expect(await lifecycle.failTimedOutJobs(stream, now)).toEqual([job]);
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['failed']);
    expect(await statusOf(client, stream.jobsGraph, task)).toEqual(['failed']);
    const errors = await errorsOf(client, stream.jobsGraph, job);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.subject).toBe(ERROR_SUBJECTS.jobsInitiator);
    expect(errors[0]!.creator).toBe(stream.errorCreatorUri);
    expect(errors[0]!.types.sort()).toEqual([CLASSES.deltasError, CLASSES.error].sort());
    expect(errors[0]!.message).toContain(job);
    expect(errors[0]!.message).toContain('31 minutes');
    expect(errors[0]!.message).toContain('30 minutes');

    // Again: nothing left to fail, still one error.
    expect(await lifecycle.failTimedOutJobs(stream, now)).toEqual([]);
    expect(await errorsOf(client, stream.jobsGraph, job)).toHaveLength(1);
  });

  it('leaves a job whose last activity is 29 min old', async () => {
    const stream = testStream(graph(), { jobTimeoutMinutes: 30 });
    const { lifecycle } = lifecycleFor([stream]);
    const now = new Date();
    const { job, task } = await createJob(repository, stream, 'dump', new Date(now.getTime() - 29 * MINUTE));
    expect(await lifecycle.failTimedOutJobs(stream, now)).toEqual([]);
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['busy']);
    expect(await statusOf(client, stream.jobsGraph, task)).toEqual(['scheduled']);
    expect(await errorsOf(client, stream.jobsGraph, job)).toEqual([]);
  });

  it('counts the latest dct:modified of the job and its tasks', async () => {
    const stream = testStream(graph(), { jobTimeoutMinutes: 30 });
    const { lifecycle } = lifecycleFor([stream]);
    const now = new Date();
    const { job, task } = await createJob(repository, stream, 'healing', new Date(now.getTime() - 120 * MINUTE));
    await repository.setStatus({ subject: task, graph: stream.jobsGraph, to: 'busy', now: new Date(now.getTime() - 10 * MINUTE) });
    expect(await lifecycle.failTimedOutJobs(stream, now)).toEqual([]);
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['busy']);
    expect(await lifecycle.failTimedOutJobs(stream, new Date(now.getTime() + 20 * MINUTE))).toEqual([job]);
    expect(await statusOf(client, stream.jobsGraph, task)).toEqual(['failed']);
  });

  it('leaves finished tasks of a timed-out job as they are', async () => {
    const stream = testStream(graph(), { jobTimeoutMinutes: 30, manageJobLifecycle: false });
    const { lifecycle } = lifecycleFor([stream]);
    const now = new Date();
    const old = new Date(now.getTime() - 45 * MINUTE);
    const { job, task } = await createJob(repository, stream, 'initialSync', old);
    await finishTask(repository, stream.jobsGraph, task, 'success', old);
    expect(await lifecycle.failTimedOutJobs(stream, now)).toEqual([job]);
    expect(await statusOf(client, stream.jobsGraph, job)).toEqual(['failed']);
    expect(await statusOf(client, stream.jobsGraph, task)).toEqual(['success']);
  });

  it('is a no-op without a timeout; the scan applies it to managed streams', async () => {
    const jobsGraph = graph();
    const without = testStream(jobsGraph);
    const withTimeout = testStream(jobsGraph, { jobTimeoutMinutes: 30 });
    const { lifecycle } = lifecycleFor([without, withTimeout]);
    const old = new Date(Date.now() - 60 * MINUTE);
    const kept = await createJob(repository, without, 'dump', old);
    const timedOut = await createJob(repository, withTimeout, 'dump', old);
    expect(await lifecycle.failTimedOutJobs(without)).toEqual([]);
    await lifecycle.scan();
    expect(await statusOf(client, jobsGraph, kept.job)).toEqual(['busy']);
    expect(await statusOf(client, jobsGraph, timedOut.job)).toEqual(['failed']);
  });

  it('a job without any date times out a limit after this process first saw it', async () => {
    const stream = testStream(graph(), { jobTimeoutMinutes: 30 });
    const { lifecycle, lines } = lifecycleFor([stream]);
    const { job, task } = await createJob(repository, stream, 'dump');
    const g = namedNode(stream.jobsGraph);
    await client.update(sparql`DELETE WHERE { GRAPH ${g} { ?s dct:created ?c } }`);
    await client.update(sparql`DELETE WHERE { GRAPH ${g} { ?s dct:modified ?m } }`);
    const first = new Date();
    expect(await lifecycle.failTimedOutJobs(stream, first)).toEqual([]);
    expect(await lifecycle.failTimedOutJobs(stream, new Date(first.getTime() + 29 * MINUTE))).toEqual([]);
    expect(await lifecycle.failTimedOutJobs(stream, new Date(first.getTime() + 30 * MINUTE))).toEqual([job]);
    expect(await statusOf(client, stream.jobsGraph, task)).toEqual(['failed']);
    expect(lines().filter((line) => String(line.msg).includes('without dct:modified or dct:created'))).toHaveLength(1);
  });
});

describe('failures', () => {
  it('a store that is down: scan resolves and logs one error per scan; deltas are logged once per batch', async () => {
    const down = createSparqlClient({ endpoint: `http://127.0.0.1:${await unusedPort()}/sparql`, retry: { maxAttempts: 1 } });
    const jobsGraph = graph();
    const streams = [testStream(jobsGraph, { jobTimeoutMinutes: 5 }), testStream(jobsGraph)];
    const { lifecycle, lines } = lifecycleFor(streams, { client: down });
    await expect(lifecycle.scan()).resolves.toBeUndefined();
    await lifecycle.scan();
    const errors = () => lines().filter((line) => (line.level as number) >= 50);
    expect(errors()).toHaveLength(2);
    lifecycle.acceptDelta([...statusDelta(jobsGraph, 'http://ex/task/1', 'success'), ...statusDelta(jobsGraph, 'http://ex/task/2', 'failed')]);
    await lifecycle.idle();
    expect(errors()).toHaveLength(3);
    await expect(lifecycle.failTimedOutJobs(streams[0]!)).rejects.toThrow();
    lifecycle.start();
    await lifecycle.stop();
    expect(errors()).toHaveLength(4);
  });

  it('ignores deltas of other statuses and graphs without querying the store', async () => {
    const stream = testStream(graph());
    let queries = 0;
    const counting = { selectAll: (...args: Parameters<SparqlClient['selectAll']>) => ((queries += 1), client.selectAll(...args)) };
    const { logger } = capturingLogger();
    const lifecycle = new JobLifecycle({ client: counting, repository, config: testConfig([stream]), logger });
    lifecycles.push(lifecycle);
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, 'http://ex/t', 'busy', 'scheduled'));
    lifecycle.acceptDelta(statusDelta(uniqueGraph('unrelated'), 'http://ex/t', 'success'));
    await lifecycle.idle();
    expect(queries).toBe(0);
    lifecycle.acceptDelta(statusDelta(stream.jobsGraph, 'http://ex/t', 'success'));
    await lifecycle.idle();
    expect(queries).toBe(1);
  });
});
