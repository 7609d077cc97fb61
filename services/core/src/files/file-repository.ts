/**
 * Lookup of a downloadable file by its download id, as mu-file-service resolves it (http-contracts §9):
 * the logical file with `mu:uuid "<id>"` and a physical file (`nie:dataSource` → logical) whose IRI is
 * a `share://` URI. Optionally restricted to some graphs (the graphs a service publishes its files in).
 */
import { literal, namedNode, type NamedNode } from '../rdf/terms.js';
import { sparql, withPrefixes } from '../rdf/sparql-text.js';
import type { SparqlClient } from '../sparql/client.js';

export interface DownloadableFile {
  logical: string;
  physical: string;
  fileName: string | undefined;
  format: string | undefined;
}

export class FileRepository {
  readonly #client: SparqlClient;
  readonly #graphs: readonly NamedNode[] | undefined;

  /** `graphs`: where file metadata may be; undefined = any graph. */
  constructor(client: SparqlClient, graphs?: readonly string[]) {
    this.#client = client;
    this.#graphs = graphs && graphs.length > 0 ? graphs.map((graph) => namedNode(graph)) : undefined;
  }

  async findDownloadable(id: string): Promise<DownloadableFile | undefined> {
    const graphClause = this.#graphs ? sparql`VALUES ?g { ${this.#graphs} }` : sparql``;
    const rows = await this.#client.select(
      withPrefixes(sparql`
        SELECT ?logical ?physical ?fileName ?format WHERE {
          ${graphClause}
          GRAPH ?g {
            ?logical mu:uuid ${literal(id)} ;
              a nfo:FileDataObject .
            ?physical nie:dataSource ?logical .
            OPTIONAL { ?logical nfo:fileName ?fileName }
            OPTIONAL { ?logical dct:format ?format }
          }
          FILTER(STRSTARTS(STR(?physical), "share:"))
        } LIMIT 10`),
      { sudo: true },
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      logical: row.logical!.value,
      physical: row.physical!.value,
      fileName: row.fileName?.value,
      format: row.format?.value,
    };
  }
}
