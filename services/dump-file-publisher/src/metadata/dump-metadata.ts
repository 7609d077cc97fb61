/**
 * The resources of one published dump (data-model §11), as data: the dataset, one distribution per
 * file (plain `text/turtle` first, then the optional gzip copy), and per file its logical and physical
 * `nfo:FileDataObject`. Pure: ids and clocks are passed in.
 *
 * Deliberate differences from the lblod publisher: `dct:issued` is the time the snapshot began (the
 * consumer's delta cursor, docs/dumps.md), `dct:creator` is an absolute IRI, the file's `dct:created`
 * is our clock (not the filesystem's birth time), the file extension uses mu-file-service's
 * `dbpedia-owl:fileExtension` without a dot (pitfall 35), and the task gets a results container that
 * names the dataset (pitfall 98).
 */
import { DATASET, formatDateTime, joinSparql, literal, namedNode, PREDICATES, sparql, URI_BASES, XSD, CLASSES, type SparqlText } from '@delta-producer/core';

export interface DumpFile {
  fileName: string;
  shareUri: string;
  bytes: number;
  /** `text/turtle`, or `application/gzip` for the compressed copy. */
  format: string;
  extension: string;
  compressed: boolean;
  /** Ids of the distribution, the logical and the physical file. */
  distributionUuid: string;
  logicalUuid: string;
  physicalUuid: string;
}

export interface NewDump {
  datasetUuid: string;
  subject: string;
  /** When the snapshot began: every change after it reaches consumers as a delta file. */
  issued: Date;
  /** When the metadata is published. */
  now: Date;
  files: DumpFile[];
  creator: string;
  /** The head this dump supersedes. */
  previous?: string;
  dcatGraph: string;
  filesGraph: string;
  /** The task that asked for the dump, for its results container. */
  task?: { uri: string; graph: string; containerUuid: string };
}

export const datasetIri = (uuid: string) => `${URI_BASES.dataset}${uuid}`;
export const distributionIri = (uuid: string) => `${URI_BASES.distribution}${uuid}`;
export const logicalFileIri = (uuid: string) => `${URI_BASES.dumpFile}${uuid}`;

const iri = namedNode;
const text = (value: string) => literal(value);
const dateTime = (date: Date) => literal(formatDateTime(date), namedNode(XSD.dateTime));
const integer = (value: number) => literal(String(value), namedNode(XSD.integer));

function fileTriples(subject: SparqlText, file: DumpFile, uuid: string, creator: string, now: Date): SparqlText {
  return sparql`${subject} a ${iri(CLASSES.fileDataObject)} ;
      mu:uuid ${text(uuid)} ;
      nfo:fileName ${text(file.fileName)} ;
      dct:format ${text(file.format)} ;
      nfo:fileSize ${integer(file.bytes)} ;
      ${iri(PREDICATES.fileExtensionOntology)} ${text(file.extension)} ;
      dct:creator ${iri(creator)} ;
      dct:created ${dateTime(now)} ;
      dct:modified ${dateTime(now)} .`;
}

/** The one INSERT DATA that publishes a dump: the head moves to it atomically. */
export function newDumpInsert(dump: NewDump): SparqlText {
  const dataset = iri(datasetIri(dump.datasetUuid));
  const distributions = dump.files.map((file) => iri(distributionIri(file.distributionUuid)));
  const previous = dump.previous ? sparql`${dataset} prov:wasRevisionOf ${iri(dump.previous)} .` : sparql``;
  const dcat = dump.files.map((file, index) => {
    const compress = file.compressed ? sparql`${distributions[index]!} dcat:compressFormat ${iri(DATASET.gzipFormat)} .` : sparql``;
    return sparql`${distributions[index]!} a ${iri(CLASSES.distribution)} ;
        mu:uuid ${text(file.distributionUuid)} ;
        dct:subject ${iri(logicalFileIri(file.logicalUuid))} ;
        dct:title ${text(DATASET.dumpTitle)} ;
        dct:format ${text(file.format)} ;
        dcat:byteSize ${integer(file.bytes)} ;
        dct:created ${dateTime(dump.now)} ;
        dct:modified ${dateTime(dump.now)} ;
        dct:issued ${dateTime(dump.issued)} .
      ${compress}`;
  });
  const files = dump.files.map((file) => {
    const logical = iri(logicalFileIri(file.logicalUuid));
    const physical = iri(file.shareUri);
    return sparql`${fileTriples(sparql`${logical}`, file, file.logicalUuid, dump.creator, dump.now)}
      ${fileTriples(sparql`${physical}`, file, file.physicalUuid, dump.creator, dump.now)}
      ${physical} nie:dataSource ${logical} .`;
  });
  const container = dump.task
    ? sparql`GRAPH ${iri(dump.task.graph)} {
        ${iri(dump.task.uri)} task:resultsContainer ${iri(`${URI_BASES.dataContainer}${dump.task.containerUuid}`)} .
        ${iri(`${URI_BASES.dataContainer}${dump.task.containerUuid}`)} a ${iri(CLASSES.dataContainer)} ;
          mu:uuid ${text(dump.task.containerUuid)} ;
          dct:subject ${dataset} ;
          task:hasFile ${iri(logicalFileIri(dump.files[0]!.logicalUuid))} .
      }`
    : sparql``;
  return sparql`INSERT DATA {
    GRAPH ${iri(dump.dcatGraph)} {
      ${dataset} a ${iri(CLASSES.dataset)} ;
        mu:uuid ${text(dump.datasetUuid)} ;
        dct:type ${iri(DATASET.dumpType)} ;
        dct:subject ${iri(dump.subject)} ;
        dct:title ${text(DATASET.dumpTitle)} ;
        dct:created ${dateTime(dump.now)} ;
        dct:modified ${dateTime(dump.now)} ;
        dct:issued ${dateTime(dump.issued)} ;
        dcat:distribution ${joinSparql(distributions.map((distribution) => sparql`${distribution}`), ', ')} .
      ${previous}
      ${joinSparql(dcat)}
    }
    GRAPH ${iri(dump.filesGraph)} {
      ${joinSparql(files)}
    }
    ${container}
  }`;
}

/** `<prefix>-<YYYYMMDDhhmmssSSS>-<uuid>.ttl` (data-model §11: the UTC ISO string without separators). */
export function dumpFileName(fileBaseName: string, at: Date, uuid: string): string {
  const stamp = at.toISOString().replace(/[-T:.Z]/g, '');
  return `${fileBaseName}-${stamp}-${uuid}.ttl`;
}
