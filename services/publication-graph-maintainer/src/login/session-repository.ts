/**
 * The consumer login's SPARQL (data-model §12): `<session> muAccount:account <account>` in the stream's
 * account graph, written as sudo like the lblod service; and whether a session is logged in.
 */
import { namedNode, quad, sparql, withPrefixes, PREDICATES, type SparqlClient } from '@delta-producer/core';

export interface SessionRepositoryOptions {
  client: SparqlClient;
  accountGraph: string;
  account: string;
  scope: string;
}

export class SessionRepository {
  readonly #options: SessionRepositoryOptions;

  constructor(options: SessionRepositoryOptions) {
    this.#options = options;
  }

  async linkAccount(session: string): Promise<void> {
    const { client, accountGraph, account, scope } = this.#options;
    await client.insertData([quad(namedNode(session), namedNode(PREDICATES.account), namedNode(account), namedNode(accountGraph))], { sudo: true, callScopeId: scope, authScope: scope });
  }

  async isLoggedIn(session: string): Promise<boolean> {
    const { client, accountGraph, account } = this.#options;
    return client.ask(withPrefixes(sparql`ASK { GRAPH ${namedNode(accountGraph)} { ${namedNode(session)} muAccount:account ${namedNode(account)} } }`), { sudo: true });
  }
}
