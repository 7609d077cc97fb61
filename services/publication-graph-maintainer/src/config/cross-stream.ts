/**
 * Checks that span streams: what one stream owns (its publication graph, routes, publisher, job
 * operations) must not be claimed by another, and a publication graph must not double as an
 * infrastructure graph (jobs, files, login, reports), which would be overwritten or excluded.
 */
import type { ConfigProblem } from '@delta-producer/core';
import { MAINTAINER_WORKING_GRAPH_PREFIX } from './source-graphs.js';
import type { StreamEntry } from './stream-entry.js';

export interface ParsedStream {
  name: string;
  /** `<file>["<name>"]`, the prefix of every problem path of this stream. */
  path: string;
  entry: StreamEntry;
}

interface Claim {
  stream: string;
  key: string;
}

/** Records who claimed a value first and reports every later claim. */
class Registry {
  readonly #owners = new Map<string, Claim>();

  constructor(
    private readonly what: string,
    private readonly problems: ConfigProblem[],
  ) {}

  claim(value: string | undefined, stream: ParsedStream, key: string): void {
    if (value === undefined) return;
    const owner = this.#owners.get(value);
    if (owner === undefined) {
      this.#owners.set(value, { stream: stream.name, key });
      return;
    }
    const where = owner.stream === stream.name ? `this stream's ${owner.key}` : `${owner.key} of stream ${JSON.stringify(owner.stream)}`;
    this.problems.push({ path: `${stream.path}.${key}`, message: `${this.what} ${value} is already ${where}: every stream needs its own` });
  }
}

export function crossStreamProblems(streams: readonly ParsedStream[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const publicationGraphs = new Registry('publication graph', problems);
  const routes = new Registry('route', problems);
  const publishers = new Registry('publisher', problems);
  const operations = new Registry('job operation', problems);
  for (const stream of streams) {
    const { entry } = stream;
    publicationGraphs.claim(entry.publicationGraph, stream, 'publicationGraph');
    routes.claim(entry.filesPath, stream, 'filesPath');
    routes.claim(entry.loginPath, stream, 'loginPath');
    publishers.claim(entry.publisherUri, stream, 'publisherUri');
    operations.claim(entry.initialPublicationGraphSyncJobOperation, stream, 'initialPublicationGraphSyncJobOperation');
    operations.claim(entry.healingJobOperation, stream, 'healingJobOperation');
    if (entry.publicationGraph.startsWith(MAINTAINER_WORKING_GRAPH_PREFIX)) {
      problems.push({ path: `${stream.path}.publicationGraph`, message: `must not start with ${MAINTAINER_WORKING_GRAPH_PREFIX}: those are the maintainer's working graphs` });
    }
  }
  // A publication graph is replaced by the export; an infrastructure graph holds jobs, files, sessions
  // or reports. One graph cannot be both.
  const infrastructure = new Map<string, Claim>();
  for (const stream of streams) {
    const graphs: [string, string | undefined][] = [
      ['jobsGraph', stream.entry.jobsGraph],
      ['filesGraph', stream.entry.filesGraph],
      ['account_graph', stream.entry.account_graph],
      ['reportingFilesGraph', stream.entry.reportingFilesGraph],
    ];
    for (const [key, graph] of graphs) if (graph !== undefined && !infrastructure.has(graph)) infrastructure.set(graph, { stream: stream.name, key });
  }
  for (const stream of streams) {
    const owner = infrastructure.get(stream.entry.publicationGraph);
    if (owner === undefined) continue;
    const where = owner.stream === stream.name ? `this stream's ${owner.key}` : `the ${owner.key} of stream ${JSON.stringify(owner.stream)}`;
    problems.push({ path: `${stream.path}.publicationGraph`, message: `${stream.entry.publicationGraph} is also ${where}: the publication graph must hold nothing but the export` });
  }
  return problems;
}
