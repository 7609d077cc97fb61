/**
 * The SPARQL of delta-file metadata (data-model §9), in the stream's `filesGraph`: the logical and the
 * physical `nfo:FileDataObject` of each file, inserted only after the file is on disk; the stream's
 * files for the listing index; their removal by retention; and a visibility probe run as the caller.
 *
 * Writes are sudo with `mu-call-scope-id` = the stream's publicationGraphMaintenance scope. Inserting the
 * same file twice writes the same triples (RDF set semantics): re-running a flush after a crash is safe.
 */
import { literal, namedNode, quad, sparql, withPrefixes, XSD, CLASSES, PREDICATES, RDF, type Quad, type SparqlClient } from '@delta-producer/core';
import { isoMillis } from './created-times.js';
import { DELTA_FILE_EXTENSION, DELTA_FILE_FORMAT, logicalFileIri, physicalFileIri, type DeltaFileIdentity } from './file-naming.js';
import type { ListedFile } from './listing.js';

/** Quads per INSERT DATA of file metadata (Virtuoso takes at most 1426 per operation). */
export const METADATA_WRITE_BATCH_SIZE = 1000;
/** Rows per page when the file index is loaded. */
const LIST_PAGE_SIZE = 5000;

export interface FileMetadataRepositoryOptions {
  client: SparqlClient;
  filesGraph: string;
  publisherUri: string;
  /** mu-call-scope-id (and mu-auth-scope) of the writes. */
  scope: string;
  /** Rows per page when the file index is loaded (default 5000, at most the client's maxRows). */
  listPageSize?: number;
}

/** Who asks, for queries run as the caller (mu-authorization decides what the session sees). */
export interface CallerHeaders {
  sessionId?: string;
  allowedGroups?: string;
}

export interface StoredFile extends ListedFile {
  logical: string;
  physical: string | undefined;
}

export class FileMetadataRepository {
  readonly #options: FileMetadataRepositoryOptions;

  constructor(options: FileMetadataRepositoryOptions) {
    this.#options = options;
  }

  /** The triples of one file: logical (with publisher and size) and physical. */
  fileQuads(file: DeltaFileIdentity, size: number): Quad[] {
    const graph = namedNode(this.#options.filesGraph);
    const logical = namedNode(logicalFileIri(file.uuid));
    const physical = namedNode(physicalFileIri(file.relativePath));
    const created = literal(isoMillis(file.created), namedNode(XSD.dateTime));
    const descriptive = (subject: typeof logical, uuid: string): Quad[] => [
      quad(subject, namedNode(RDF.type), namedNode(CLASSES.fileDataObject), graph),
      quad(subject, namedNode(PREDICATES.uuid), literal(uuid), graph),
      quad(subject, namedNode(PREDICATES.fileName), literal(file.name), graph),
      quad(subject, namedNode(PREDICATES.format), literal(DELTA_FILE_FORMAT), graph),
      quad(subject, namedNode(PREDICATES.fileExtension), literal(DELTA_FILE_EXTENSION), graph),
      quad(subject, namedNode(PREDICATES.fileSize), literal(String(size), namedNode(XSD.integer)), graph),
      quad(subject, namedNode(PREDICATES.created), created, graph),
      quad(subject, namedNode(PREDICATES.modified), created, graph),
    ];
    return [
      ...descriptive(logical, file.uuid),
      quad(logical, namedNode(PREDICATES.publisher), namedNode(this.#options.publisherUri), graph),
      ...descriptive(physical, file.physicalUuid),
      quad(physical, namedNode(PREDICATES.dataSource), logical, graph),
    ];
  }

  async insert(files: readonly { file: DeltaFileIdentity; size: number }[], signal?: AbortSignal): Promise<void> {
    const quads = files.flatMap(({ file, size }) => this.fileQuads(file, size));
    await this.#options.client.insertData(quads, { sudo: true, callScopeId: this.#options.scope, authScope: this.#options.scope, batchSize: METADATA_WRITE_BATCH_SIZE, ...(signal ? { signal } : {}) });
  }

  /**
   * Every file of this publisher in the files graph, sorted by created, then uuid. Pages are keyset on
   * `dct:created` (a range the store answers from its object index, so each page costs its own size, not
   * the graph's: 100k files load in seconds). A page starts AT the last created time seen and the rows
   * already read are dropped, so files sharing a created time are never skipped. No GROUP BY: a file
   * with two physical resources comes twice and is kept once.
   */
  async list(): Promise<StoredFile[]> {
    const { client } = this.#options;
    const pageSize = Math.min(this.#options.listPageSize ?? LIST_PAGE_SIZE, client.maxRows);
    const files = new Map<string, StoredFile>();
    let from: { created: string; inclusive: boolean } | undefined;
    for (;;) {
      const rows = await client.select(this.#listPageQuery(from, pageSize), { sudo: true });
      for (const row of rows) {
        const logical = row.file!.value;
        const created = Date.parse(row.created!.value);
        const known = files.get(logical);
        if (known) known.physical ??= row.source?.value;
        else if (Number.isFinite(created)) files.set(logical, { logical, uuid: row.uuid!.value, name: row.name!.value, created, physical: row.source?.value });
      }
      if (rows.length < pageSize) break;
      const last = rows.at(-1)!.created!.value;
      if (rows[0]!.created!.value === last) {
        // A whole page of one created time: more files share it than a page holds; read them all at once.
        for (const file of await this.#filesCreatedAt(last)) if (!files.has(file.logical)) files.set(file.logical, file);
        from = { created: last, inclusive: false };
      } else {
        from = { created: last, inclusive: true };
      }
    }
    return [...files.values()].sort((a, b) => a.created - b.created || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
  }

  #listPageQuery(from: { created: string; inclusive: boolean } | undefined, limit: number) {
    const { filesGraph, publisherUri } = this.#options;
    return withPrefixes(sparql`
      SELECT ?file ?uuid ?name ?created ?source WHERE {
        GRAPH ${namedNode(filesGraph)} {
          ?file dct:created ?created .
          ${from === undefined ? sparql`` : from.inclusive ? sparql`FILTER(?created >= ${literal(from.created, namedNode(XSD.dateTime))})` : sparql`FILTER(?created > ${literal(from.created, namedNode(XSD.dateTime))})`}
          ?file dct:publisher ${namedNode(publisherUri)} ;
            a nfo:FileDataObject ;
            mu:uuid ?uuid ;
            nfo:fileName ?name .
          OPTIONAL { ?source nie:dataSource ?file }
        }
      } ORDER BY ?created STR(?file) LIMIT ${limit}`);
  }

  async #filesCreatedAt(created: string): Promise<StoredFile[]> {
    const { client, filesGraph, publisherUri } = this.#options;
    const rows = await client.selectAll(
      withPrefixes(sparql`
        SELECT ?file ?uuid ?name (SAMPLE(?source) AS ?physical) WHERE {
          GRAPH ${namedNode(filesGraph)} {
            ?file dct:created ${literal(created, namedNode(XSD.dateTime))} ;
              dct:publisher ${namedNode(publisherUri)} ;
              a nfo:FileDataObject ;
              mu:uuid ?uuid ;
              nfo:fileName ?name .
            OPTIONAL { ?source nie:dataSource ?file }
          }
        } GROUP BY ?file ?uuid ?name`),
      { sudo: true },
    );
    return rows.map((row) => ({ logical: row.file!.value, uuid: row.uuid!.value, name: row.name!.value, created: Date.parse(created), physical: row.physical?.value }));
  }

  /** Removes every triple of the files' logical and physical resources from the files graph. */
  async remove(files: readonly StoredFile[], signal?: AbortSignal): Promise<void> {
    const { client, filesGraph, scope } = this.#options;
    for (let start = 0; start < files.length; start += 50) {
      const subjects = files.slice(start, start + 50).flatMap((file) => [namedNode(file.logical), ...(file.physical ? [namedNode(file.physical)] : [])]);
      await client.update(
        withPrefixes(sparql`
          DELETE { GRAPH ${namedNode(filesGraph)} { ?s ?p ?o } }
          WHERE { VALUES ?s { ${subjects} } GRAPH ${namedNode(filesGraph)} { ?s ?p ?o } }`),
        { sudo: true, callScopeId: scope, authScope: scope, ...(signal ? { signal } : {}) },
      );
    }
  }

  /** Whether the caller may see this logical file (queried as the caller, not sudo). */
  async visibleTo(caller: CallerHeaders, file: ListedFile): Promise<boolean> {
    return this.#options.client.ask(
      withPrefixes(sparql`ASK { GRAPH ${namedNode(this.#options.filesGraph)} { ?file mu:uuid ${literal(file.uuid)} ; a nfo:FileDataObject . } }`),
      { ...(caller.sessionId ? { sessionId: caller.sessionId } : {}), ...(caller.allowedGroups ? { allowedGroups: caller.allowedGroups } : {}) },
    );
  }
}
