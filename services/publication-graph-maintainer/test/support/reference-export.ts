/**
 * An INDEPENDENT computation of Export(source) (docs/export-definition.md), in plain JavaScript over a
 * dump of the store, for the live tests to compare the publication graph with. It shares no code with
 * the maintainer's export module (not its config parser, not its source-graph helpers, not its query
 * builder): it reads the raw export.json object and follows the definition text.
 *
 * `additionalFilter` is SPARQL text and is not interpreted here: the test gives the equivalent JS
 * predicate per entry (`filters`), evaluated "inside one source graph" as the definition says.
 */
import { canonicalTripleKey, namedNode, RDF, type Quad, type Term } from '@delta-producer/core';

export const WORKING_GRAPH_PREFIX = 'http://mu.semte.ch/graphs/delta-producer-publication-maintainer/';

export interface RawExportEntry {
  type: string;
  properties: string[];
  pathToConceptScheme?: string[];
  graphsFilter?: string[];
  hasRegexGraphsFilter?: boolean | string;
  strictTypeExport?: boolean | string;
  additionalFilter?: string;
}

export interface RawExportConfig {
  conceptScheme?: string;
  export: RawExportEntry[];
}

export interface ReferenceOptions {
  /** Every stream's publication graph (never a source). */
  publicationGraphs: readonly string[];
  /** The stream's excludedSourceGraphs. */
  excludedSourceGraphs?: readonly string[];
  /** JS equivalent of an entry's additionalFilter, by entry index: does it hold for `resource` inside `graph`? */
  filters?: Readonly<Record<number, (resource: string, graph: string, index: QuadIndex) => boolean>>;
}

const truthy = (value: boolean | string | undefined) => value === true || (typeof value === 'string' && value.toLowerCase() === 'true');

/** Lookup tables over a dump (graph of every quad is a named graph). */
export class QuadIndex {
  readonly quads: readonly Quad[];
  readonly #bySubject = new Map<string, Quad[]>();
  readonly #byObject = new Map<string, Quad[]>();

  constructor(quads: readonly Quad[]) {
    this.quads = quads;
    for (const q of quads) {
      push(this.#bySubject, termId(q.subject), q);
      push(this.#byObject, termId(q.object), q);
    }
  }

  withSubject(term: Term | string): readonly Quad[] {
    return this.#bySubject.get(typeof term === 'string' ? `I${term}` : termId(term)) ?? [];
  }

  withObject(term: Term | string): readonly Quad[] {
    return this.#byObject.get(typeof term === 'string' ? `I${term}` : termId(term)) ?? [];
  }

  /** Whether `s p o` is in graph `g`. */
  has(subject: string, predicate: string, object: string, graph: string): boolean {
    return this.withSubject(subject).some((q) => q.predicate.value === predicate && q.object.termType === 'NamedNode' && q.object.value === object && q.graph.value === graph);
  }
}

function push(map: Map<string, Quad[]>, key: string, q: Quad): void {
  const list = map.get(key);
  if (list) list.push(q);
  else map.set(key, [q]);
}

/** Identity of a node for path walking (IRIs and blank nodes; literals never walk on). */
function termId(term: Term): string {
  if (term.termType === 'NamedNode') return `I${term.value}`;
  if (term.termType === 'BlankNode') return `B${term.value}`;
  return `L${term.value}`;
}

/** Export(source) as a map canonical triple key → triple (in the default graph). */
export function referenceExport(config: RawExportConfig, dump: readonly Quad[], options: ReferenceOptions): Map<string, Quad> {
  const excluded = new Set([...options.publicationGraphs, ...(options.excludedSourceGraphs ?? [])]);
  const isSource = (graph: Term) => graph.termType === 'NamedNode' && !excluded.has(graph.value) && !graph.value.startsWith(WORKING_GRAPH_PREFIX);
  const source = dump.filter((q) => isSource(q.graph));
  const index = new QuadIndex(source);
  const sourceGraphs = [...new Set(source.map((q) => q.graph.value))];
  const result = new Map<string, Quad>();
  const add = (q: Quad) => {
    if (q.subject.termType === 'BlankNode' || q.object.termType === 'BlankNode') return;
    const key = canonicalTripleKey(q);
    if (!result.has(key)) result.set(key, q);
  };

  config.export.forEach((entry, entryIndex) => {
    const filterList = entry.graphsFilter ?? [];
    const regexes = truthy(entry.hasRegexGraphsFilter) ? filterList.map((pattern) => new RegExp(pattern)) : undefined;
    const allowed = (graph: Term) => {
      if (!isSource(graph)) return false;
      if (filterList.length === 0) return true;
      if (regexes) return regexes.some((regex) => regex.test(graph.value));
      return filterList.includes(graph.value);
    };
    const path = entry.pathToConceptScheme ?? [];
    const filter = options.filters?.[entryIndex];
    if (entry.additionalFilter !== undefined && !filter) throw new Error(`entry ${entryIndex} has an additionalFilter: give its JS equivalent in options.filters`);

    // 1. typed with E.type in an allowed graph (IRIs only)
    const typed = new Set<string>();
    for (const q of index.withObject(entry.type)) {
      if (q.predicate.value === RDF.type && q.subject.termType === 'NamedNode' && allowed(q.graph)) typed.add(q.subject.value);
    }
    for (const resource of typed) {
      // 2. the path, every hop in some source graph
      if (path.length > 0) {
        let frontier = new Map<string, Term>([[`I${resource}`, namedNode(resource)]]);
        for (const hop of path) {
          const inverse = hop.startsWith('^');
          const predicate = inverse ? hop.slice(1) : hop;
          const next = new Map<string, Term>();
          for (const node of frontier.values()) {
            const quads = inverse ? index.withObject(node) : index.withSubject(node);
            for (const q of quads) {
              if (q.predicate.value !== predicate) continue;
              const other = inverse ? q.subject : q.object;
              if (other.termType === 'Literal') continue;
              next.set(termId(other), other);
            }
          }
          frontier = next;
        }
        if (config.conceptScheme === undefined || !frontier.has(`I${config.conceptScheme}`)) continue;
      }
      // 3. the additionalFilter inside one source graph
      if (filter) {
        if (!sourceGraphs.some((graph) => filter(resource, graph, index))) continue;
      }
      // exported triples, in allowed graphs only
      for (const q of index.withSubject(resource)) {
        if (!allowed(q.graph)) continue;
        if (q.predicate.value === RDF.type) {
          if (!truthy(entry.strictTypeExport) || (q.object.termType === 'NamedNode' && q.object.value === entry.type)) add(q);
          continue;
        }
        if (entry.properties.includes(q.predicate.value)) add(q);
      }
      for (const q of index.withObject(resource)) {
        if (!allowed(q.graph)) continue;
        if (entry.properties.includes(`^${q.predicate.value}`)) add(q);
      }
    }
  });
  return result;
}

/** Canonical keys of triples (graph ignored), for comparing a graph with the reference. */
export function tripleKeys(triples: Iterable<Quad>): Set<string> {
  const keys = new Set<string>();
  for (const q of triples) keys.add(canonicalTripleKey(q));
  return keys;
}

/** What differs between two key sets, for readable failures. */
export function keyDifference(actual: ReadonlySet<string>, expected: ReadonlySet<string>): { missing: string[]; unexpected: string[] } {
  return {
    missing: [...expected].filter((key) => !actual.has(key)).sort(),
    unexpected: [...actual].filter((key) => !expected.has(key)).sort(),
  };
}
