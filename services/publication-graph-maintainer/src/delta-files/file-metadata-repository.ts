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

export interface FileMetadataRepositoryOptions {
  client: SparqlClient;
  filesGraph: string;
  publisherUri: string;
  /** mu-call-scope-id (and mu-auth-scope) of the writes. */
  scope: string;
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

  /** Every file of this publisher in the files graph (keyset pages), sorted by created, then uuid. */
  async list(): Promise<StoredFile[]> {
    const { client, filesGraph, publisherUri } = this.#options;
    const files: StoredFile[] = [];
    const pages = client.selectPaged(
      (page) =>
        withPrefixes(sparql`
          SELECT ?file ?uuid ?name ?created (SAMPLE(?source) AS ?physical) WHERE {
            GRAPH ${namedNode(filesGraph)} {
              ?file a nfo:FileDataObject ;
                dct:publisher ${namedNode(publisherUri)} ;
                mu:uuid ?uuid ;
                nfo:fileName ?name ;
                dct:created ?created .
              OPTIONAL { ?source nie:dataSource ?file }
            }
            ${page.after ? sparql`FILTER(STR(?file) > ${literal(page.after.value)})` : sparql``}
          } GROUP BY ?file ?uuid ?name ?created ORDER BY STR(?file) LIMIT ${page.limit}`),
      { sudo: true, key: (row) => row.file, pageSize: Math.min(5000, client.maxRows) },
    );
    for await (const rows of pages) {
      for (const row of rows) {
        const created = Date.parse(row.created!.value);
        if (!Number.isFinite(created)) continue;
        files.push({ logical: row.file!.value, uuid: row.uuid!.value, name: row.name!.value, created, physical: row.physical?.value });
      }
    }
    return files.sort((a, b) => a.created - b.created || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
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
