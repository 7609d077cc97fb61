/**
 * A seeded random workload for the live tests, over a small world shaped to hit every part of the
 * export definition: resources entering and leaving scope by type, by path hop (forward and inverse
 * hops, cut at either end), by graph (moves between allowed, non-allowed, excluded and working
 * graphs) and by additionalFilter; multi-typed resources and several entries per type; properties
 * exported both forward and inversely (shared triples); literals with language tags, datatypes,
 * line breaks, quotes, backslashes and non-BMP characters; INSERT DATA, DELETE DATA (of existing and
 * missing triples), DELETE/INSERT WHERE updates and whole-resource deletes.
 */
import type { RawExportConfig, QuadIndex } from './reference-export.js';

/** mulberry32: a small deterministic PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

export interface World {
  run: string;
  base: string;
  graphs: {
    orgsA: string;
    orgsB: string;
    people1: string;
    people2: string;
    other: string;
    excluded: string;
    working: string;
  };
  /** Graphs the workload writes to (all but the publication graph). */
  sourceSide: string[];
  v: Record<'Org' | 'Person' | 'Site' | 'Thing' | 'Concept' | 'Other' | 'name' | 'uuid' | 'classification' | 'hasSite' | 'memberOf' | 'knows' | 'birth' | 'label' | 'status' | 'inScheme' | 'unconfigured' | 'Active' | 'Inactive' | 'scheme' | 'otherScheme', string>;
  exportConfig: RawExportConfig;
  /** JS equivalents of the additionalFilters, by entry index (for referenceExport). */
  filters: Record<number, (resource: string, graph: string, index: QuadIndex) => boolean>;
  resources: Record<'org' | 'person' | 'site' | 'thing' | 'concept', string[]>;
}

export function createWorld(run: string): World {
  const base = `http://example.org/live/${run}/`;
  const graphs = {
    orgsA: `${base}graphs/orgs-a`,
    orgsB: `${base}graphs/orgs-b`,
    people1: `${base}graphs/people/1`,
    people2: `${base}graphs/people/2`,
    other: `${base}graphs/other`,
    excluded: `${base}graphs/excluded`,
    working: `http://mu.semte.ch/graphs/delta-producer-publication-maintainer/${run}/tmp`,
  };
  const term = (local: string) => `${base}vocab/${local}`;
  const v = {
    Org: term('Org'),
    Person: term('Person'),
    Site: term('Site'),
    Thing: term('Thing'),
    Concept: term('Concept'),
    Other: term('Other'),
    name: term('name'),
    uuid: term('uuid'),
    classification: term('classification'),
    hasSite: term('hasSite'),
    memberOf: term('memberOf'),
    knows: term('knows'),
    birth: term('birth'),
    label: term('label'),
    status: term('status'),
    inScheme: term('inScheme'),
    unconfigured: term('unconfigured'),
    Active: term('Active'),
    Inactive: term('Inactive'),
    scheme: `${base}schemes/main`,
    otherScheme: `${base}schemes/other`,
  };
  const exportConfig: RawExportConfig = {
    conceptScheme: v.scheme,
    export: [
      {
        type: v.Org,
        properties: [v.name, v.uuid, v.classification, v.hasSite, `^${v.memberOf}`],
        pathToConceptScheme: [v.classification, v.inScheme],
        graphsFilter: [graphs.orgsA, graphs.orgsB],
        strictTypeExport: true,
      },
      {
        type: v.Person,
        properties: [v.name, v.memberOf, v.knows, v.birth],
        graphsFilter: [`^${base.replace(/\./g, '\\.')}graphs/people/.*$`],
        hasRegexGraphsFilter: true,
      },
      {
        type: v.Site,
        properties: [v.label, `^${v.hasSite}`],
        pathToConceptScheme: [`^${v.hasSite}`, v.classification, v.inScheme],
        strictTypeExport: 'true',
      },
      {
        type: v.Thing,
        properties: [v.label, v.status, v.name],
        additionalFilter: `?subject <${v.status}> <${v.Active}> .`,
      },
      { type: v.Person, properties: [v.uuid], graphsFilter: [graphs.orgsA] },
    ],
  };
  const filters = {
    3: (resource: string, graph: string, index: QuadIndex) => index.has(resource, v.status, v.Active, graph),
  };
  const pool = (kind: string, count: number) => Array.from({ length: count }, (_, i) => `${base}id/${kind}/${i + 1}`);
  return {
    run,
    base,
    graphs,
    sourceSide: Object.values(graphs),
    v,
    exportConfig,
    filters,
    resources: { org: pool('org', 10), person: pool('person', 10), site: pool('site', 6), thing: pool('thing', 6), concept: pool('concept', 4) },
  };
}

const LITERALS = [
  '"Gemeente Aalst"@nl',
  '"Municipality"@en-GB',
  '"Zoë 😀 שלום 𝔘"',
  '"line one\\nline two\\ttabbed"',
  '"says \\"hi\\" and back\\\\slash"',
  `"42"^^<${XSD}integer>`,
  `"1.50"^^<${XSD}decimal>`,
  `"2024-01-03T02:00:00Z"^^<${XSD}dateTime>`,
  `"true"^^<${XSD}boolean>`,
  '"plain"',
  '"""a long\nmulti-line text"""',
];

export interface WorkloadStep {
  kind: string;
  update: string;
}

/** A generator of random updates over the world; `existing` reads current triples of a subject when needed. */
export class Workload {
  readonly #world: World;
  readonly #random: () => number;

  constructor(world: World, seed: number) {
    this.#world = world;
    this.#random = seededRandom(seed);
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }

  #chance(p: number): boolean {
    return this.#random() < p;
  }

  #graph(): string {
    const g = this.#world.graphs;
    return this.#pick([g.orgsA, g.orgsA, g.orgsB, g.people1, g.people1, g.people2, g.other, g.excluded, g.working]);
  }

  #anyResource(): string {
    const r = this.#world.resources;
    return this.#pick([...r.org, ...r.person, ...r.site, ...r.thing, ...r.concept]);
  }

  /** One random triple (`<s> <p> o`) that makes sense in the world (mostly). */
  #triple(): string {
    const { v, resources: r } = this.#world;
    const roll = this.#random();
    if (roll < 0.18) {
      const subject = this.#anyResource();
      const own = { org: v.Org, person: v.Person, site: v.Site, thing: v.Thing, concept: v.Concept }[/\/id\/(\w+)\//.exec(subject)![1] as 'org']!;
      return `<${subject}> <${RDF_TYPE}> <${this.#chance(0.7) ? own : this.#pick([v.Org, v.Person, v.Site, v.Thing, v.Other])}>`;
    }
    if (roll < 0.3) return `<${this.#pick(r.org)}> <${v.classification}> <${this.#pick(r.concept)}>`;
    if (roll < 0.38) return `<${this.#pick(r.concept)}> <${v.inScheme}> <${this.#chance(0.8) ? v.scheme : v.otherScheme}>`;
    if (roll < 0.46) return `<${this.#pick(r.org)}> <${v.hasSite}> <${this.#pick(r.site)}>`;
    if (roll < 0.56) return `<${this.#pick(r.person)}> <${v.memberOf}> <${this.#pick([...r.org, ...r.org, ...r.person])}>`;
    if (roll < 0.61) return `<${this.#pick(r.person)}> <${v.knows}> <${this.#pick(r.person)}>`;
    if (roll < 0.67) return `<${this.#pick(r.thing)}> <${v.status}> <${this.#chance(0.6) ? v.Active : v.Inactive}>`;
    if (roll < 0.72) return `<${this.#anyResource()}> <${v.unconfigured}> ${this.#pick(LITERALS)}`;
    if (roll < 0.78) return `<${this.#anyResource()}> <${v.uuid}> "${Math.floor(this.#random() * 1000)}"`;
    if (roll < 0.84) return `<${this.#pick(r.person)}> <${v.birth}> ${this.#pick(LITERALS.slice(5, 9))}`;
    const predicate = this.#pick([v.name, v.name, v.label]);
    return `<${this.#anyResource()}> <${predicate}> ${this.#pick(LITERALS)}`;
  }

  /** A first update that gives most resources a type, a name and a path in allowed graphs (so there is an export to perturb). */
  baseline(): WorkloadStep {
    const { v, graphs: g, resources: r } = this.#world;
    const triples = new Map<string, string[]>();
    const add = (graph: string, triple: string) => triples.set(graph, [...(triples.get(graph) ?? []), triple]);
    r.concept.forEach((concept, i) => add(i % 2 === 0 ? g.orgsA : g.other, `<${concept}> <${v.inScheme}> <${v.scheme}>`));
    r.org.forEach((org, i) => {
      add(i % 3 === 0 ? g.orgsB : g.orgsA, `<${org}> <${RDF_TYPE}> <${v.Org}>`);
      add(g.orgsA, `<${org}> <${v.name}> ${LITERALS[i % LITERALS.length]}`);
      add(g.orgsA, `<${org}> <${v.classification}> <${r.concept[i % r.concept.length]}>`);
      add(g.orgsB, `<${org}> <${v.hasSite}> <${r.site[i % r.site.length]}>`);
    });
    r.person.forEach((person, i) => {
      add(i % 2 === 0 ? g.people1 : g.people2, `<${person}> <${RDF_TYPE}> <${v.Person}>`);
      add(g.people1, `<${person}> <${v.name}> ${LITERALS[(i + 3) % LITERALS.length]}`);
      add(g.people2, `<${person}> <${v.memberOf}> <${r.org[i % r.org.length]}>`);
      if (i % 3 === 0) add(g.orgsA, `<${person}> <${v.uuid}> "p${i}"`);
    });
    r.site.forEach((site, i) => {
      add(g.other, `<${site}> <${RDF_TYPE}> <${v.Site}>`);
      add(g.other, `<${site}> <${v.label}> ${LITERALS[(i + 5) % LITERALS.length]}`);
    });
    r.thing.forEach((thing, i) => {
      add(g.other, `<${thing}> <${RDF_TYPE}> <${v.Thing}>`);
      add(g.other, `<${thing}> <${v.status}> <${i % 2 === 0 ? v.Active : v.Inactive}>`);
      add(g.other, `<${thing}> <${v.label}> ${LITERALS[i % LITERALS.length]}`);
    });
    const blocks = [...triples].map(([graph, list]) => `GRAPH <${graph}> { ${list.join(' .\n')} . }`);
    return { kind: 'baseline', update: `INSERT DATA { ${blocks.join('\n')} }` };
  }

  /** A change of a path hop only (concept in scheme, organisation classification): resources further down the path change scope. */
  pathStep(turn: number): WorkloadStep {
    const { v, graphs: g, resources: r } = this.#world;
    const concept = this.#pick(r.concept);
    const org = this.#pick(r.org);
    const roll = (turn % 4) / 4 + 0.01;
    if (roll < 0.25) return { kind: 'cut path', update: `DELETE { GRAPH ?g { <${concept}> <${v.inScheme}> ?scheme } } WHERE { ${this.#graphValues()} GRAPH ?g { <${concept}> <${v.inScheme}> ?scheme } }` };
    if (roll < 0.5) return { kind: 'restore path', update: `INSERT DATA { GRAPH <${this.#pick([g.orgsA, g.other])}> { <${concept}> <${v.inScheme}> <${v.scheme}> . } }` };
    if (roll < 0.75) {
      return {
        kind: 'reclassify',
        update: `DELETE { GRAPH ?g { <${org}> <${v.classification}> ?c } } INSERT { GRAPH ?g { <${org}> <${v.classification}> <${concept}> } } WHERE { ${this.#graphValues()} GRAPH ?g { <${org}> <${v.classification}> ?c } }`,
      };
    }
    return { kind: 'classify', update: `INSERT DATA { GRAPH <${this.#pick([g.orgsA, g.other, g.excluded])}> { <${org}> <${v.classification}> <${concept}> . } }` };
  }

  /** `VALUES ?g { … }` over the graphs the workload writes (never the publication graph). */
  #graphValues(): string {
    return `VALUES ?g { ${this.#world.sourceSide.map((graph) => `<${graph}>`).join(' ')} }`;
  }

  /** The next update. `subjectTriples(s)` returns current `<s> <p> o` texts (with graph) of a subject, for deletes. */
  async next(subjectTriples: (subject: string) => Promise<{ graph: string; triple: string }[]>): Promise<WorkloadStep> {
    const roll = this.#random();
    const { v } = this.#world;
    if (roll < 0.5) {
      const count = 1 + Math.floor(this.#random() * 4);
      const byGraph = new Map<string, string[]>();
      for (let i = 0; i < count; i++) {
        const graph = this.#graph();
        byGraph.set(graph, [...(byGraph.get(graph) ?? []), this.#triple()]);
      }
      const blocks = [...byGraph].map(([graph, triples]) => `GRAPH <${graph}> { ${triples.join(' .\n')} . }`);
      return { kind: 'insert data', update: `INSERT DATA { ${blocks.join('\n')} }` };
    }
    if (roll < 0.65) {
      const subject = this.#anyResource();
      const existing = await subjectTriples(subject);
      if (existing.length === 0 || this.#chance(0.1)) {
        // Deleting what is not there: a non-effective delete (Elixir still reports it).
        return { kind: 'delete missing', update: `DELETE DATA { GRAPH <${this.#graph()}> { ${this.#triple()} . } }` };
      }
      const chosen = [this.#pick(existing), this.#pick(existing)];
      const blocks = chosen.map(({ graph, triple }) => `GRAPH <${graph}> { ${triple} . }`);
      return { kind: 'delete data', update: `DELETE DATA { ${[...new Set(blocks)].join('\n')} }` };
    }
    if (roll < 0.77) {
      const subject = this.#anyResource();
      const predicate = this.#pick([v.name, v.label, v.uuid, v.status]);
      const object = predicate === v.status ? `<${this.#chance(0.5) ? v.Active : v.Inactive}>` : this.#pick(LITERALS);
      return {
        kind: 'delete/insert where',
        update: `DELETE { GRAPH ?g { <${subject}> <${predicate}> ?o } } INSERT { GRAPH ?g { <${subject}> <${predicate}> ${object} } } WHERE { ${this.#graphValues()} GRAPH ?g { <${subject}> <${predicate}> ?o } }`,
      };
    }
    if (roll < 0.85) {
      const subject = this.#anyResource();
      const from = this.#graph();
      const to = this.#graph();
      return {
        kind: 'move graph',
        update: `DELETE { GRAPH <${from}> { <${subject}> ?p ?o } } INSERT { GRAPH <${to}> { <${subject}> ?p ?o } } WHERE { GRAPH <${from}> { <${subject}> ?p ?o } }`,
      };
    }
    if (roll < 0.88) {
      const subject = this.#anyResource();
      return { kind: 'delete resource', update: `DELETE { GRAPH ?g { <${subject}> ?p ?o } } WHERE { ${this.#graphValues()} GRAPH ?g { <${subject}> ?p ?o } }` };
    }
    if (roll < 0.94) {
      // Cut or restore a path hop everywhere.
      const concept = this.#pick(this.#world.resources.concept);
      if (this.#chance(0.5)) return { kind: 'cut path', update: `DELETE { GRAPH ?g { <${concept}> <${v.inScheme}> ?scheme } } WHERE { ${this.#graphValues()} GRAPH ?g { <${concept}> <${v.inScheme}> ?scheme } }` };
      return { kind: 'restore path', update: `INSERT DATA { GRAPH <${this.#pick([this.#world.graphs.orgsA, this.#world.graphs.other])}> { <${concept}> <${v.inScheme}> <${v.scheme}> . } }` };
    }
    // Several operations in one request.
    const graph = this.#graph();
    return { kind: 'multi-operation', update: `INSERT DATA { GRAPH <${graph}> { ${this.#triple()} . ${this.#triple()} . } } ;\nDELETE DATA { GRAPH <${this.#graph()}> { ${this.#triple()} . } }` };
  }
}
