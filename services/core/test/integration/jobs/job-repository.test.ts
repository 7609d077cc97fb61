import { v4 as uuidv4 } from 'uuid';
import {
  CLASSES,
  createSparqlClient,
  JobRepository,
  namedNode,
  sparql,
  STATUS,
  TASK_OPERATIONS,
  URI_BASES,
  CREATORS,
  type SparqlClient,
} from '../../../src/index.js';
import { integrationEndpoint, type IntegrationEndpoint } from '../../support/sparql-endpoint.js';

const JOB_OP = 'http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/healingOperation/organizations';
const OTHER_OP = 'http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/deltaDumpFileCreation/organizations';

let endpoint: IntegrationEndpoint;
let client: SparqlClient;
let repository: JobRepository;
let graph: string;

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  client = createSparqlClient({ endpoint: endpoint.url });
  repository = new JobRepository(client);
});
afterAll(() => endpoint.close());
beforeEach(() => {
  graph = `http://test.example/jobs/${uuidv4()}`;
});
afterEach(() => client.update(sparql`DELETE WHERE { GRAPH ${namedNode(graph)} { ?s ?p ?o } }`));

/** Every triple of the graph as N-Triples-like strings, sorted, with the resource's IRIs replaced. */
async function graphTriples(): Promise<Record<string, string>[]> {
  const rows = await client.select(sparql`SELECT ?s ?p ?o WHERE { GRAPH ${namedNode(graph)} { ?s ?p ?o } }`);
  return rows.map((row) => ({ s: row.s!.value, p: row.p!.value, o: row.o!.termType === 'Literal' ? `"${row.o!.value}"${'datatype' in row.o! ? `^^${(row.o as { datatype: { value: string } }).datatype.value}` : ''}` : row.o!.value }));
}

const newJob = (overrides: Partial<Parameters<JobRepository['createJobWithTask']>[0]> = {}) =>
  repository.createJobWithTask({ graph, jobOperation: JOB_OP, taskOperation: TASK_OPERATIONS.healing, creator: CREATORS.jobsInitiator, ...overrides });

describe('JobRepository on a real store', () => {
  it('writes the job and its task exactly as data-model §7.1, in one graph', async () => {
    const now = new Date('2025-03-01T02:00:00.004Z');
    const created = await newJob({ now });
    expect(created).toBeDefined();
    const { job, task } = created!;
    expect(job.startsWith(URI_BASES.job)).toBe(true);
    expect(task.startsWith(URI_BASES.task)).toBe(true);
    const triples = await graphTriples();
    const of = (s: string) => Object.fromEntries(triples.filter((t) => t.s === s).map((t) => [t.p, t.o]));
    const jobUuid = job.slice(URI_BASES.job.length);
    const taskUuid = task.slice(URI_BASES.task.length);
    const dt = (iso: string) => expect.stringMatching(new RegExp(`^"${iso.replace('.004Z', '(\\.004)?Z')}"\\^\\^http://www.w3.org/2001/XMLSchema#dateTime$`));
    expect(of(job)).toEqual({
      'http://www.w3.org/1999/02/22-rdf-syntax-ns#type': CLASSES.job,
      'http://mu.semte.ch/vocabularies/core/uuid': expect.stringMatching(new RegExp(`^"${jobUuid}"(\\^\\^http://www.w3.org/2001/XMLSchema#string)?$`)),
      'http://purl.org/dc/terms/creator': CREATORS.jobsInitiator,
      'http://www.w3.org/ns/adms#status': STATUS.busy,
      'http://purl.org/dc/terms/created': dt(now.toISOString()),
      'http://purl.org/dc/terms/modified': dt(now.toISOString()),
      'http://redpencil.data.gift/vocabularies/tasks/operation': JOB_OP,
    });
    expect(of(task)).toEqual({
      'http://www.w3.org/1999/02/22-rdf-syntax-ns#type': CLASSES.task,
      'http://mu.semte.ch/vocabularies/core/uuid': expect.stringMatching(new RegExp(`^"${taskUuid}"`)),
      'http://www.w3.org/ns/adms#status': STATUS.scheduled,
      'http://purl.org/dc/terms/created': dt(now.toISOString()),
      'http://purl.org/dc/terms/modified': dt(now.toISOString()),
      'http://redpencil.data.gift/vocabularies/tasks/operation': TASK_OPERATIONS.healing,
      'http://redpencil.data.gift/vocabularies/tasks/index': expect.stringMatching(/^"0"(\^\^http:\/\/www.w3.org\/2001\/XMLSchema#string)?$/),
      'http://purl.org/dc/terms/isPartOf': job,
    });
  });

  it('does not create a job when the guard pattern matches (check and insert in one update)', async () => {
    const first = await newJob();
    const activeGuard = sparql`?active a ${namedNode(CLASSES.job)} ; <http://redpencil.data.gift/vocabularies/tasks/operation> ${namedNode(JOB_OP)} ; <http://www.w3.org/ns/adms#status> ?status . FILTER(?status IN (${namedNode(STATUS.busy)}, ${namedNode(STATUS.scheduled)}))`;
    expect(await newJob({ unlessExists: activeGuard })).toBeUndefined();
    expect((await repository.findJobs({ graph, operations: [JOB_OP] })).map((j) => j.uri)).toEqual([first!.job]);
    await repository.setStatus({ subject: first!.job, graph, to: 'success' });
    expect(await newJob({ unlessExists: activeGuard })).toBeDefined();
  });

  it('writes one job when the same deterministic ids are created concurrently', async () => {
    const ids = { jobUuid: uuidv4(), taskUuid: uuidv4(), now: new Date('2025-01-01T00:00:00.000Z') };
    await Promise.all(Array.from({ length: 10 }, () => newJob(ids)));
    const jobs = await repository.findJobs({ graph, operations: [JOB_OP] });
    expect(jobs).toHaveLength(1);
    expect(await repository.findTasks({ graph, job: jobs[0]!.uri })).toHaveLength(1);
  });

  it('moves a status only from an expected one, and says whether this call did it', async () => {
    const { task } = (await newJob())!;
    expect(await repository.setStatus({ subject: task, graph, to: 'busy', from: ['scheduled'] })).toBe(true);
    expect(await repository.setStatus({ subject: task, graph, to: 'busy', from: ['scheduled'] })).toBe(false);
    const [record] = await repository.findTasks({ graph, job: undefined, statuses: ['busy'] });
    expect(record!.uri).toBe(task);
    expect(record!.index).toBe('0');
    expect(record!.jobOperation).toBe(JOB_OP);
    const statuses = await client.select(sparql`SELECT ?s ?m WHERE { GRAPH ${namedNode(graph)} { ${namedNode(task)} <http://www.w3.org/ns/adms#status> ?s ; <http://purl.org/dc/terms/modified> ?m } }`);
    expect(statuses).toHaveLength(1);
  });

  it('finds jobs by operation and status, newest first, only in the given graph', async () => {
    const older = await newJob({ now: new Date('2024-01-01T00:00:00.000Z') });
    const newer = await newJob({ now: new Date('2024-06-01T00:00:00.000Z') });
    await newJob({ jobOperation: OTHER_OP });
    const otherGraph = graph;
    graph = `http://test.example/jobs/${uuidv4()}`;
    await newJob();
    await client.update(sparql`DELETE WHERE { GRAPH ${namedNode(graph)} { ?s ?p ?o } }`);
    graph = otherGraph;
    const jobs = await repository.findJobs({ graph, operations: [JOB_OP] });
    expect(jobs.map((j) => j.uri)).toEqual([newer!.job, older!.job]);
    expect(jobs[0]!.created?.toISOString()).toBe('2024-06-01T00:00:00.000Z');
    expect(await repository.findJobs({ graph, operations: [JOB_OP], statuses: ['success'] })).toEqual([]);
    expect(await repository.findJobs({ graph, operations: [JOB_OP], limit: 1, offset: 1 })).toHaveLength(1);
  });

  it('deletes jobs with their tasks and errors and nothing else', async () => {
    const doomed = (await newJob())!;
    const kept = (await newJob({ jobOperation: OTHER_OP }))!;
    await repository.appendError({ owner: doomed.task, graph, message: 'task went wrong' });
    await repository.storeError({ graph, message: 'job went wrong', subject: 'Delta Producer Background Jobs Initiator', creator: CREATORS.jobsInitiator, job: doomed.job });
    const standalone = await repository.storeError({ graph, message: 'unrelated', subject: 'x', creator: CREATORS.jobsInitiator });
    const followUp = await repository.createTask({ graph, job: doomed.job, operation: TASK_OPERATIONS.dump, index: '1', dependsOn: doomed.task });
    await repository.deleteJobs({ graph, jobs: [doomed.job] });
    const subjects = new Set((await graphTriples()).map((t) => t.s));
    expect(subjects).toEqual(new Set([kept.job, kept.task, standalone.uri]));
    expect(subjects.has(followUp)).toBe(false);
  });

  it('stores errors with both classes and exact literals (data-model §8)', async () => {
    const error = await repository.storeError({ graph, message: 'Healing must wait for initial sync to complete, but initial sync did not complete yet', subject: 'Delta Producer Background Jobs Initiator', creator: `${CREATORS.jobsInitiator}/organizations` });
    const rows = await client.select(sparql`SELECT ?type WHERE { GRAPH ${namedNode(graph)} { ${namedNode(error.uri)} a ?type } }`);
    expect(rows.map((r) => r.type!.value).sort()).toEqual([CLASSES.deltasError, CLASSES.error].sort());
  });
});
