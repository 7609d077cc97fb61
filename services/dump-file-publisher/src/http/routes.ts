/**
 * The publisher's HTTP API:
 * - `GET /datasets?filter[subject]=<iri>&filter[:has-no:next-version]=yes`, `GET /datasets/:id`,
 *   `GET /datasets/:id/distributions?include=subject`: the mu-cl-resources subset the delta-consumer
 *   uses, with an EXACT subject match (mu-cl-resources matches substrings, pitfall 106);
 * - `GET /files/:id/download` (core's, mu-file-service semantics) and `GET /<name>/dumps/latest`;
 * - `POST /delta`: scheduled-status deltas → dump tasks.
 * Paths with `//` are collapsed and unencoded query strings accepted (pitfall 108); unknown parameters,
 * unknown ids and bad bodies get a JSON:API 4xx and nothing is written.
 */
import { stat } from 'node:fs/promises';
import express, { type Request, type Response, type Router } from 'express';
import {
  badRequest,
  createFileDownloadRoutes,
  DeltaFormatError,
  filePathOfShareUri,
  HttpError,
  isValidIri,
  JSON_API_CONTENT_TYPE,
  notFound,
  parseDeltaMessage,
  type FileRepository,
  type Logger,
} from '@delta-producer/core';
import type { DumpStream } from '../config/stream-config.js';
import type { DatasetRecord, DatasetRepository } from '../metadata/dataset-repository.js';
import { byAge } from '../metadata/revision-chain.js';
import { scheduledSubjects } from '../tasks/scheduled-tasks.js';
import type { TaskRunner } from '../tasks/task-runner.js';
import { datasetResource, distributionResource, fileResource } from './json-api.js';
import { collapseSlashes, parseQueryString, QueryStringError } from './query-string.js';

export interface RouteDeps {
  streams: DumpStream[];
  datasets: DatasetRepository;
  files: FileRepository;
  runner: Pick<TaskRunner, 'considerTasks'>;
  shareDir: string;
  logger: Logger;
}

const UUID_LIKE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

function query(request: Request, allowed: readonly string[]): Map<string, string> {
  let params: Map<string, string>;
  try {
    params = parseQueryString(request.originalUrl);
  } catch (error) {
    if (error instanceof QueryStringError) throw badRequest(error.message);
    throw error;
  }
  for (const key of params.keys()) {
    if (!allowed.includes(key)) throw badRequest(`unsupported query parameter "${key}" (supported: ${allowed.join(', ') || 'none'})`);
  }
  return params;
}

function sendJsonApi(response: Response, body: unknown): void {
  response.status(200).type(JSON_API_CONTENT_TYPE).send(JSON.stringify(body));
}

export function createRoutes(deps: RouteDeps): Router {
  const router = express.Router();
  const dcatGraphs = [...new Set(deps.streams.map((stream) => stream.dcatGraph))];
  const filesGraphs = [...new Set(deps.streams.map((stream) => stream.filesGraph))];

  router.use((request, _response, next) => {
    request.url = collapseSlashes(request.url);
    next();
  });

  router.get('/datasets', async (request, response) => {
    const params = query(request, ['filter[subject]', 'filter[:has-no:next-version]', 'page[size]', 'page[number]']);
    const subject = params.get('filter[subject]');
    if (subject !== undefined && !isValidIri(subject)) throw badRequest(`filter[subject] must be an absolute IRI, got ${JSON.stringify(String(subject).slice(0, 200))}`);
    const headsOnly = params.get('filter[:has-no:next-version]');
    if (headsOnly !== undefined && headsOnly !== 'yes' && headsOnly !== 'true') throw badRequest('filter[:has-no:next-version] must be "yes"');
    let datasets = await deps.datasets.find({ dcatGraphs, subject });
    if (headsOnly !== undefined) datasets = datasets.filter((dataset) => dataset.next.length === 0);
    const data = datasets.sort(byAge).reverse().map(datasetResource);
    sendJsonApi(response, { data, links: { first: '/datasets', last: '/datasets' }, meta: { count: data.length } });
  });

  async function datasetById(id: string): Promise<DatasetRecord> {
    const [dataset] = UUID_LIKE.test(id) ? await deps.datasets.find({ dcatGraphs, uuid: id }) : [];
    if (!dataset) throw notFound(`no dataset with id ${JSON.stringify(id.slice(0, 200))}`);
    return dataset;
  }

  router.get('/datasets/:id', async (request, response) => {
    query(request, []);
    sendJsonApi(response, { data: datasetResource(await datasetById(String(request.params.id))) });
  });

  router.get('/datasets/:id/distributions', async (request, response) => {
    const params = query(request, ['include', 'page[size]', 'page[number]']);
    const include = params.get('include');
    if (include !== undefined && include !== 'subject') throw badRequest(`include supports only "subject", got ${JSON.stringify(include.slice(0, 200))}`);
    const dataset = await datasetById(String(request.params.id));
    const distributions = await deps.datasets.distributions(dataset.uri, { dcatGraphs, filesGraphs });
    const body: Record<string, unknown> = { data: distributions.map(distributionResource), links: { self: `/datasets/${dataset.uuid}/distributions` } };
    if (include === 'subject') body.included = distributions.filter((distribution) => distribution.file?.uuid).map(fileResource);
    sendJsonApi(response, body);
  });

  router.use(createFileDownloadRoutes({ files: deps.files, shareDir: deps.shareDir, logger: deps.logger }));

  const streamsByName = new Map(deps.streams.map((stream) => [stream.name, stream]));
  router.get('/:name/dumps/latest', async (request, response) => {
    query(request, []);
    const stream = streamsByName.get(String(request.params.name));
    if (!stream) throw notFound(`no stream named ${JSON.stringify(String(request.params.name).slice(0, 200))}`);
    const heads = (await deps.datasets.find({ dcatGraphs: [stream.dcatGraph], subject: stream.dcatDataSetSubject })).filter((dataset) => dataset.next.length === 0);
    const head = heads.sort(byAge).at(-1);
    const plain = head ? (await deps.datasets.distributions(head.uri, { dcatGraphs: [stream.dcatGraph], filesGraphs: [stream.filesGraph] })).find((distribution) => !distribution.compressFormat) : undefined;
    if (!plain?.file?.physical) throw notFound(`stream ${stream.name} has no published dump yet`);
    const path = filePathOfShareUri(deps.shareDir, plain.file.physical);
    if (!(await stat(path).then((info) => info.isFile(), () => false))) {
      deps.logger.error({ stream: stream.name, path }, 'the latest dump is published but its file is missing');
      throw new HttpError({ status: 500, code: 'file-missing', detail: `the latest dump of ${stream.name} is not available` });
    }
    response.attachment(plain.file.fileName ?? 'dump.ttl');
    await new Promise<void>((resolve, reject) => {
      response.sendFile(path, { headers: { 'Content-Type': 'text/turtle; charset=utf-8' }, dotfiles: 'allow' }, (error) => (error && !response.headersSent ? reject(error) : resolve()));
    });
  });

  router.post('/delta', async (request, response) => {
    let subjects: string[];
    try {
      subjects = scheduledSubjects(parseDeltaMessage(request.body));
    } catch (error) {
      if (error instanceof DeltaFormatError) throw badRequest(`not a delta message: ${error.message}`);
      throw error;
    }
    // Looked up before answering (one query) so the answer says what happens; the dumps run later.
    const tasks = await deps.runner.considerTasks(subjects);
    response.status(202).json({ data: { candidates: subjects.length, tasks } });
  });

  return router;
}
