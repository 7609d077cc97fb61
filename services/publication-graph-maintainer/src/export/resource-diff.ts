/**
 * Pure parts of keeping a publication graph equal to Export(source):
 * - `diffTriples`: what to delete from and insert into the publication graph, comparing triples by value
 *   (core's canonical keys: `"1.50"^^xsd:decimal` = `"1.5"^^xsd:decimal`, tags case-insensitive).
 * - `impactedResources`: which resources a changeset may have changed the export of (live impact
 *   analysis); the path-walk part is a query (`pathImpactQueries` in export-query.ts).
 */
import { canonicalTermKey, canonicalTripleKey, quad as makeQuad, type NamedNode, type Quad, type Term } from '@delta-producer/core';
import type { ExportConfig, ExportEntry } from './export-config.js';
import { isSourceGraph, type SourceGraphPolicy } from './source-graphs.js';

export interface TripleDiff {
  /** Expected triples missing from the publication graph, with the source's terms. */
  readonly inserts: Quad[];
  /**
   * Published triples that are not expected, with the store's terms as read (so a `DELETE DATA`
   * matches what is stored), including extra lexical forms of one value (a store that keeps
   * `"1.50"` and `"1.5"` apart holds one of them too many).
   */
  readonly deletes: Quad[];
  /** Triples left out because they contain a blank node (they can be neither written nor deleted with DATA). */
  readonly blankNodeTriples: number;
}

export interface DiffOptions {
  /** Graph of the returned quads (the publication graph); default: the default graph. */
  readonly graph?: NamedNode;
}

const hasBlankNode = (triple: Quad) => triple.subject.termType === 'BlankNode' || triple.object.termType === 'BlankNode';

const compareKeys = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Exact term identity (lexical form, datatype, tag as written). */
const exactKey = (triple: Quad) => `${triple.subject.termType}|${triple.subject.value}|${triple.predicate.value}|${triple.object.termType}|${triple.object.value}|${triple.object.termType === 'Literal' ? `${triple.object.datatype.value}|${triple.object.language}` : ''}`;

/**
 * `expected` (Export(source) for a set of resources) against `current` (the publication graph's triples
 * for the same resources); graphs are ignored. Deterministic: both lists are sorted by canonical key.
 */
export function diffTriples(expected: Iterable<Quad>, current: Iterable<Quad>, options: DiffOptions = {}): TripleDiff {
  let blankNodeTriples = 0;
  const place = (triple: Quad) => makeQuad(triple.subject, triple.predicate, triple.object, options.graph);

  const wanted = new Map<string, Quad>();
  for (const triple of expected) {
    if (hasBlankNode(triple)) {
      blankNodeTriples += 1;
      continue;
    }
    const key = canonicalTripleKey(triple);
    if (!wanted.has(key)) wanted.set(key, triple);
  }

  const stored = new Map<string, Quad[]>();
  for (const triple of current) {
    if (hasBlankNode(triple)) {
      blankNodeTriples += 1;
      continue;
    }
    const key = canonicalTripleKey(triple);
    const forms = stored.get(key);
    if (!forms) stored.set(key, [triple]);
    else if (!forms.some((form) => exactKey(form) === exactKey(triple))) forms.push(triple);
  }

  const inserts: { key: string; quad: Quad }[] = [];
  for (const [key, triple] of wanted) if (!stored.has(key)) inserts.push({ key, quad: place(triple) });

  const deletes: { key: string; quad: Quad }[] = [];
  for (const [key, forms] of stored) {
    const source = wanted.get(key);
    if (!source) {
      for (const form of forms) deletes.push({ key, quad: place(form) });
      continue;
    }
    // Expected: keep one stored form (the source's own form when stored, else the first), delete the rest.
    const keep = forms.find((form) => exactKey(form) === exactKey(source)) ?? forms[0]!;
    for (const form of forms) if (form !== keep) deletes.push({ key, quad: place(form) });
  }

  inserts.sort(compareKeys);
  deletes.sort(compareKeys);
  return { inserts: inserts.map(({ quad }) => quad), deletes: deletes.map(({ quad }) => quad), blankNodeTriples };
}

/** Changed triples that are hops of one entry's path (input of `pathImpactQueries`). */
export interface PathHopChanges {
  readonly entry: ExportEntry;
  readonly triples: Quad[];
}

export interface ImpactedResources {
  /** IRIs whose export may have changed: every IRI subject and IRI object of a changed triple, sorted. */
  readonly resources: NamedNode[];
  /** Per entry with a path, the changed triples whose predicate is one of its hops. */
  readonly pathHops: PathHopChanges[];
}

export interface ImpactOptions {
  /** Skip triples in named graphs that are not source graphs (e.g. publication graphs). */
  readonly policy?: SourceGraphPolicy;
}

/**
 * The resources a set of changed triples (inserts and deletes alike) may change the export of:
 * - subjects: their own types, forward properties, scope (type, first forward hop, additionalFilter);
 * - IRI objects: their inverse properties (`^p`: the triple `s p o` is exported for `o`) and first
 *   inverse hops;
 * - for paths, resources further away: the triples that are hops are returned per entry, for
 *   `pathImpactQueries`.
 * A filter that reaches beyond the resource's own triples is not followed (healing repairs that).
 */
export function impactedResources(changed: Iterable<Quad>, config: ExportConfig, options: ImpactOptions = {}): ImpactedResources {
  const resources = new Map<string, NamedNode>();
  const add = (term: Term) => {
    if (term.termType === 'NamedNode') resources.set(term.value, term);
  };
  const hopPredicates = config.entries.map((entry) => new Set(entry.pathToConceptScheme.map((hop) => hop.iri)));
  const hops = config.entries.map((): Quad[] => []);
  const seenHops = config.entries.map(() => new Set<string>());
  for (const triple of changed) {
    if (options.policy && triple.graph.termType === 'NamedNode' && !isSourceGraph(options.policy, triple.graph.value)) continue;
    add(triple.subject);
    add(triple.object);
    hopPredicates.forEach((predicates, index) => {
      if (!predicates.has(triple.predicate.value)) return;
      const key = canonicalTripleKey(triple);
      if (seenHops[index]!.has(key)) return;
      seenHops[index]!.add(key);
      hops[index]!.push(triple);
    });
  }
  const sorted = [...resources.values()].sort((a, b) => {
    const [ka, kb] = [canonicalTermKey(a), canonicalTermKey(b)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const pathHops = config.entries.flatMap((entry, index): PathHopChanges[] => (hops[index]!.length > 0 ? [{ entry, triples: hops[index]! }] : []));
  return { resources: sorted, pathHops };
}
