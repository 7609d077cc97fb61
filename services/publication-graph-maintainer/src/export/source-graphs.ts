/**
 * The graphs an export may read (docs/export-definition.md, "Source graphs" and "Allowed graphs"), as
 * data and as SPARQL fragments.
 *
 * - Source graphs of a stream: every named graph except the publication graph of every stream the
 *   maintainer serves, the maintainer's working graphs (IRI prefix) and the stream's
 *   `excludedSourceGraphs` (jobs, files and login graphs are source graphs). Nothing is ever read
 *   outside a GRAPH clause.
 * - A(E), the allowed graphs of an export entry: the source graphs (empty `graphsFilter`), the listed
 *   graphs that are source graphs, or (`hasRegexGraphsFilter`) the source graphs whose IRI matches one
 *   of the regular expressions. A publication graph is never allowed, whatever the filter says.
 *
 * The fragments are boolean SPARQL expressions over a graph variable (`?g NOT IN (…) && !STRSTARTS(…)`),
 * used as `FILTER(…)` right after the GRAPH pattern that binds the variable. A plain list is intersected
 * with the source graphs here in JavaScript, so the query carries only `?g IN (…)`, and a list that
 * leaves one graph becomes a constant `GRAPH <g>` (see `singleAllowedGraph`).
 */
import { joinSparql, literal, namedNode, sparql, type SparqlText } from '@delta-producer/core';
import type { ExportEntry } from './export-config.js';

/** IRI prefix of the maintainer's own working graphs (folding temp graphs etc.). */
export const MAINTAINER_WORKING_GRAPH_PREFIX = 'http://mu.semte.ch/graphs/delta-producer-publication-maintainer/';

export interface SourceGraphPolicy {
  /** Graphs that are never source graphs. */
  readonly excluded: ReadonlySet<string>;
  /** IRI prefixes of graphs that are never source graphs (always includes the working-graph prefix). */
  readonly excludedPrefixes: readonly string[];
}

/**
 * The graph of one stream that is excluded from every stream's sources. Only the publication graph:
 * jobs, files and login graphs are often shared source graphs (`http://mu.semte.ch/graphs/public` is
 * the default files graph; loket keeps jobs in an organisation graph that streams export from).
 */
export interface StreamGraphs {
  publicationGraph: string;
}

export interface SourceGraphPolicyInput {
  /** Every stream the maintainer serves (its own included). */
  streams: readonly StreamGraphs[];
  /** The stream's own `excludedSourceGraphs`. */
  excludedSourceGraphs?: readonly string[];
  /** Further excluded IRI prefixes (the working-graph prefix is always excluded). */
  excludedPrefixes?: readonly string[];
}

/** The source-graph rule of one stream. Every IRI is validated (TermError on a bad one). */
export function createSourceGraphPolicy(input: SourceGraphPolicyInput): SourceGraphPolicy {
  const excluded = new Set<string>();
  const add = (graph: string | undefined) => {
    if (graph !== undefined) excluded.add(namedNode(graph).value);
  };
  for (const stream of input.streams) {
    add(stream.publicationGraph);
  }
  for (const graph of input.excludedSourceGraphs ?? []) add(graph);
  const excludedPrefixes = [...new Set([MAINTAINER_WORKING_GRAPH_PREFIX, ...(input.excludedPrefixes ?? [])])];
  return { excluded, excludedPrefixes };
}

/** Whether the graph IRI is a source graph under the policy. */
export function isSourceGraph(policy: SourceGraphPolicy, graph: string): boolean {
  return !policy.excluded.has(graph) && !policy.excludedPrefixes.some((prefix) => graph.startsWith(prefix));
}

/** The compiled graph filter of an entry (regexes compiled once per entry). */
const compiledRegexes = new WeakMap<ExportEntry, RegExp[]>();

function regexesOf(entry: ExportEntry): RegExp[] {
  let regexes = compiledRegexes.get(entry);
  if (!regexes) {
    regexes = entry.graphsFilter.map((pattern) => new RegExp(pattern));
    compiledRegexes.set(entry, regexes);
  }
  return regexes;
}

/** Whether the graph IRI is in A(E). */
export function isAllowedGraph(entry: ExportEntry, policy: SourceGraphPolicy, graph: string): boolean {
  if (!isSourceGraph(policy, graph)) return false;
  if (entry.graphsFilter.length === 0) return true;
  if (entry.hasRegexGraphsFilter) return regexesOf(entry).some((regex) => regex.test(graph));
  return entry.graphsFilter.includes(graph);
}

/** The listed graphs that are source graphs (plain-list filters only; undefined otherwise). */
export function listedAllowedGraphs(entry: ExportEntry, policy: SourceGraphPolicy): string[] | undefined {
  if (entry.graphsFilter.length === 0 || entry.hasRegexGraphsFilter) return undefined;
  return [...new Set(entry.graphsFilter)].filter((graph) => isSourceGraph(policy, graph));
}

/** The one graph A(E) consists of, when the filter is a plain list leaving exactly one source graph. */
export function singleAllowedGraph(entry: ExportEntry, policy: SourceGraphPolicy): string | undefined {
  const listed = listedAllowedGraphs(entry, policy);
  return listed?.length === 1 ? listed[0] : undefined;
}

function iriList(iris: Iterable<string>): SparqlText {
  return joinSparql(
    [...iris].map((iri) => sparql`${namedNode(iri)}`),
    ', ',
  );
}

/** `?g is a source graph` as a SPARQL expression over the variable (e.g. sparql`?g`). */
export function sourceGraphCondition(policy: SourceGraphPolicy, variable: SparqlText): SparqlText {
  const conditions: SparqlText[] = [];
  if (policy.excluded.size > 0) conditions.push(sparql`${variable} NOT IN (${iriList([...policy.excluded].sort())})`);
  for (const prefix of policy.excludedPrefixes) conditions.push(sparql`!STRSTARTS(STR(${variable}), ${literal(prefix)})`);
  return conditions.length === 0 ? sparql`true` : sparql`(${joinSparql(conditions, ' && ')})`;
}

/** `?g ∈ A(E)` as a SPARQL expression over the variable. */
export function allowedGraphCondition(entry: ExportEntry, policy: SourceGraphPolicy, variable: SparqlText): SparqlText {
  const source = sourceGraphCondition(policy, variable);
  if (entry.graphsFilter.length === 0) return source;
  if (entry.hasRegexGraphsFilter) {
    const matches = joinSparql(
      entry.graphsFilter.map((pattern) => sparql`REGEX(STR(${variable}), ${literal(pattern)})`),
      ' || ',
    );
    return sparql`((${matches}) && ${source})`;
  }
  const listed = listedAllowedGraphs(entry, policy) ?? [];
  return listed.length === 0 ? sparql`false` : sparql`${variable} IN (${iriList(listed)})`;
}

/** `FILTER(?g is a source graph)`. */
export function sourceGraphFilter(policy: SourceGraphPolicy, variable: SparqlText): SparqlText {
  return sparql`FILTER(${sourceGraphCondition(policy, variable)})`;
}

/** `FILTER(?g ∈ A(E))`. */
export function allowedGraphFilter(entry: ExportEntry, policy: SourceGraphPolicy, variable: SparqlText): SparqlText {
  return sparql`FILTER(${allowedGraphCondition(entry, policy, variable)})`;
}
