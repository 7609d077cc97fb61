/**
 * JSON:API documents in the mu-cl-resources shape lblod's delta-consumer reads (http-contracts §10):
 * datasets with `title`, `release-date` (= `dct:issued`, the consumer's delta cursor) and a RELATIVE
 * `relationships.distributions.links.related`; distributions with `relationships.subject.data.id` = the
 * download id of the file. Pure.
 */
import type { DatasetRecord, DistributionRecord } from '../metadata/dataset-repository.js';
import { DATASET } from '@delta-producer/core';

const iso = (date: Date | undefined) => (date ? date.toISOString() : null);

export function datasetResource(dataset: DatasetRecord) {
  const base = `/datasets/${dataset.uuid}`;
  return {
    type: 'datasets',
    id: dataset.uuid,
    attributes: {
      title: dataset.title ?? DATASET.dumpTitle,
      'release-date': iso(dataset.issued),
      created: iso(dataset.created),
      modified: iso(dataset.modified),
      subject: dataset.subject,
      type: DATASET.dumpType,
    },
    relationships: {
      distributions: { links: { self: `${base}/links/distributions`, related: `${base}/distributions` } },
    },
    links: { self: base },
  };
}

export function distributionResource(distribution: DistributionRecord) {
  const base = `/distributions/${distribution.uuid}`;
  return {
    type: 'distributions',
    id: distribution.uuid,
    attributes: {
      title: distribution.title ?? DATASET.dumpTitle,
      format: distribution.format ?? null,
      'byte-size': distribution.byteSize ?? null,
      'compress-format': distribution.compressFormat ?? null,
      'release-date': iso(distribution.issued),
      'download-url': distribution.file?.uuid ? `/files/${distribution.file.uuid}/download` : null,
    },
    relationships: {
      subject: {
        links: { self: `${base}/links/subject`, related: `${base}/subject` },
        data: distribution.file?.uuid ? { type: 'files', id: distribution.file.uuid } : null,
      },
    },
    links: { self: base },
  };
}

export function fileResource(distribution: DistributionRecord) {
  const file = distribution.file!;
  return {
    type: 'files',
    id: file.uuid!,
    attributes: { filename: file.fileName ?? null, format: file.format ?? null, size: file.size ?? null, created: iso(file.created) },
    links: { self: `/files/${file.uuid!}` },
  };
}
