/**
 * A benchmark stream: an export shaped like a real app's (organisations with a path to a concept scheme,
 * tagged and typed literals, an inverse property), source data generated for it, and the maintainer's
 * configuration pointing every endpoint at one store.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { literal, namedNode, quad, RDF, XSD, type Quad } from '@delta-producer/core';

export const BASE = 'http://bench.example/';
export const GRAPHS = { source: `${BASE}graphs/source`, concepts: `${BASE}graphs/concepts`, jobs: `${BASE}graphs/jobs` };
const V = (local: string) => `${BASE}vocab/${local}`;
export const VOCAB = { Org: V('Org'), name: V('name'), altName: V('altName'), identifier: V('identifier'), founded: V('founded'), classification: V('classification'), inScheme: V('inScheme'), memberOf: V('memberOf'), homepage: V('homepage'), status: V('status') };
export const SCHEME = `${BASE}schemes/main`;
export const CONCEPT = `${BASE}concepts/municipality`;

export const EXPORT_CONFIG = {
  conceptScheme: SCHEME,
  export: [
    {
      type: VOCAB.Org,
      properties: [VOCAB.name, VOCAB.altName, VOCAB.identifier, VOCAB.founded, VOCAB.classification, VOCAB.homepage, VOCAB.status, `^${VOCAB.memberOf}`],
      pathToConceptScheme: [VOCAB.classification, VOCAB.inScheme],
      graphsFilter: [GRAPHS.source],
      strictTypeExport: true,
    },
  ],
};

/** Triples per generated organisation (all exported). */
export const TRIPLES_PER_RESOURCE = 10;

export function organisation(index: number, run: string): string {
  return `${BASE}id/${run}/org/${String(index).padStart(8, '0')}`;
}

/** The 10 source triples of one organisation, all exported (9 of its own, 1 through the inverse `^memberOf`). */
export function organisationQuads(index: number, run: string, version = 0): Quad[] {
  const org = namedNode(organisation(index, run));
  const g = namedNode(GRAPHS.source);
  return [
    quad(org, namedNode(RDF.type), namedNode(VOCAB.Org), g),
    quad(org, namedNode(VOCAB.name), literal(`Gemeente ${index} v${version}`, 'nl'), g),
    quad(org, namedNode(VOCAB.altName), literal(`Municipality ${index} "quoted"\nline`, 'en'), g),
    quad(org, namedNode(VOCAB.identifier), literal(String(100000 + index), namedNode(XSD.integer)), g),
    quad(org, namedNode(VOCAB.founded), literal('1830-10-04T00:00:00Z', namedNode(XSD.dateTime)), g),
    quad(org, namedNode(VOCAB.classification), namedNode(CONCEPT), g),
    quad(org, namedNode(VOCAB.homepage), namedNode(`https://org-${index}.example/`), g),
    quad(org, namedNode(VOCAB.status), namedNode(`${BASE}concepts/active`), g),
    quad(namedNode(`${BASE}id/${run}/person/${index}`), namedNode(VOCAB.memberOf), org, g),
    quad(org, namedNode(VOCAB.name), literal(`Gemeente ${index}`, 'fr'), g),
  ];
}

export function schemeQuads(): Quad[] {
  return [quad(namedNode(CONCEPT), namedNode(VOCAB.inScheme), namedNode(SCHEME), namedNode(GRAPHS.concepts))];
}

/** services.json + export.json in a temp dir, and the maintainer's environment for one store. */
export async function benchConfig(endpoint: string, options: { publicationGraph: string; extraEntry?: Record<string, unknown> }): Promise<{ env: Record<string, string>; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-maintainer-'));
  await writeFile(join(dir, 'export.json'), JSON.stringify(EXPORT_CONFIG));
  await writeFile(
    join(dir, 'services.json'),
    JSON.stringify({
      bench: {
        exportConfigPath: join(dir, 'export.json'),
        publicationGraph: options.publicationGraph,
        jobsGraph: GRAPHS.jobs,
        initialPublicationGraphSyncJobOperation: `${BASE}ops/initial-sync`,
        healingJobOperation: `${BASE}ops/healing`,
        waitForInitialSync: false,
        filesPath: '/bench/files',
        loginPath: '/bench/login',
        skipMuAuthInitialSync: true,
        skipMuAuthHealing: true,
        ...options.extraEntry,
      },
    }),
  );
  return {
    dir,
    env: {
      CONFIG_SERVICES_JSON_PATH: join(dir, 'services.json'),
      DATA_DIR: join(dir, 'data'),
      SHARE_DIR: join(dir, 'share'),
      MU_SPARQL_ENDPOINT: endpoint,
      MU_AUTH_ENDPOINT: endpoint,
      VIRTUOSO_ENDPOINT: endpoint,
      PUBLICATION_MU_AUTH_ENDPOINT: endpoint,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  };
}
