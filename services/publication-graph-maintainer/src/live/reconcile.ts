/**
 * Impact → expected vs current → diff, for one batch of changed quads of one stream.
 *
 * 1. Candidates: every IRI of a changed quad in a source graph (`impactedResources`; requested inserts
 *    and deletes alike — deltas are hints, never trusted as effective or complete), plus the resources
 *    whose path to the concept scheme runs through a changed hop (`pathImpactQueries`).
 * 2. Prefilter, one query per chunk: the candidates with an entry type in a source graph (these may be
 *    in scope) or with a triple they own in the publication graph (these may have to be retracted).
 *    The rest cannot change the publication graph. This is the set R.
 * 3. expected(R): Export(source) of R, with THE export query builder (per entry, only for the resources
 *    that have the entry's type somewhere); current(R): the publication-graph triples R owns
 *    (ownership.ts). Both are reduced to the triples R owns, then diffed by value (`diffTriples`).
 * 4. A published triple R owns that is not expected may still be exported by an owner outside R (an
 *    inverse and a forward property on one predicate): those owners' export is read too, and such a
 *    triple is kept.
 *
 * Reads the store's current state, so the result is right whatever order deltas arrived in: every change
 * is followed by its delta, and the batch holding it reads the store after the change.
 */
import {
  canonicalTripleKey,
  namedNode,
  quad as makeQuad,
  TruncatedResultError,
  type Bindings,
  type Logger,
  type NamedNode,
  type Quad,
  type SparqlClient,
  type SparqlText,
} from '@delta-producer/core';
import type { MaintainerStreamConfig } from '../config/index.js';
import {
  createSourceGraphPolicy,
  diffTriples,
  exportedTriplesFromRows,
  exportQuery,
  exportQueryGroups,
  impactedResources,
  MAX_RESOURCES_PER_QUERY,
  pathImpactQueries,
  scopeQuery,
  type ExportEntry,
  type SourceGraphPolicy,
  type TripleDiff,
} from '../export/index.js';
import { currentTriplesQuery, pagedQuery, prefilterQuery, publicationPrefilterQuery, sourcePrefilterQuery } from './live-queries.js';
import { chunks, exportShape, outsideOwners, ownedTriples, type ExportShape } from './ownership.js';

export interface ReconcileClients {
  /** Reads of the source data (the stream's sourceReadEndpoint). */
  source: SparqlClient;
  /** Reads of the publication graph (the stream's publicationReadEndpoint). */
  publication: SparqlClient;
}

export interface ReconcileResult {
  /** Deletes and inserts for the publication graph (quads in the publication graph). */
  diff: TripleDiff;
  /** Resources the changes may have affected. */
  candidates: number;
  /** Candidates left after the prefilter (R). */
  resources: number;
  /** Owners outside R whose export was read to keep shared triples. */
  outsideOwners: number;
  /** Changed quads with a blank node on an exported predicate (skipped, per the export definition). */
  blankNodeQuads: Map<string, number>;
}

const byValue = (a: NamedNode, b: NamedNode) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);

export class StreamReconciler {
  readonly #stream: MaintainerStreamConfig;
  readonly #clients: ReconcileClients;
  readonly #policy: SourceGraphPolicy;
  readonly #shape: ExportShape;
  readonly #publicationGraph: NamedNode;
  /** The source and the publication graph are read through the same endpoint (one prefilter query). */
  readonly #sameEndpoint: boolean;
  readonly #logger: Logger;

  constructor(stream: MaintainerStreamConfig, clients: ReconcileClients, logger: Logger) {
    this.#stream = stream;
    this.#clients = clients;
    this.#policy = createSourceGraphPolicy(stream.sourceGraphPolicy);
    this.#shape = exportShape(stream.exportConfig);
    this.#publicationGraph = namedNode(stream.publicationGraph);
    this.#sameEndpoint = stream.endpoints.sourceReadEndpoint === stream.endpoints.publicationReadEndpoint;
    this.#logger = logger;
  }

  get shape(): ExportShape {
    return this.#shape;
  }

  async reconcile(changed: readonly Quad[], signal?: AbortSignal): Promise<ReconcileResult> {
    const blankNodeQuads = this.#countBlankNodes(changed);
    const candidates = await this.#candidates(changed, signal);
    return this.#reconcileCandidates(candidates, blankNodeQuads, signal);
  }

  /**
   * Steps 2–4 for the given resources (healing: every in-scope resource and every owner of a
   * published triple, page by page). The diff covers exactly the triples these resources own.
   */
  async reconcileResources(resources: readonly NamedNode[], options: { inScope?: ReadonlyMap<number, readonly NamedNode[]>; signal?: AbortSignal } = {}): Promise<ReconcileResult> {
    return this.#reconcileCandidates([...resources].sort(byValue), new Map(), options.signal, options.inScope);
  }

  /**
   * `inScope`: per entry index, the resources known to be in its scope (healing's lists, read just
   * before); without it the prefilter finds the candidates' types and each entry's scope is read.
   */
  async #reconcileCandidates(candidates: readonly NamedNode[], blankNodeQuads: Map<string, number>, signal: AbortSignal | undefined, inScope?: ReadonlyMap<number, readonly NamedNode[]>): Promise<ReconcileResult> {
    const empty: TripleDiff = { deletes: [], inserts: [], blankNodeTriples: 0 };
    if (candidates.length === 0) return { diff: empty, candidates: 0, resources: 0, outsideOwners: 0, blankNodeQuads };

    const { resources, typed } = inScope ? { resources: candidates, typed: undefined } : await this.#prefilter(candidates, signal);
    if (resources.length === 0) return { diff: empty, candidates: candidates.length, resources: 0, outsideOwners: 0, blankNodeQuads };

    const inR = new Set(resources.map((resource) => resource.value));
    const expected = ownedTriples(inScope ? await this.#expectedInScope(inScope, signal) : await this.#expected(typed!, signal), inR, this.#shape);
    const current = ownedTriples(await this.#current(resources, signal), inR, this.#shape);
    let diff = diffTriples(expected, current, { graph: this.#publicationGraph });

    const outside = outsideOwners(diff.deletes, inR, this.#shape);
    if (outside.length > 0) {
      const deleted = new Set(diff.deletes.map(canonicalTripleKey));
      const all = new Map(this.#stream.exportConfig.entries.map((entry) => [entry.type, outside]));
      const shared = (await this.#expected(all, signal)).filter((triple) => deleted.has(canonicalTripleKey(triple)));
      if (shared.length > 0) diff = diffTriples([...expected, ...shared], current, { graph: this.#publicationGraph });
    }
    return { diff, candidates: candidates.length, resources: resources.length, outsideOwners: outside.length, blankNodeQuads };
  }

  #countBlankNodes(changed: readonly Quad[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const q of changed) {
      if (q.subject.termType !== 'BlankNode' && q.object.termType !== 'BlankNode') continue;
      const predicate = q.predicate.value;
      if (!this.#shape.forward.has(predicate) && !this.#shape.inverse.has(predicate)) continue;
      counts.set(predicate, (counts.get(predicate) ?? 0) + 1);
    }
    return counts;
  }

  /** Step 1: the IRIs of the changed quads and the resources reached through changed path hops. */
  async #candidates(changed: readonly Quad[], signal: AbortSignal | undefined): Promise<NamedNode[]> {
    const impact = impactedResources(changed, this.#stream.exportConfig, { policy: this.#policy });
    const candidates = new Map(impact.resources.map((resource) => [resource.value, resource]));
    for (const { entry, triples } of impact.pathHops) {
      for (const { query } of pathImpactQueries(entry, this.#policy, triples)) {
        for (const row of await this.#read(this.#clients.source, query, ['subject'], signal)) {
          const subject = row.subject;
          if (subject?.termType === 'NamedNode') candidates.set(subject.value, subject);
        }
      }
    }
    return [...candidates.values()].sort(byValue);
  }

  /** Step 2: R, and per entry type the resources of R that have that type in a source graph. */
  async #prefilter(candidates: readonly NamedNode[], signal: AbortSignal | undefined): Promise<{ resources: NamedNode[]; typed: Map<string, NamedNode[]> }> {
    const kept = new Map<string, NamedNode>();
    const typed = new Map<string, Map<string, NamedNode>>();
    const keep = (row: Bindings) => {
      const resource = row.resource;
      if (resource?.termType !== 'NamedNode') return;
      kept.set(resource.value, resource);
      const type = row.dpType;
      if (type?.termType !== 'NamedNode') return;
      let members = typed.get(type.value);
      if (!members) typed.set(type.value, (members = new Map()));
      members.set(resource.value, resource);
    };
    for (const chunk of chunks(candidates, MAX_RESOURCES_PER_QUERY)) {
      if (this.#sameEndpoint) {
        const rows = await this.#read(this.#clients.source, prefilterQuery(chunk, this.#shape.types, this.#policy, this.#publicationGraph, this.#shape.inverse), ['resource', 'dpType'], signal);
        rows.forEach(keep);
        continue;
      }
      const sourceQuery = sourcePrefilterQuery(chunk, this.#shape.types, this.#policy);
      if (sourceQuery) (await this.#read(this.#clients.source, sourceQuery, ['resource', 'dpType'], signal)).forEach(keep);
      (await this.#read(this.#clients.publication, publicationPrefilterQuery(chunk, this.#publicationGraph, this.#shape.inverse), ['resource'], signal)).forEach(keep);
    }
    const sorted = new Map([...typed].map(([type, members]) => [type, [...members.values()].sort(byValue)]));
    return { resources: [...kept.values()].sort(byValue), typed: sorted };
  }

  /** Export(source) of the resources, per entry for the resources listed under the entry's type. */
  async #expected(resourcesByType: ReadonlyMap<string, readonly NamedNode[]>, signal: AbortSignal | undefined): Promise<Quad[]> {
    const triples: Quad[] = [];
    for (const entry of this.#stream.exportConfig.entries) {
      const resources = resourcesByType.get(entry.type) ?? [];
      if (resources.length > 0) triples.push(...(await this.#exportOf(entry, resources, signal)));
    }
    return triples;
  }

  /** Export(source) of resources known to be in scope, per entry index. */
  async #expectedInScope(inScope: ReadonlyMap<number, readonly NamedNode[]>, signal: AbortSignal | undefined): Promise<Quad[]> {
    const triples: Quad[] = [];
    for (const entry of this.#stream.exportConfig.entries) {
      const resources = inScope.get(entry.index) ?? [];
      if (resources.length > 0) triples.push(...(await this.#exportInScope(entry, resources, signal)));
    }
    return triples;
  }

  /**
   * The scope first (which of the resources are in scope of the entry), then the in-scope resources'
   * triples. Two light queries are several times faster on Virtuoso than one joining both.
   */
  async #exportOf(entry: ExportEntry, resources: readonly NamedNode[], signal: AbortSignal | undefined): Promise<Quad[]> {
    const inScope: NamedNode[] = [];
    for (const chunk of chunks(resources, MAX_RESOURCES_PER_QUERY)) {
      for (const row of await this.#read(this.#clients.source, scopeQuery(entry, this.#policy, { kind: 'resources', resources: chunk }), ['subject'], signal)) {
        if (row.subject?.termType === 'NamedNode') inScope.push(namedNode(row.subject.value));
      }
    }
    return this.#exportInScope(entry, inScope, signal);
  }

  /** One query per group and chunk (a group with healingOptions' queryChunkSize reads that many resources at a time). */
  async #exportInScope(entry: ExportEntry, inScope: readonly NamedNode[], signal: AbortSignal | undefined): Promise<Quad[]> {
    const triples: Quad[] = [];
    for (const group of exportQueryGroups(entry)) {
      const chunkSize = Math.min(MAX_RESOURCES_PER_QUERY, group.queryChunkSize ?? MAX_RESOURCES_PER_QUERY);
      for (const chunk of chunks(inScope, chunkSize)) {
        const query = exportQuery(entry, this.#policy, { kind: 'inScope', resources: chunk }, { parts: group.parts });
        const rows = await this.#read(this.#clients.source, query, ['resource', 's', 'p', 'o'], signal);
        for (const { quad } of exportedTriplesFromRows(rows)) triples.push(quad);
      }
    }
    return triples;
  }

  /** The publication-graph triples R owns, as stored. */
  async #current(resources: readonly NamedNode[], signal: AbortSignal | undefined): Promise<Quad[]> {
    const triples: Quad[] = [];
    for (const chunk of chunks(resources, MAX_RESOURCES_PER_QUERY)) {
      const rows = await this.#read(this.#clients.publication, currentTriplesQuery(chunk, this.#publicationGraph, this.#shape.inverse), ['s', 'p', 'o'], signal);
      for (const row of rows) {
        const { s, p, o } = row;
        if (!s || !p || !o || (s.termType !== 'NamedNode' && s.termType !== 'BlankNode') || p.termType !== 'NamedNode' || o.termType === 'Quad' || o.termType === 'Variable' || o.termType === 'DefaultGraph') {
          this.#logger.warn({ stream: this.#stream.name }, 'publication graph row is not a triple; ignored');
          continue;
        }
        triples.push(makeQuad(s, p, o));
      }
    }
    return triples;
  }

  /**
   * The whole result of a query: one request when it fits under the store's row limit, else pages of
   * half that limit (the scrollable-cursor form, ordered by `variables`).
   */
  async #read(client: SparqlClient, query: SparqlText, variables: readonly string[], signal: AbortSignal | undefined): Promise<Bindings[]> {
    const options = { sudo: true, ...(signal ? { signal } : {}) };
    try {
      return await client.selectAll(query, options);
    } catch (error) {
      if (!(error instanceof TruncatedResultError)) throw error;
    }
    const pageSize = Math.max(1, Math.floor(client.maxRows / 2));
    this.#logger.info({ stream: this.#stream.name, pageSize }, 'live read does not fit under the store row limit; paging it');
    const rows: Bindings[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const page = await client.selectAll(pagedQuery(query, variables, offset, pageSize), options);
      rows.push(...page);
      if (page.length < pageSize) return rows;
    }
  }
}
