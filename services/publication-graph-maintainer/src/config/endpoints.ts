/**
 * Which SPARQL endpoint each operation of a stream uses: the endpoint table of configuration-compat.md
 * §2.4, with VIRTUOSO_ENDPOINT and MU_AUTH_ENDPOINT honoured (the lblod service ignored both and
 * always used their defaults, pitfall 60).
 */

/** The four stores of the environment, resolved. */
export interface Stores {
  /** MU_SPARQL_ENDPOINT: jobs, tasks, errors, delta-file metadata, login, files listing. */
  sparql: string;
  /** MU_AUTH_ENDPOINT: mu-authorization in front of the source data. */
  muAuth: string;
  /** VIRTUOSO_ENDPOINT: the source store itself (no deltas, no authorization). */
  virtuoso: string;
  /** PUBLICATION_MU_AUTH_ENDPOINT (default MU_AUTH_ENDPOINT): publication writes that should emit deltas. */
  publicationMuAuth: string;
  /** PUBLICATION_VIRTUOSO_ENDPOINT (default VIRTUOSO_ENDPOINT): the store of the publication graph. */
  publicationVirtuoso: string;
}

export interface StreamEndpointFlags {
  useVirtuosoForExpensiveSelects: boolean;
  skipMuAuthInitialSync: boolean;
  skipMuAuthHealing: boolean;
}

export interface StreamEndpoints {
  /** Jobs, tasks, errors, delta-file metadata and login (sudo); the files listing (as the caller). */
  sparqlEndpoint: string;
  /** Reads of the source data (export queries): VIRTUOSO_ENDPOINT with useVirtuosoForExpensiveSelects, else MU_AUTH_ENDPOINT. */
  sourceReadEndpoint: string;
  /** Reads of the publication graph: PUBLICATION_VIRTUOSO_ENDPOINT with useVirtuosoForExpensiveSelects, else PUBLICATION_MU_AUTH_ENDPOINT. */
  publicationReadEndpoint: string;
  /** Live writes to the publication graph: always PUBLICATION_MU_AUTH_ENDPOINT. */
  publicationWriteEndpoint: string;
  /** Initial-sync writes: PUBLICATION_VIRTUOSO_ENDPOINT with skipMuAuthInitialSync, else PUBLICATION_MU_AUTH_ENDPOINT. */
  initialSyncWriteEndpoint: string;
  /** Healing writes: PUBLICATION_VIRTUOSO_ENDPOINT with skipMuAuthHealing, else PUBLICATION_MU_AUTH_ENDPOINT. */
  healingWriteEndpoint: string;
}

export function resolveStreamEndpoints(stores: Stores, flags: StreamEndpointFlags): StreamEndpoints {
  return {
    sparqlEndpoint: stores.sparql,
    sourceReadEndpoint: flags.useVirtuosoForExpensiveSelects ? stores.virtuoso : stores.muAuth,
    publicationReadEndpoint: flags.useVirtuosoForExpensiveSelects ? stores.publicationVirtuoso : stores.publicationMuAuth,
    publicationWriteEndpoint: stores.publicationMuAuth,
    initialSyncWriteEndpoint: flags.skipMuAuthInitialSync ? stores.publicationVirtuoso : stores.publicationMuAuth,
    healingWriteEndpoint: flags.skipMuAuthHealing ? stores.publicationVirtuoso : stores.publicationMuAuth,
  };
}

/** `mu-call-scope-id` to send with each kind of write ([AGREE] with the delta-notifier opt-outs). */
export interface StreamScopes {
  liveWrites: string;
  healingWrites: string;
  initialSyncWrites: string;
  deltaFileMetadata: string;
}

export function resolveStreamScopes(scopes: { publicationGraphMaintenance: string; initialSync: string }): StreamScopes {
  return {
    liveWrites: scopes.publicationGraphMaintenance,
    healingWrites: scopes.publicationGraphMaintenance,
    initialSyncWrites: scopes.initialSync,
    deltaFileMetadata: scopes.publicationGraphMaintenance,
  };
}
