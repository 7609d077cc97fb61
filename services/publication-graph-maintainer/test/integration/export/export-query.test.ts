/**
 * The export query builder against a real store over HTTP (the embedded oxigraph endpoint, or Virtuoso
 * 7.2.5 with `npm run test:virtuoso`), checked against an INDEPENDENT computation of Export(source):
 * plain JavaScript over a dump of the test graphs, written from docs/export-definition.md without any
 * of the builder's code (not even its source-graph helpers).
 *
 * The dataset is shaped like the fixtures (organizations.json, besluiten.json): resources in allowed and
 * non-allowed graphs; look-alike data in graphs that are never sources (every stream's publication
 * graph, a working graph, the stream's excludedSourceGraphs, some of them matching a regex filter);
 * source data in the streams' jobs, files and login graphs, which ARE source graphs (the files graph of
 * organizations is a http://mu.semte.ch/graphs/public look-alike holding the concept scheme, the jobs
 * graph of besluiten is the graph it exports from, as in app-digitaal-loket); multi-typed resources,
 * inverse links, paths cut at different depths, additionalFilter true/false, language-tagged and typed
 * literals, blank nodes. Every graph IRI is unique to the run.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { v4 as uuid } from 'uuid';
import {
  blankNode,
  canonicalTermKey,
  canonicalTripleKey,
  createSparqlClient,
  joinSparql,
  literal,
  namedNode,
  quad,
  RDF,
  sparql,
  termToNTriples,
  trustedSparql,
  XSD,
  type NamedNode,
  type Quad,
  type SparqlClient,
  type Term,
} from '@delta-producer/core';
import { clearGraph, integrationEndpoint, type IntegrationEndpoint } from '../../../../core/test/support/sparql-endpoint.js';
import { parseExportConfig, type ExportConfig, type ExportEntry } from '../../../src/export/export-config.js';
import {
  blankNodeCountQuery,
  exportedTriplesFromRows,
  exportQuery,
  exportQueryGroups,
  MAX_RESOURCES_PER_QUERY,
  pathImpactQueries,
  readSubjectRangePage,
  scopeQuery,
  type ExportedTriple,
  type ExportPart,
} from '../../../src/export/export-query.js';
import { diffTriples, impactedResources } from '../../../src/export/resource-diff.js';
import { createSourceGraphPolicy, type SourceGraphPolicy } from '../../../src/export/source-graphs.js';

const run = uuid().slice(0, 8);
const base = `http://example.org/export-it/${run}/`;
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/export');

// ---------------------------------------------------------------------------------------------------
// Graphs, unique per run
const G = {
  admin: `http://mu.semte.ch/graphs/administrative-unit/${run}`,
  // The organizations stream's files graph (like the default http://mu.semte.ch/graphs/public): the
  // concept scheme lives here, so nearly every organisation is in scope through it.
  public: `http://mu.semte.ch/graphs/public/${run}`,
  loketAdmin: `http://mu.semte.ch/graphs/organizations/${run}/LoketAdmin`,
  loketOther: `http://mu.semte.ch/graphs/organizations/${run}/LoketLB-leidinggevendenGebruiker`,
  other: `http://example.org/graphs/${run}/other`,
  besluiten: `http://example.org/graphs/${run}/besluiten`,
  pubOrgs: `http://redpencil.data.gift/id/deltas/producer/${run}/organizations`,
  pubBesluiten: `http://redpencil.data.gift/id/deltas/producer/${run}/besluiten`,
  // Another stream's publication graph that matches the contact points' regex: never allowed.
  pubLookAlike: `http://mu.semte.ch/graphs/organizations/${run}-pub/LoketAdmin`,
  // The organizations stream's jobs graph: a source graph.
  jobs: `http://example.org/graphs/${run}/jobs`,
  // The besluiten stream's files graph matches the contact points' regex: a source graph, so allowed.
  filesLookAlike: `http://mu.semte.ch/graphs/organizations/${run}-files/LoketAdmin`,
  // Both streams' login graph: a source graph.
  login: `http://example.org/graphs/${run}/login`,
  working: `http://mu.semte.ch/graphs/delta-producer-publication-maintainer/${run}/folding`,
  // In organizations' excludedSourceGraphs (a source for besluiten).
  harvest: `http://example.org/graphs/${run}/harvest`,
  // In organizations' excludedSourceGraphs, matching the contact points' regex: never allowed there.
  harvestLookAlike: `http://mu.semte.ch/graphs/organizations/${run}-harvest/LoketAdmin`,
  // In besluiten's excludedSourceGraphs (a source for organizations).
  besluitenPrivate: `http://example.org/graphs/${run}/besluiten-private`,
  diffPub: `http://redpencil.data.gift/id/deltas/producer/${run}/diff-test`,
} as const;
const ALL_GRAPHS = Object.values(G);

/**
 * The streams of the maintainer, with their graphs as the config names them (the policy gets these
 * records; only their publication graphs are never sources).
 */
const STREAMS = [
  { publicationGraph: G.pubOrgs, jobsGraph: G.jobs, filesGraph: G.public, loginGraph: G.login },
  // As in app-digitaal-loket: the jobs live in the graph the stream exports from.
  { publicationGraph: G.pubBesluiten, jobsGraph: G.besluiten, filesGraph: G.filesLookAlike, loginGraph: G.login },
  { publicationGraph: G.diffPub },
  { publicationGraph: G.pubLookAlike },
];
/** Each stream's excludedSourceGraphs. */
const ORG_EXCLUDED = [G.harvest, G.harvestLookAlike];
const BESLUIT_EXCLUDED = [G.besluitenPrivate];

// ---------------------------------------------------------------------------------------------------
// Vocabulary (as in the fixtures)
const V = {
  type: RDF.type,
  org: 'http://www.w3.org/ns/org#Organization',
  bestuurseenheid: 'http://data.vlaanderen.be/ns/besluit#Bestuurseenheid',
  contactPoint: 'http://schema.org/ContactPoint',
  besluit: 'http://data.vlaanderen.be/ns/besluit#Besluit',
  behandeling: 'http://data.vlaanderen.be/ns/besluit#BehandelingVanAgendapunt',
  extraType: 'http://data.vlaanderen.be/ns/besluit#Extra',
  uuid: 'http://mu.semte.ch/vocabularies/core/uuid',
  prefLabel: 'http://www.w3.org/2004/02/skos/core#prefLabel',
  altLabel: 'http://www.w3.org/2004/02/skos/core#altLabel',
  classification: 'http://www.w3.org/ns/org#classification',
  inScheme: 'http://www.w3.org/2004/02/skos/core#inScheme',
  hasContact: 'http://schema.org/contactPoint',
  email: 'http://schema.org/email',
  modified: 'http://purl.org/dc/terms/modified',
  lat: 'http://www.w3.org/2003/01/geo/wgs84_pos#lat',
  description: 'http://purl.org/dc/terms/description',
  title: 'http://data.europa.eu/eli/ontology#title',
  publication: 'http://schema.org/publication',
  generated: 'http://www.w3.org/ns/prov#generated',
  dctSubject: 'http://purl.org/dc/terms/subject',
  scheme: 'http://lblod.data.gift/concept-schemes/0c2f5a10-example',
  otherScheme: `${base}other-scheme`,
  published: 'http://lblod.data.gift/concepts/published',
  notPublished: `${base}not-published`,
} as const;

const n = (local: string) => namedNode(`${base}${local}`);
const iri = (value: string) => namedNode(value);
const typed = (value: string, datatype: string) => literal(value, namedNode(datatype));
type Obj = Quad['object'];
const q = (subject: Quad['subject'] | string, predicate: string, object: Obj | string, graph: string): Quad =>
  quad(typeof subject === 'string' ? n(subject) : subject, iri(predicate), typeof object === 'string' ? n(object) : object, iri(graph));

const LONG_DESCRIPTION = `Besluit over "de zaak" \\ met regels\nen tabs\t, emoji 😀, עברית, ${'lang '.repeat(2000)}`;
const BULK = 40;

/** The source data (what the test writes; the reference reads it back from the store). */
function dataset(): Quad[] {
  const bo = blankNode(`ob${run}`);
  const bContact = blankNode(`bc${run}`);
  const bGenerated = blankNode(`bg${run}`);
  const bInverse = blankNode(`bi${run}`);
  const data: Quad[] = [
    // Concepts: the path's end in different graphs.
    q('code1', V.inScheme, iri(V.scheme), G.public),
    q('code2', V.inScheme, iri(V.otherScheme), G.public),
    q('code3', V.inScheme, iri(V.scheme), G.pubOrgs), // only in a publication graph
    q('code4', V.inScheme, iri(V.scheme), G.jobs), // only in organizations' jobs graph: a source graph
    q('code5', V.inScheme, iri(V.scheme), G.working), // only in a working graph
    q('code6', V.inScheme, iri(V.scheme), G.harvest), // only in organizations' excluded graph
    q('code7', V.inScheme, iri(V.scheme), G.other),
    q('code8', V.inScheme, iri(V.scheme), G.besluitenPrivate), // only in besluiten's excluded graph: a source for organizations

    // org1: multi-typed (Organization + Bestuurseenheid), in scope of both organisation entries.
    q('org1', V.type, iri(V.org), G.admin),
    q('org1', V.type, iri(V.bestuurseenheid), G.admin),
    q('org1', V.classification, 'code1', G.admin),
    q('org1', V.uuid, literal(`org1-${run}`), G.admin),
    q('org1', V.prefLabel, literal('Gemeente Één', 'nl-BE'), G.admin),
    q('org1', V.prefLabel, literal('Municipality', 'en'), G.other), // not an allowed graph
    q('org1', V.altLabel, literal('Eén', 'nl'), G.admin),
    q('org1', V.hasContact, 'cp1', G.admin),
    q('org1', V.hasContact, 'cp2', G.admin),
    q('org1', V.hasContact, 'cp5', G.admin),
    q('org1', V.hasContact, bContact, G.admin), // blank object: skipped
    q('org1', V.modified, typed('2024-01-03T02:00:00Z', XSD.dateTime), G.admin),
    q('org1', V.lat, typed('51.050', XSD.decimal), G.admin),
    q('org1', V.lat, typed('51.05', XSD.decimal), G.admin), // the same value (one triple in Virtuoso)
    q('org1', V.description, literal('not configured for organisations'), G.admin),
    q('org1', V.uuid, literal('stale copy'), G.pubOrgs),
    // Paths cut at depth 2 (other scheme) and 1 (no classification).
    q('org2', V.type, iri(V.org), G.admin),
    q('org2', V.classification, 'code2', G.admin),
    q('org2', V.uuid, literal('org2'), G.admin),
    q('org3', V.type, iri(V.org), G.admin),
    q('org3', V.uuid, literal('org3'), G.admin),
    // Type only in a source graph that is not allowed.
    q('org4', V.type, iri(V.org), G.other),
    q('org4', V.classification, 'code1', G.admin),
    // Hops only in excluded graphs.
    q('org5', V.type, iri(V.org), G.admin),
    q('org5', V.classification, 'code1', G.pubOrgs),
    q('org6', V.type, iri(V.org), G.admin),
    q('org6', V.classification, 'code3', G.admin),
    q('org7', V.type, iri(V.org), G.admin),
    q('org7', V.classification, 'code4', G.admin),
    q('org8', V.type, iri(V.org), G.admin),
    q('org8', V.classification, 'code5', G.admin),
    q('org9', V.type, iri(V.org), G.admin),
    q('org9', V.classification, 'code6', G.admin),
    q('org16', V.type, iri(V.org), G.admin),
    q('org16', V.classification, 'code1', G.pubLookAlike), // hop 1 only in another stream's publication graph
    q('org18', V.type, iri(V.org), G.admin),
    q('org18', V.classification, 'code1', G.harvestLookAlike), // hop 1 only in an excluded graph
    // Hops in the stream's jobs and login graphs, and through besluiten's excluded graph: in scope.
    q('org7', V.uuid, literal('org7'), G.admin),
    q('org15', V.type, iri(V.org), G.admin),
    q('org15', V.classification, 'code1', G.login),
    q('org15', V.uuid, literal('org15'), G.admin),
    q('org17', V.type, iri(V.org), G.admin),
    q('org17', V.classification, 'code8', G.admin),
    // Typed only in the files graph: a source graph, but not in the entry's list.
    q('org14', V.type, iri(V.org), G.public),
    q('org14', V.classification, 'code1', G.admin),
    q('org14', V.uuid, literal('org14'), G.public),
    // Hops in other source graphs than the type: in scope.
    q('org10', V.type, iri(V.org), G.admin),
    q('org10', V.type, iri(V.bestuurseenheid), G.other), // not in A(Bestuurseenheid)
    q('org10', V.classification, 'code7', G.other),
    q('org10', V.uuid, literal('org10'), G.admin),
    q('org10', V.hasContact, 'cp6', G.other),
    q('org11', V.type, iri(V.org), G.admin),
    q('org11', V.classification, 'code1', G.loketOther),
    q('org11', V.uuid, literal('org11'), G.admin),
    // Type only in a publication graph.
    q('org12', V.type, iri(V.org), G.pubOrgs),
    q('org12', V.classification, 'code1', G.admin),
    q('org13', V.type, iri(V.org), G.pubBesluiten),
    // A blank-node organisation in scope: all its triples are skipped.
    quad(bo, iri(V.type), iri(V.org), iri(G.admin)),
    quad(bo, iri(V.classification), n('code1'), iri(G.admin)),
    quad(bo, iri(V.uuid), literal('blank org'), iri(G.admin)),

    // Contact points (regex graph filter …/LoketAdmin, path ^contactPoint/classification/inScheme).
    q('cp1', V.type, iri(V.contactPoint), G.loketAdmin),
    q('cp1', V.uuid, literal('cp1'), G.loketAdmin),
    q('cp1', V.email, literal('info@gemeente.example'), G.loketAdmin),
    q('cp1', V.email, literal('other@gemeente.example'), G.loketOther), // not allowed
    q('org1', V.hasContact, 'cp1', G.loketAdmin), // the inverse property, from an allowed graph
    q('cp2', V.type, iri(V.contactPoint), G.loketOther),
    q('cp2', V.email, literal('cp2@x.example'), G.loketOther),
    q('cp3', V.type, iri(V.contactPoint), G.loketAdmin),
    q('org2', V.hasContact, 'cp3', G.admin),
    q('cp4', V.type, iri(V.contactPoint), G.loketAdmin),
    q('orgX', V.hasContact, 'cp4', G.pubOrgs),
    q('cp5', V.type, iri(V.contactPoint), G.filesLookAlike),
    q('cp5', V.email, literal('cp5@x.example'), G.filesLookAlike),
    q('cp6', V.type, iri(V.contactPoint), G.loketAdmin),
    q('cp6', V.email, literal('cp6@x.example'), G.loketAdmin),
    q('cp1', V.email, literal('harvested@x.example'), G.harvestLookAlike), // matches the regex, but excluded
    q('cp7', V.type, iri(V.contactPoint), G.harvestLookAlike), // typed only in an excluded graph matching the regex
    q('cp7', V.email, literal('cp7@x.example'), G.harvestLookAlike),
    q('org11', V.hasContact, 'cp7', G.admin),
    q('cp8', V.type, iri(V.contactPoint), G.pubLookAlike), // typed only in a publication graph matching the regex
    q('cp8', V.email, literal('cp8@x.example'), G.pubLookAlike),
    q('org11', V.hasContact, 'cp8', G.admin),
    quad(bInverse, iri(V.hasContact), n('cp6'), iri(G.loketAdmin)), // blank subject of an inverse property

    // Besluiten: additionalFilter on schema:publication, strict type, inverse prov:generated.
    q('b1', V.type, iri(V.besluit), G.besluiten),
    q('b1', V.type, iri(V.extraType), G.besluiten), // not exported (strict)
    q('b1', V.publication, iri(V.published), G.besluiten),
    q('b1', V.description, literal(LONG_DESCRIPTION), G.besluiten),
    q('b1', V.title, literal('Besluit één', 'nl-BE'), G.besluiten),
    q('b1', V.title, literal('Decision one', 'en'), G.besluiten),
    q('beh1', V.generated, 'b1', G.besluiten),
    quad(bGenerated, iri(V.generated), n('b1'), iri(G.besluiten)),
    q('b2', V.type, iri(V.besluit), G.besluiten),
    q('b2', V.publication, iri(V.notPublished), G.besluiten),
    q('b2', V.description, literal('not published'), G.besluiten),
    q('b3', V.type, iri(V.besluit), G.besluiten),
    q('b3', V.publication, iri(V.published), G.pubOrgs),
    q('b4', V.type, iri(V.besluit), G.besluiten),
    q('b4', V.publication, iri(V.published), G.other),
    q('b4', V.description, literal('filter in another source graph'), G.besluiten),
    q('b5', V.type, iri(V.besluit), G.besluiten),
    q('b5', V.publication, iri(V.published), G.harvest), // excluded for organizations, a source for besluiten
    q('b6', V.type, iri(V.besluit), G.pubBesluiten),
    q('b6', V.publication, iri(V.published), G.besluiten),
    q('b7', V.type, iri(V.besluit), G.besluiten),
    q('b7', V.publication, iri(V.published), G.jobs), // the filter in organizations' jobs graph: a source graph
    q('b8', V.type, iri(V.besluit), G.besluiten),
    q('b8', V.publication, iri(V.published), G.besluitenPrivate), // the filter only in besluiten's excluded graph
    q('b8', V.description, literal('filter in an excluded graph'), G.besluiten),
    // Entirely in organizations' files graph: a source graph, allowed by the empty graphsFilter.
    q('b9', V.type, iri(V.besluit), G.public),
    q('b9', V.publication, iri(V.published), G.public),
    q('b9', V.title, literal('Besluit in de publieke graaf', 'nl'), G.public),
    // Behandelingen: no path, no filter, all types.
    q('beh1', V.type, iri(V.behandeling), G.besluiten),
    q('beh1', V.type, iri(V.extraType), G.besluiten),
    q('beh1', V.generated, 'b2', G.besluiten),
    q('beh1', V.dctSubject, typed('007', XSD.integer), G.besluiten),
    q('beh1', V.dctSubject, typed('8', XSD.integer), G.besluitenPrivate), // an excluded graph: not exported
    q('beh2', V.type, iri(V.behandeling), G.jobs), // a jobs graph is a source graph
    q('beh2', V.generated, 'b1', G.jobs),
    q('beh3', V.type, iri(V.behandeling), G.login), // so is a login graph
    q('beh4', V.type, iri(V.behandeling), G.working),
    q('beh5', V.type, iri(V.behandeling), G.besluitenPrivate),
    q('beh5', V.generated, 'b1', G.besluitenPrivate),
    q('beh6', V.type, iri(V.behandeling), G.pubOrgs),
    q('beh6', V.generated, 'b1', G.pubOrgs),
  ];
  for (let index = 0; index < BULK; index += 1) {
    const id = `bulk${String(index).padStart(3, '0')}`;
    data.push(q(id, V.type, iri(V.org), G.admin), q(id, V.classification, 'code1', G.admin), q(id, V.uuid, literal(id), G.admin), q(id, V.prefLabel, literal(`Bulk ${index}`, 'nl'), G.admin));
  }
  return data;
}

// ---------------------------------------------------------------------------------------------------
// Configs: the fixtures, with the listed graph moved to this run's graph (regexes match by construction).
function fixture(name: string): ExportConfig {
  const raw = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { export: { graphsFilter?: string[]; hasRegexGraphsFilter?: unknown }[] };
  for (const entry of raw.export) {
    if (entry.hasRegexGraphsFilter) continue;
    entry.graphsFilter = entry.graphsFilter?.map((graph) => (graph === 'http://mu.semte.ch/graphs/administrative-unit' ? G.admin : graph));
  }
  return parseExportConfig(raw);
}

const organizations = fixture('organizations.json');
const besluiten = fixture('besluiten.json');
const orgPolicy: SourceGraphPolicy = createSourceGraphPolicy({ streams: STREAMS, excludedSourceGraphs: ORG_EXCLUDED });
const besluitPolicy: SourceGraphPolicy = createSourceGraphPolicy({ streams: STREAMS, excludedSourceGraphs: BESLUIT_EXCLUDED });

interface Stream {
  name: string;
  config: ExportConfig;
  policy: SourceGraphPolicy;
  /** The reference's own description of the stream's excluded graphs. */
  excluded: string[];
}
const STREAM_LIST: Stream[] = [
  { name: 'organizations', config: organizations, policy: orgPolicy, excluded: ORG_EXCLUDED },
  { name: 'besluiten', config: besluiten, policy: besluitPolicy, excluded: BESLUIT_EXCLUDED },
];

// ---------------------------------------------------------------------------------------------------
// The INDEPENDENT reference: Export(source) in plain JavaScript over a dump of the test graphs.

const ADDITIONAL_FILTERS: Record<string, (resource: Term, sourceQuads: Quad[]) => boolean> = {
  // besluiten.json's filter: ?subject schema:publication <published>, in one source graph.
  '?subject <http://schema.org/publication> <http://lblod.data.gift/concepts/published> .': (resource, sourceQuads) =>
    sourceQuads.some((item) => item.subject.equals(resource) && item.predicate.value === V.publication && item.object.equals(iri(V.published))),
};

interface Reference {
  /** `resource tripleKey` pairs per entry index. */
  pairs: Map<number, Set<string>>;
  /** In-scope resource IRIs per entry index. */
  scope: Map<number, Set<string>>;
  /** Export(source): canonical triple keys of the stream. */
  keys: Set<string>;
}

function reference(stream: Stream, dump: Quad[]): Reference {
  // Source graphs: every graph but every stream's publication graph, the working graphs and the stream's
  // own excludedSourceGraphs. Jobs, files and login graphs are sources like any other graph.
  const excludedGraphs = new Set([...STREAMS.map((s) => s.publicationGraph), ...stream.excluded]);
  const isSource = (graph: string) => !excludedGraphs.has(graph) && !graph.startsWith('http://mu.semte.ch/graphs/delta-producer-publication-maintainer/');
  const sourceQuads = dump.filter((item) => isSource(item.graph.value));
  const pairs = new Map<number, Set<string>>();
  const scope = new Map<number, Set<string>>();
  const keys = new Set<string>();
  for (const entry of stream.config.entries) {
    const allowed = (graph: string) =>
      isSource(graph) &&
      (entry.graphsFilter.length === 0 || (entry.hasRegexGraphsFilter ? entry.graphsFilter.some((pattern) => new RegExp(pattern).test(graph)) : entry.graphsFilter.includes(graph)));
    const allowedQuads = sourceQuads.filter((item) => allowed(item.graph.value));
    // 1. typed in an allowed graph (IRIs only: blank-node resources export nothing)
    let resources = allowedQuads.filter((item) => item.predicate.value === V.type && item.object.value === entry.type && item.subject.termType === 'NamedNode').map((item) => item.subject);
    // 2. the path, hop by hop, each hop in any source graph
    if (entry.pathToConceptScheme.length > 0) {
      resources = resources.filter((resource) => {
        let nodes = new Map<string, Term>([[canonicalTermKey(resource), resource]]);
        for (const hop of entry.pathToConceptScheme) {
          const next = new Map<string, Term>();
          for (const item of sourceQuads) {
            if (item.predicate.value !== hop.iri) continue;
            const [from, to] = hop.inverse ? [item.object, item.subject] : [item.subject, item.object];
            if (nodes.has(canonicalTermKey(from))) next.set(canonicalTermKey(to), to);
          }
          nodes = next;
        }
        return nodes.has(canonicalTermKey(iri(entry.conceptScheme!)));
      });
    }
    // 3. the additionalFilter, inside one source graph
    if (entry.additionalFilter !== undefined) {
      const filter = ADDITIONAL_FILTERS[entry.additionalFilter];
      if (!filter) throw new Error(`the reference has no JavaScript version of ${entry.additionalFilter}`);
      resources = resources.filter((resource) => filter(resource, sourceQuads));
    }
    const inScope = new Map(resources.map((resource) => [resource.value, resource]));
    scope.set(entry.index, new Set(inScope.keys()));
    const entryPairs = new Set<string>();
    const add = (resource: Term, item: Quad) => {
      if (item.subject.termType === 'BlankNode' || item.object.termType === 'BlankNode') return;
      const key = canonicalTripleKey(item);
      entryPairs.add(`${resource.value} ${key}`);
      keys.add(key);
    };
    const forward = new Set(entry.properties.filter((property) => !property.inverse).map((property) => property.iri));
    const inverse = new Set(entry.properties.filter((property) => property.inverse).map((property) => property.iri));
    for (const item of allowedQuads) {
      const subject = inScope.get(item.subject.value);
      if (subject && item.subject.termType === 'NamedNode') {
        if (item.predicate.value === V.type) {
          // Types: the entry's type; every type without strictTypeExport (also when rdf:type is listed).
          if (!entry.strictTypeExport || item.object.value === entry.type) add(subject, item);
        } else if (forward.has(item.predicate.value)) add(subject, item);
      }
      const object = item.object.termType === 'NamedNode' ? inScope.get(item.object.value) : undefined;
      if (object && inverse.has(item.predicate.value)) add(object, item);
    }
    pairs.set(entry.index, entryPairs);
  }
  return { pairs, scope, keys };
}

// ---------------------------------------------------------------------------------------------------
let endpoint: IntegrationEndpoint;
let client: SparqlClient;

const mine = (resource: Term) => resource.value.startsWith(base);
const pairKey = (triple: ExportedTriple) => `${triple.resource.value} ${canonicalTripleKey(triple.quad)}`;
const exactKey = (triple: ExportedTriple) => `${triple.resource.value} ${termToNTriples(triple.quad.subject)} ${termToNTriples(triple.quad.predicate)} ${termToNTriples(triple.quad.object)}`;
const sorted = (values: Iterable<string>) => [...values].sort();

async function dumpGraphs(graphs: readonly string[] = ALL_GRAPHS): Promise<Quad[]> {
  const list = joinSparql(
    graphs.map((graph) => sparql`${iri(graph)}`),
    ', ',
  );
  const rows = await client.selectAll(sparql`SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g IN (${list})) }`);
  return rows.map((row) => quad(row.s as Quad['subject'], row.p as NamedNode, row.o as Quad['object'], row.g as NamedNode));
}

async function exportRows(query: ReturnType<typeof exportQuery>): Promise<ExportedTriple[]> {
  return exportedTriplesFromRows(await client.selectAll(query));
}

/** The builder's pairs for the whole entry ('all' selection), restricted to this run's resources. */
async function builderPairs(entry: ExportEntry, policy: SourceGraphPolicy): Promise<Set<string>> {
  const triples = await exportRows(exportQuery(entry, policy, { kind: 'all' }));
  return new Set(triples.filter((triple) => mine(triple.resource)).map(pairKey));
}

/** Pages through an entry (or one group of it) with subjectRange and readSubjectRangePage. */
async function pagedTriples(entry: ExportEntry, policy: SourceGraphPolicy, limit: number, parts?: readonly ExportPart[]): Promise<{ triples: ExportedTriple[]; pages: NamedNode[][] }> {
  const triples: ExportedTriple[] = [];
  const pages: NamedNode[][] = [];
  let after: NamedNode | undefined;
  for (;;) {
    const rows = await client.selectAll(exportQuery(entry, policy, { kind: 'subjectRange', ...(after ? { after } : {}), limit }, parts ? { parts } : {}));
    const page = readSubjectRangePage(rows, limit);
    triples.push(...page.triples);
    pages.push(page.resources);
    if (!page.next) return { triples, pages };
    after = page.next;
  }
}

beforeAll(async () => {
  endpoint = await integrationEndpoint();
  client = createSparqlClient({ endpoint: endpoint.url, maxRows: endpoint.maxRows ?? 10_000 });
  const data = dataset();
  const hasBlank = (item: Quad) => item.subject.termType === 'BlankNode' || item.object.termType === 'BlankNode';
  await client.insertData(
    data.filter((item) => !hasBlank(item)),
    { batchSize: 500 },
  );
  // Blank nodes cannot be written as data (INSERT DATA refuses them): INSERT … WHERE {}, one per graph
  // (Virtuoso 7.2.5 fails with SR002 on a template with several GRAPH blocks holding blank nodes). A
  // blank node is shared only by the triples of one graph in this dataset.
  const term = (value: Term) => (value.termType === 'BlankNode' ? trustedSparql(`_:${value.value}`) : sparql`${value}`);
  const blankGraphs = new Set(data.filter(hasBlank).map((item) => item.graph.value));
  for (const graph of blankGraphs) {
    const triples = data.filter((item) => hasBlank(item) && item.graph.value === graph).map((item) => sparql`${term(item.subject)} ${item.predicate} ${term(item.object)} .`);
    await client.update(sparql`INSERT { GRAPH ${iri(graph)} { ${joinSparql(triples, '\n')} } } WHERE {}`);
  }
}, 120_000);

afterAll(async () => {
  if (client) for (const graph of ALL_GRAPHS) await clearGraph(client, iri(graph));
  await endpoint?.close();
}, 120_000);

describe(`Export(source) on a real store`, () => {
  let dump: Quad[];
  beforeAll(async () => {
    dump = await dumpGraphs();
  });

  it('the reference itself sees what the dataset was built for', () => {
    const orgRef = reference(STREAM_LIST[0]!, dump);
    const besluitRef = reference(STREAM_LIST[1]!, dump);
    const local = (set: Set<string> | undefined) => sorted([...(set ?? [])].map((value) => value.slice(base.length)));
    const bulk = Array.from({ length: BULK }, (_, index) => `bulk${String(index).padStart(3, '0')}`);
    expect(local(orgRef.scope.get(0))).toEqual(sorted([...bulk, 'org1', 'org10', 'org11', 'org15', 'org17', 'org7']));
    expect(local(orgRef.scope.get(1))).toEqual(['org1']);
    expect(local(orgRef.scope.get(2))).toEqual(['cp1', 'cp5', 'cp6']);
    expect(local(besluitRef.scope.get(0))).toEqual(['b1', 'b4', 'b5', 'b7', 'b9']);
    expect(local(besluitRef.scope.get(1))).toEqual(['beh1', 'beh2', 'beh3']);
    // Exported from the jobs and files graphs (source graphs), not from excluded graphs.
    const has = (ref: Reference, item: Quad) => ref.keys.has(canonicalTripleKey(item));
    expect(has(orgRef, q('cp5', V.email, literal('cp5@x.example'), G.filesLookAlike))).toBe(true);
    expect(has(besluitRef, q('b9', V.title, literal('Besluit in de publieke graaf', 'nl'), G.public))).toBe(true);
    expect(has(besluitRef, q('beh2', V.generated, 'b1', G.jobs))).toBe(true);
    expect(has(orgRef, q('cp1', V.email, literal('harvested@x.example'), G.harvestLookAlike))).toBe(false);
    expect(has(orgRef, q('org14', V.uuid, literal('org14'), G.public))).toBe(false);
    expect(has(besluitRef, q('beh1', V.dctSubject, typed('8', XSD.integer), G.besluitenPrivate))).toBe(false);
  });

  for (const stream of STREAM_LIST) {
    for (const entry of stream.config.entries) {
      it(`${stream.name} entry ${entry.index} (${entry.type.split(/[#/]/).pop()}): the builder equals the reference`, async () => {
        const expected = reference(stream, dump).pairs.get(entry.index)!;
        expect(expected.size).toBeGreaterThan(0);
        expect(sorted(await builderPairs(entry, stream.policy))).toEqual(sorted(expected));
      });

      it(`${stream.name} entry ${entry.index}: scopeQuery over every IRI of the dataset equals the reference scope`, async () => {
        const candidates = [...new Map(dump.flatMap((item) => [item.subject, item.object]).filter((term): term is NamedNode => term.termType === 'NamedNode' && mine(term)).map((term) => [term.value, term])).values()];
        const found = new Set<string>();
        for (let start = 0; start < candidates.length; start += MAX_RESOURCES_PER_QUERY) {
          const rows = await client.selectAll(scopeQuery(entry, stream.policy, { kind: 'resources', resources: candidates.slice(start, start + MAX_RESOURCES_PER_QUERY) }));
          for (const row of rows) found.add(row.subject!.value);
        }
        expect(sorted(found)).toEqual(sorted(reference(stream, dump).scope.get(entry.index)!));
      });
    }

    it(`${stream.name}: the union over entries, deduplicated by value, equals Export(source)`, async () => {
      const keys = new Set<string>();
      for (const entry of stream.config.entries) {
        const triples = await exportRows(exportQuery(entry, stream.policy, { kind: 'all' }));
        for (const triple of triples) if (mine(triple.resource)) keys.add(canonicalTripleKey(triple.quad));
      }
      expect(sorted(keys)).toEqual(sorted(reference(stream, dump).keys));
    });
  }

  it('details: strict type, all types of a multi-typed resource, inverse links, tags and typed literals', async () => {
    const [organization, bestuurseenheid, contactPoint] = organizations.entries as [ExportEntry, ExportEntry, ExportEntry];
    // Other ends of the resource's exported triples with the predicate, by value (a store may hold two forms).
    const objects = async (entry: ExportEntry, policy: SourceGraphPolicy, resource: string, predicate: string) =>
      sorted(
        new Set(
          (await exportRows(exportQuery(entry, policy, { kind: 'resources', resources: [n(resource)] })))
            .filter((triple) => triple.quad.predicate.value === predicate && (triple.quad.subject.equals(n(resource)) || triple.quad.object.equals(n(resource))))
            .map((triple) => canonicalTermKey(triple.quad.subject.equals(n(resource)) ? triple.quad.object : triple.quad.subject)),
        ),
      );
    expect(await objects(organization, orgPolicy, 'org1', V.type)).toEqual([`<${V.org}>`]);
    expect(await objects(bestuurseenheid, orgPolicy, 'org1', V.type)).toEqual(sorted([`<${V.bestuurseenheid}>`, `<${V.org}>`]));
    expect(await objects(organization, orgPolicy, 'org1', V.prefLabel)).toEqual(['"Gemeente Één"@nl-be']);
    expect(await objects(organization, orgPolicy, 'org1', V.lat)).toEqual([`"51.05"^^<${XSD.decimal}>`]);
    expect(await objects(organization, orgPolicy, 'org1', V.modified)).toEqual([`"2024-01-03T02:00:00Z"^^<${XSD.dateTime}>`]);
    expect(await objects(organization, orgPolicy, 'org1', V.hasContact)).toEqual(sorted([`<${base}cp1>`, `<${base}cp2>`, `<${base}cp5>`]));
    expect(await objects(contactPoint, orgPolicy, 'cp1', V.hasContact)).toEqual([`<${base}org1>`]);
    expect(await objects(contactPoint, orgPolicy, 'cp6', V.hasContact)).toEqual([]); // org10's link is in OTHER; the blank one is skipped
    // Allowed by the regex: the besluiten stream's files graph; not an excluded or publication graph.
    expect(await objects(contactPoint, orgPolicy, 'cp1', V.email)).toEqual([canonicalTermKey(literal('info@gemeente.example'))]);
    expect(await objects(contactPoint, orgPolicy, 'cp5', V.email)).toEqual([canonicalTermKey(literal('cp5@x.example'))]);
    expect(await objects(contactPoint, orgPolicy, 'cp7', V.email)).toEqual([]);
    expect(await objects(contactPoint, orgPolicy, 'cp8', V.email)).toEqual([]);
    const [besluit, behandeling] = besluiten.entries as [ExportEntry, ExportEntry];
    const description = await objects(besluit, besluitPolicy, 'b1', V.description);
    expect(description).toEqual([canonicalTermKey(literal(LONG_DESCRIPTION))]);
    // beh2's link is in a jobs graph (a source graph); beh5's in an excluded graph, beh6's in a publication graph.
    expect(await objects(besluit, besluitPolicy, 'b1', V.generated)).toEqual(sorted([`<${base}beh1>`, `<${base}beh2>`]));
    expect(await objects(besluit, besluitPolicy, 'b9', V.title)).toEqual([canonicalTermKey(literal('Besluit in de publieke graaf', 'nl'))]);
    expect(await objects(besluit, besluitPolicy, 'b8', V.description)).toEqual([]);
    expect(await objects(behandeling, besluitPolicy, 'beh2', V.generated)).toEqual([`<${base}b1>`]);
    expect(await objects(behandeling, besluitPolicy, 'beh1', V.dctSubject)).toEqual([canonicalTermKey(typed('007', XSD.integer))]);
    expect(await objects(behandeling, besluitPolicy, 'beh5', V.generated)).toEqual([]);
    // organizations reads besluiten's excluded graph (org17's concept) and its own jobs and login graphs.
    expect(await objects(organization, orgPolicy, 'org17', V.type)).toEqual([`<${V.org}>`]);
    expect(await objects(organization, orgPolicy, 'org7', V.uuid)).toEqual([canonicalTermKey(literal('org7'))]);
    expect(await objects(organization, orgPolicy, 'org15', V.uuid)).toEqual([canonicalTermKey(literal('org15'))]);
    expect(await objects(organization, orgPolicy, 'org14', V.uuid)).toEqual([]);
    expect(await objects(organization, orgPolicy, 'org16', V.type)).toEqual([]);
    expect(await objects(organization, orgPolicy, 'org18', V.type)).toEqual([]);
  });

  it('blank nodes are counted per predicate by blankNodeCountQuery', async () => {
    const [organization, , contactPoint] = organizations.entries as [ExportEntry, ExportEntry, ExportEntry];
    const counts = async (query: ReturnType<typeof blankNodeCountQuery>) => Object.fromEntries((await client.selectAll(query)).map((row) => [row.p!.value, Number(row.count!.value)]));
    expect(await counts(blankNodeCountQuery(organization, orgPolicy, { kind: 'resources', resources: [n('org1'), n('org10')] }))).toEqual({ [V.hasContact]: 1 });
    expect(await counts(blankNodeCountQuery(contactPoint, orgPolicy, { kind: 'resources', resources: [n('cp6')] }))).toEqual({ [V.hasContact]: 1 });
    // 'all' includes the blank-node organisation (other data in a shared store may add to the counts).
    const all = await counts(blankNodeCountQuery(organization, orgPolicy, { kind: 'all' }));
    expect(all[V.type]).toBeGreaterThanOrEqual(1);
    expect(all[V.classification]).toBeGreaterThanOrEqual(1);
    expect(all[V.uuid]).toBeGreaterThanOrEqual(1);
    expect(all[V.hasContact]).toBeGreaterThanOrEqual(1);
  });
});

describe('keyset paging (subjectRange)', () => {
  let dump: Quad[];
  beforeAll(async () => {
    dump = await dumpGraphs();
  });

  it(`pages of 7 over ${BULK + 6} organisations: every exported triple exactly once, the union equals the reference`, async () => {
    const [organization] = organizations.entries as [ExportEntry];
    const { triples, pages } = await pagedTriples(organization, orgPolicy, 7);
    const own = triples.filter((triple) => mine(triple.resource));
    const exact = own.map(exactKey);
    expect(new Set(exact).size).toBe(exact.length);
    const seen = new Set<string>();
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(7);
      for (const resource of page) {
        expect(seen.has(resource.value)).toBe(false);
        seen.add(resource.value);
      }
    }
    expect(reference(STREAM_LIST[0]!, dump).scope.get(0)!.size).toBe(BULK + 6);
    expect(pages.filter((page) => page.some(mine)).length).toBeGreaterThanOrEqual(Math.ceil((BULK + 6) / 7));
    expect(sorted(new Set(own.map(pairKey)))).toEqual(sorted(reference(STREAM_LIST[0]!, dump).pairs.get(0)!));
  });

  it('page by page per query group (healingOptions) gives the same export', async () => {
    for (const stream of STREAM_LIST) {
      for (const entry of stream.config.entries) {
        const pairs = new Set<string>();
        for (const group of exportQueryGroups(entry)) {
          const limit = Math.min(group.queryChunkSize ?? 5, 5);
          const { triples } = await pagedTriples(entry, stream.policy, limit, group.parts);
          for (const triple of triples) if (mine(triple.resource)) pairs.add(pairKey(triple));
        }
        expect(sorted(pairs)).toEqual(sorted(reference(stream, dump).pairs.get(entry.index)!));
      }
    }
  });

  it('two-step paging: scopeQuery pages with the client’s keyset pager, then exportQuery per chunk of resources (resources and inScope selections)', async () => {
    const [, , contactPoint] = organizations.entries as [ExportEntry, ExportEntry, ExportEntry];
    for (const [entry, policy, stream] of [
      [organizations.entries[0]!, orgPolicy, STREAM_LIST[0]!],
      [contactPoint, orgPolicy, STREAM_LIST[0]!],
    ] as const) {
      const pairs = new Set<string>();
      const scoped = new Set<string>();
      const pages = client.selectPaged((page) => scopeQuery(entry, policy, { kind: 'subjectRange', ...(page.after ? { after: page.after as NamedNode } : {}), limit: page.limit }), { key: 'subject', pageSize: 6 });
      for await (const page of pages) {
        const resources = page.map((row) => row.subject as NamedNode);
        for (const triple of await exportRows(exportQuery(entry, policy, { kind: 'resources', resources }))) if (mine(triple.resource)) pairs.add(pairKey(triple));
        // The same resources as an inScope selection (no scope part): the same triples.
        for (const triple of await exportRows(exportQuery(entry, policy, { kind: 'inScope', resources }))) if (mine(triple.resource)) scoped.add(pairKey(triple));
      }
      expect(sorted(pairs)).toEqual(sorted(reference(stream, dump).pairs.get(entry.index)!));
      expect(sorted(scoped)).toEqual(sorted(pairs));
    }
  });
});

describe('live impact and the diff, on changing data (runs last: it changes the source)', () => {
  const stream = STREAM_LIST[0]!;
  const pub = iri(G.diffPub);

  async function builderExportAll(): Promise<Quad[]> {
    const triples: Quad[] = [];
    for (const entry of stream.config.entries) {
      for (const triple of await exportRows(exportQuery(entry, stream.policy, { kind: 'all' }))) if (mine(triple.resource)) triples.push(triple.quad);
    }
    return triples;
  }

  async function sync(): Promise<void> {
    const expected = await builderExportAll();
    const current = await dumpGraphs([G.diffPub]);
    const diff = diffTriples(expected, current, { graph: pub });
    await client.deleteData(diff.deletes);
    await client.insertData(diff.inserts);
  }

  async function publishedKeys(): Promise<string[]> {
    return sorted((await dumpGraphs([G.diffPub])).map((item) => canonicalTripleKey(item)));
  }

  /** Resources that are in scope of some entry according to the reference. */
  const scopeOf = (dump: Quad[]) => {
    const ref = reference(stream, dump);
    return new Map([...ref.scope].map(([index, resources]) => [index, resources]));
  };

  /** Every resource whose scope changed is found by impactedResources + pathImpactQueries. */
  async function expectImpactCovers(changed: Quad[], before: Map<number, Set<string>>, after: Map<number, Set<string>>) {
    const impact = impactedResources(changed, stream.config, { policy: stream.policy });
    const found = new Map<number, Set<string>>(stream.config.entries.map((entry) => [entry.index, new Set(impact.resources.map((resource) => resource.value))]));
    for (const hops of impact.pathHops) {
      for (const { query } of pathImpactQueries(hops.entry, stream.policy, hops.triples)) {
        for (const row of await client.selectAll(query)) found.get(hops.entry.index)!.add(row.subject!.value);
      }
    }
    for (const entry of stream.config.entries) {
      const was = before.get(entry.index)!;
      const is = after.get(entry.index)!;
      const changedScope = [...new Set([...was, ...is])].filter((resource) => was.has(resource) !== is.has(resource));
      for (const resource of changedScope) expect([entry.index, resource, found.get(entry.index)!.has(resource)]).toEqual([entry.index, resource, true]);
    }
    return found;
  }

  it('a publication graph with other lexical forms, stale and unconfigured triples is patched to Export(source)', async () => {
    await client.insertData([
      q('org1', V.lat, typed('51.0500', XSD.decimal), G.diffPub), // value-equal to the source: kept
      q('org1', V.modified, typed('2024-01-03T03:00:00+01:00', XSD.dateTime), G.diffPub), // the same instant: kept
      q('org2', V.uuid, literal('org2'), G.diffPub), // out of scope: deleted
      q('org1', V.description, literal('not configured for organisations'), G.diffPub), // unconfigured: deleted
      q('org1', V.prefLabel, literal('Gemeente Één', 'NL-be'), G.diffPub), // tag case: kept
    ]);
    await sync();
    const expected = reference(stream, await dumpGraphs()).keys;
    expect(await publishedKeys()).toEqual(sorted(expected));
    // A second pass finds nothing to do: deletes matched what the store held.
    const again = diffTriples(await builderExportAll(), await dumpGraphs([G.diffPub]));
    expect([again.inserts.length, again.deletes.length]).toEqual([0, 0]);
  });

  it('cutting a path (hop 2 deleted) and completing another (hop 2 inserted): impact analysis finds every resource whose scope changed', async () => {
    const before = scopeOf(await dumpGraphs());
    const cut = q('code1', V.inScheme, iri(V.scheme), G.public);
    const completed = q('code2', V.inScheme, iri(V.scheme), G.public);
    await client.deleteData([cut]);
    await client.insertData([completed]);
    const afterDump = await dumpGraphs();
    const after = scopeOf(afterDump);
    expect(after.get(0)!.has(`${base}org1`)).toBe(false);
    expect(after.get(0)!.has(`${base}org2`)).toBe(true);
    expect(after.get(2)!.has(`${base}cp3`)).toBe(true);
    const found = await expectImpactCovers([cut, completed], before, after);
    // The walk back found the bulk organisations, the organisation whose hop is in the login graph and
    // the contact point two hops away.
    expect(found.get(0)!.has(`${base}bulk000`)).toBe(true);
    expect(after.get(0)!.has(`${base}org15`)).toBe(false);
    expect(found.get(0)!.has(`${base}org15`)).toBe(true);
    expect(found.get(2)!.has(`${base}cp1`)).toBe(true);
    await sync();
    expect(await publishedKeys()).toEqual(sorted(reference(stream, afterDump).keys));
  });

  it('a changed literal and a removed type: the diff retracts and replaces', async () => {
    const before = scopeOf(await dumpGraphs());
    const removedType = q('org10', V.type, iri(V.org), G.admin);
    await client.deleteData([removedType, q('org2', V.uuid, literal('org2'), G.admin)]);
    await client.insertData([q('org2', V.uuid, literal('org2-renamed'), G.admin)]);
    const afterDump = await dumpGraphs();
    await expectImpactCovers([removedType], before, scopeOf(afterDump));
    await sync();
    const published = await publishedKeys();
    expect(published).toEqual(sorted(reference(stream, afterDump).keys));
    expect(published.some((key) => key.startsWith(`<${base}org10>`))).toBe(false);
    expect(published).toContain(canonicalTripleKey(q('org2', V.uuid, literal('org2-renamed'), G.admin)));
  });
});
