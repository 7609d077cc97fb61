/**
 * Inputs of the source-graph policy (docs/export-definition.md, "Source graphs"): the graphs no
 * stream may read its export from. Each stream's `sourceGraphPolicy` has the shape the export module's
 * `createSourceGraphPolicy` takes (`streams`, `excludedSourceGraphs`, `excludedPrefixes`).
 */

import { MAINTAINER_WORKING_GRAPH_PREFIX } from '../export/source-graphs.js';

/** Prefix of the maintainer's working graphs; never a source (defined by the export module). */
export { MAINTAINER_WORKING_GRAPH_PREFIX };

/** The graphs of one stream that no stream reads from. */
export interface StreamGraphs {
  name: string;
  publicationGraph: string;
  jobsGraph: string;
  filesGraph: string;
  /** `account_graph`. */
  loginGraph: string;
  /** Graph of healing reports, when set apart from the task's graph. */
  reportingFilesGraph?: string | undefined;
}

/** What every stream excludes, gathered over all streams of this maintainer. */
export interface SourceGraphPolicyInputs {
  /** Every stream's graphs. */
  streams: readonly StreamGraphs[];
  /** Every stream's publicationGraph (never allowed, whatever a graphsFilter says), sorted. */
  publicationGraphs: readonly string[];
  /** Every stream's jobsGraph, sorted. */
  jobsGraphs: readonly string[];
  /** Every stream's filesGraph and reportingFilesGraph (when set), sorted. */
  filesGraphs: readonly string[];
  /** Every stream's account_graph (login sessions), sorted. */
  loginGraphs: readonly string[];
  /** The graphs never read as sources: every stream's publication graph, sorted. */
  excludedGraphs: readonly string[];
  /** Graphs whose IRI starts with one of these are never sources. */
  excludedPrefixes: readonly string[];
  /** Each stream's own `excludedSourceGraphs`, by stream name. */
  excludedSourceGraphsByStream: Readonly<Record<string, readonly string[]>>;
}

/**
 * The policy input of one stream, for the export module's `createSourceGraphPolicy`: every stream's
 * publication graph plus this stream's own `excludedSourceGraphs`. `excludedGraphs` is the resulting
 * set, for checks and logs.
 */
export interface StreamSourceGraphPolicy {
  streams: readonly StreamGraphs[];
  excludedSourceGraphs: readonly string[];
  excludedPrefixes: readonly string[];
  /** Every graph that is never a source for this stream, sorted. */
  excludedGraphs: readonly string[];
  /** Every stream's publication graph (also in excludedGraphs). */
  publicationGraphs: readonly string[];
}

const sortedUnique = (values: Iterable<string>): string[] => [...new Set(values)].sort();

export function sourceGraphPolicyInputs(streams: readonly StreamGraphs[], excludedSourceGraphs: Readonly<Record<string, readonly string[]>>): SourceGraphPolicyInputs {
  const publicationGraphs = sortedUnique(streams.map((stream) => stream.publicationGraph));
  const jobsGraphs = sortedUnique(streams.map((stream) => stream.jobsGraph));
  const filesGraphs = sortedUnique(streams.flatMap((stream) => (stream.reportingFilesGraph === undefined ? [stream.filesGraph] : [stream.filesGraph, stream.reportingFilesGraph])));
  const loginGraphs = sortedUnique(streams.map((stream) => stream.loginGraph));
  return {
    streams,
    publicationGraphs,
    jobsGraphs,
    filesGraphs,
    loginGraphs,
    // Only publication graphs: jobs, files and login graphs may be shared source graphs (the default
    // files graph is http://mu.semte.ch/graphs/public). docs/export-definition.md, "Source graphs".
    excludedGraphs: publicationGraphs,
    excludedPrefixes: [MAINTAINER_WORKING_GRAPH_PREFIX],
    excludedSourceGraphsByStream: Object.fromEntries(streams.map((stream) => [stream.name, sortedUnique(excludedSourceGraphs[stream.name] ?? [])])),
  };
}

export function streamSourceGraphPolicy(inputs: SourceGraphPolicyInputs, stream: string): StreamSourceGraphPolicy {
  const own = inputs.excludedSourceGraphsByStream[stream] ?? [];
  return {
    streams: inputs.streams,
    excludedSourceGraphs: own,
    excludedPrefixes: inputs.excludedPrefixes,
    excludedGraphs: sortedUnique([...inputs.excludedGraphs, ...own]),
    publicationGraphs: inputs.publicationGraphs,
  };
}
