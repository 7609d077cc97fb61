/**
 * SPARQL for dump datasets: the head of a stream, publishing, head repair, clean-up, and the reads of
 * the consumer-facing routes. Every query names its graphs (pitfall 13). Heads use a correlated
 * `FILTER NOT EXISTS` (one that uses ?dataset, bound outside it), a shape Virtuoso 7.2.5 evaluates
 * correctly (docs/virtuoso-quirks.md lists the uncorrelated one it ignores).
 */
import {
  DATASET,
  formatDateTime,
  literal,
  namedNode,
  parseDateTime,
  sparql,
  XSD,
  type Bindings,
  type SparqlClient,
  type SparqlText,
} from '@delta-producer/core';
import { newDumpInsert, type NewDump } from './dump-metadata.js';

export interface StreamGraphs {
  subject: string;
  dcatGraph: string;
  filesGraph: string;
}

export interface DatasetRecord {
  uri: string;
  uuid: string;
  subject: string;
  title?: string;
  issued?: Date;
  created?: Date;
  modified?: Date;
  /** The datasets this one is a revision of (one, unless a head repair joined two chains). */
  previous: string[];
  /** Datasets that are revisions of this one; empty for the head. */
  next: { uri: string; created?: Date }[];
}

export interface DistributionRecord {
  uri: string;
  uuid: string;
  title?: string;
  format?: string;
  byteSize?: number;
  compressFormat?: string;
  issued?: Date;
  file?: { uri: string; uuid?: string; fileName?: string; format?: string; size?: number; created?: Date; physical?: string };
}

const CALL = { sudo: true } as const;
const value = (row: Bindings, key: string) => row[key]?.value;
const number = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined);

export class DatasetRepository {
  constructor(private readonly client: SparqlClient) {}

  /** Every dump dataset of the stream with its revision links. */
  async datasets(stream: StreamGraphs): Promise<DatasetRecord[]> {
    return this.readDatasets([stream.dcatGraph], sparql`VALUES ?subject { ${namedNode(stream.subject)} }`);
  }

  /** The datasets no other dataset is a revision of. Exactly one after every publish and repair. */
  async heads(stream: StreamGraphs): Promise<DatasetRecord[]> {
    return (await this.datasets(stream)).filter((dataset) => dataset.next.length === 0);
  }

  /** Publishes a dump: dataset, distributions, files and the link to the previous head, in one update. */
  async publish(dump: NewDump): Promise<void> {
    await this.client.update(newDumpInsert(dump), CALL);
  }

  /** Refreshes `dct:modified` of a superseded dataset (only the dataset's, never a distribution's: pitfall 93). */
  async markSuperseded(dataset: string, dcatGraph: string, now: Date): Promise<void> {
    const d = namedNode(dataset);
    await this.client.update(
      sparql`DELETE { GRAPH ${namedNode(dcatGraph)} { ${d} dct:modified ?modified } }
        INSERT { GRAPH ${namedNode(dcatGraph)} { ${d} dct:modified ${literal(formatDateTime(now), namedNode(XSD.dateTime))} } }
        WHERE { GRAPH ${namedNode(dcatGraph)} { ${d} dct:modified ?modified } }`,
      CALL,
    );
  }

  /** Adds revision links, all in one update (head repair). */
  async link(links: { next: string; previous: string }[], dcatGraph: string): Promise<void> {
    if (links.length === 0) return;
    const triples = links.map((link) => sparql`${namedNode(link.next)} prov:wasRevisionOf ${namedNode(link.previous)} .`);
    await this.client.update(sparql`INSERT DATA { GRAPH ${namedNode(dcatGraph)} { ${triples.reduce((all, part) => sparql`${all}\n${part}`)} } }`, CALL);
  }

  /** Distributions of a dataset with their logical and physical files. */
  async distributions(dataset: string, graphs: { dcatGraphs: string[]; filesGraphs: string[] }): Promise<DistributionRecord[]> {
    const rows = await this.client.selectAll(
      sparql`SELECT ?distribution ?uuid ?title ?format ?byteSize ?compressFormat ?issued ?file ?fileUuid ?fileName ?fileFormat ?fileSize ?fileCreated ?physical WHERE {
        VALUES ?dcatGraph { ${graphs.dcatGraphs.map((graph) => namedNode(graph))} }
        VALUES ?filesGraph { ${graphs.filesGraphs.map((graph) => namedNode(graph))} }
        GRAPH ?dcatGraph {
          ${namedNode(dataset)} dcat:distribution ?distribution .
          ?distribution a dcat:Distribution ; mu:uuid ?uuid ; dct:subject ?file .
          OPTIONAL { ?distribution dct:title ?title }
          OPTIONAL { ?distribution dct:format ?format }
          OPTIONAL { ?distribution dcat:byteSize ?byteSize }
          OPTIONAL { ?distribution dcat:compressFormat ?compressFormat }
          OPTIONAL { ?distribution dct:issued ?issued }
        }
        GRAPH ?filesGraph {
          ?file mu:uuid ?fileUuid .
          OPTIONAL { ?file nfo:fileName ?fileName }
          OPTIONAL { ?file dct:format ?fileFormat }
          OPTIONAL { ?file nfo:fileSize ?fileSize }
          OPTIONAL { ?file dct:created ?fileCreated }
          OPTIONAL { ?physical nie:dataSource ?file }
        }
      }`,
      CALL,
    );
    const byUri = new Map<string, DistributionRecord>();
    for (const row of rows) {
      const uri = value(row, 'distribution')!;
      if (byUri.has(uri)) continue;
      const file = value(row, 'file');
      byUri.set(uri, {
        uri,
        uuid: value(row, 'uuid')!,
        title: value(row, 'title'),
        format: value(row, 'format'),
        byteSize: number(value(row, 'byteSize')),
        compressFormat: value(row, 'compressFormat'),
        issued: parseDateTime(value(row, 'issued')),
        file: file
          ? {
              uri: file,
              uuid: value(row, 'fileUuid'),
              fileName: value(row, 'fileName'),
              format: value(row, 'fileFormat'),
              size: number(value(row, 'fileSize')),
              created: parseDateTime(value(row, 'fileCreated')),
              physical: value(row, 'physical'),
            }
          : undefined,
      });
    }
    // Plain Turtle first: lblod's delta-consumer takes the first distribution (pitfall 106).
    return [...byUri.values()].sort((a, b) => Number(a.compressFormat !== undefined) - Number(b.compressFormat !== undefined) || a.uri.localeCompare(b.uri));
  }

  /** Dump datasets in the given graphs: all, or those of one subject, or the one with a mu:uuid. */
  async find(input: { dcatGraphs: string[]; subject?: string; uuid?: string }): Promise<DatasetRecord[]> {
    const filters: SparqlText[] = [];
    if (input.subject !== undefined) filters.push(sparql`VALUES ?subject { ${namedNode(input.subject)} }`);
    if (input.uuid !== undefined) filters.push(sparql`VALUES ?uuid { ${literal(input.uuid)} }`);
    return this.readDatasets(input.dcatGraphs, filters.reduce((all, part) => sparql`${all}\n${part}`, sparql``));
  }

  /**
   * Removes datasets with their distributions, files metadata and incoming revision links, in one
   * update per dataset; returns the physical file IRIs whose files the caller deletes afterwards.
   */
  async remove(dataset: DatasetRecord, graphs: { dcatGraph: string; filesGraph: string }): Promise<string[]> {
    const distributions = await this.distributions(dataset.uri, { dcatGraphs: [graphs.dcatGraph], filesGraphs: [graphs.filesGraph] });
    const files = distributions.flatMap((distribution) => (distribution.file ? [distribution.file.uri] : []));
    const physical = distributions.flatMap((distribution) => (distribution.file?.physical ? [distribution.file.physical] : []));
    const dcatSubjects = [dataset.uri, ...distributions.map((distribution) => distribution.uri)].map((uri) => namedNode(uri));
    const fileSubjects = [...files, ...physical].map((uri) => namedNode(uri));
    const dcat = namedNode(graphs.dcatGraph);
    const filesGraph = namedNode(graphs.filesGraph);
    // Two statements: one DELETE WHERE per graph keeps each pattern simple for Virtuoso.
    await this.client.update(
      sparql`DELETE { GRAPH ${dcat} { ?s ?p ?o } } WHERE { VALUES ?s { ${dcatSubjects} } GRAPH ${dcat} { ?s ?p ?o } } ;
        DELETE { GRAPH ${dcat} { ?next prov:wasRevisionOf ${namedNode(dataset.uri)} } } WHERE { GRAPH ${dcat} { ?next prov:wasRevisionOf ${namedNode(dataset.uri)} } }`,
      CALL,
    );
    if (fileSubjects.length > 0) {
      await this.client.update(sparql`DELETE { GRAPH ${filesGraph} { ?s ?p ?o } } WHERE { VALUES ?s { ${fileSubjects} } GRAPH ${filesGraph} { ?s ?p ?o } }`, CALL);
    }
    return physical;
  }

  /** Physical file IRIs of every dump of the stream (orphan sweep). */
  async physicalFiles(stream: StreamGraphs): Promise<Set<string>> {
    const rows = await this.client.selectAll(
      sparql`SELECT DISTINCT ?physical WHERE {
        GRAPH ${namedNode(stream.dcatGraph)} { ?dataset dct:subject ${namedNode(stream.subject)} ; dct:type ${namedNode(DATASET.dumpType)} ; dcat:distribution ?distribution . ?distribution dct:subject ?file . }
        GRAPH ${namedNode(stream.filesGraph)} { ?physical nie:dataSource ?file . }
      }`,
      CALL,
    );
    return new Set(rows.flatMap((row) => (row.physical ? [row.physical.value] : [])));
  }

  private async readDatasets(dcatGraphs: string[], filters: SparqlText): Promise<DatasetRecord[]> {
    const rows = await this.client.selectAll(
      sparql`SELECT ?dataset ?uuid ?subject ?title ?issued ?created ?modified ?previous ?next ?nextCreated WHERE {
        ${filters}
        VALUES ?graph { ${dcatGraphs.map((graph) => namedNode(graph))} }
        GRAPH ?graph {
          ?dataset a dcat:Dataset ; dct:type ${namedNode(DATASET.dumpType)} ; dct:subject ?subject ; mu:uuid ?uuid .
          OPTIONAL { ?dataset dct:title ?title }
          OPTIONAL { ?dataset dct:issued ?issued }
          OPTIONAL { ?dataset dct:created ?created }
          OPTIONAL { ?dataset dct:modified ?modified }
          OPTIONAL { ?dataset prov:wasRevisionOf ?previous }
          OPTIONAL { ?next prov:wasRevisionOf ?dataset . OPTIONAL { ?next dct:created ?nextCreated } }
        }
      }`,
      CALL,
    );
    const byUri = new Map<string, DatasetRecord>();
    for (const row of rows) {
      const uri = value(row, 'dataset')!;
      let record = byUri.get(uri);
      if (!record) {
        record = {
          uri,
          uuid: value(row, 'uuid')!,
          subject: value(row, 'subject')!,
          title: value(row, 'title'),
          issued: parseDateTime(value(row, 'issued')),
          created: parseDateTime(value(row, 'created')),
          modified: parseDateTime(value(row, 'modified')),
          previous: [],
          next: [],
        };
        byUri.set(uri, record);
      }
      const previous = value(row, 'previous');
      if (previous && !record.previous.includes(previous)) record.previous.push(previous);
      const next = value(row, 'next');
      if (next && !record.next.some((entry) => entry.uri === next)) record.next.push({ uri: next, created: parseDateTime(value(row, 'nextCreated')) });
    }
    return [...byUri.values()];
  }
}
