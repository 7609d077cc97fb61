/**
 * `POST /delta` (and `POST <deltaPath>` of streams that still configure the deprecated key): the
 * delta-notifier's callback (http-contracts §3.6, §6). The body (JSON, limited to MAX_BODY_SIZE by the
 * app's parser: malformed → 400, too large → 413) is validated with core's parseDeltaMessage (400
 * naming the first bad element; nothing is written), appended as one intake record, and answered
 * `202` with an empty body once the record is on disk. Nothing is processed in the request.
 *
 * A `deltaPath` route is only an alias: the body goes to the same intake, which every stream consumes
 * (the lblod service ran one stream's gate on it; here every stream's diff reads the store, so a delta
 * seen by streams it does not concern changes nothing for them).
 */
import { Router, type Request, type RequestHandler } from 'express';
import { badRequest, DeltaFormatError, type Changeset, JSON_CONTENT_TYPES, parseDeltaMessage, serviceUnavailable, unsupportedMediaType, type Logger } from '@delta-producer/core';
import type { IgnoredSetting } from '../config/index.js';
import { routePath } from '../config/values.js';
import type { Intake } from '../live/intake.js';
import { DurableLogError, LogClosedError } from '../storage/index.js';

export const DELTA_PATH = '/delta';

export interface DeltaRouteOptions {
  intake: Intake;
  logger: Logger;
  /** Paths answering like `/delta` (`deltaPath` of the streams that set it). */
  aliases?: readonly string[];
  /** LOG_INCOMING_DELTA. */
  logIncoming?: boolean;
  /** Called with every accepted body once it is in the intake (e.g. to look for scheduled tasks). */
  onAccepted?: (changesets: readonly Changeset[]) => void;
}

/**
 * The `deltaPath` values of `services.json` (accepted as ignored keys by the configuration) that can
 * be served: valid route paths, not `/delta` itself and not another route of the service. Each is
 * logged; unusable ones with a warning.
 */
export function deltaPathAliases(ignored: readonly IgnoredSetting[], reservedPaths: readonly string[], logger: Logger): string[] {
  const aliases: string[] = [];
  for (const setting of ignored) {
    if (setting.key !== 'deltaPath' || setting.stream === undefined) continue;
    const parsed = routePath.safeParse(setting.value);
    if (!parsed.success) {
      logger.warn({ configPath: setting.path, value: setting.value }, `config ${setting.path} is not a usable route path; deltas are received on POST ${DELTA_PATH} only`);
      continue;
    }
    const path = parsed.data;
    if (path === DELTA_PATH || aliases.includes(path)) continue;
    if (reservedPaths.includes(path)) {
      logger.warn({ configPath: setting.path, path }, `config ${setting.path} is ${path}, a route of another purpose; deltas are received on POST ${DELTA_PATH} only`);
      continue;
    }
    logger.info({ configPath: setting.path, path }, `config ${setting.path}: POST ${path} is accepted as an alias of POST ${DELTA_PATH} (deprecated: point the delta-notifier rule at ${DELTA_PATH})`);
    aliases.push(path);
  }
  return aliases;
}

function isJsonRequest(request: Request): boolean {
  return typeof request.is([...JSON_CONTENT_TYPES]) === 'string';
}

export function createDeltaRoutes(options: DeltaRouteOptions): Router {
  const { intake, logger } = options;
  const handler: RequestHandler = async (request, response) => {
    if (!isJsonRequest(request)) throw unsupportedMediaType('a delta body must be JSON (Content-Type: application/json), as delta-notifier sends it');
    let changesets;
    try {
      changesets = parseDeltaMessage(request.body);
    } catch (error) {
      if (error instanceof DeltaFormatError) {
        logger.warn({ path: error.path, reason: error.reason, route: request.path }, 'delta refused: not a valid delta message');
        throw badRequest(`invalid delta message at ${error.path}: ${error.reason}`, { cause: error });
      }
      throw error;
    }
    const callId = request.get('mu-call-id');
    let accepted;
    try {
      accepted = await intake.accept(changesets, callId);
    } catch (error) {
      if (error instanceof LogClosedError) throw serviceUnavailable('the service is stopping; the delta was not taken', { cause: error });
      // E.g. a full disk: not taken, so not acknowledged; the sender may retry once there is room.
      // (Logged once, with the cause, by the error handler: a 503 is a server error.)
      if (error instanceof DurableLogError) throw serviceUnavailable('the delta could not be stored (intake log write failed); it was not taken', { cause: error });
      throw error;
    }
    const details = { route: request.path, intakeSeq: accepted.seq, changesets: accepted.changesets, quads: accepted.quads, callId };
    if (options.logIncoming) logger.info(details, 'delta received');
    else logger.debug(details, 'delta received');
    response.status(202).end();
    options.onAccepted?.(changesets);
  };
  const router = Router();
  for (const path of [DELTA_PATH, ...(options.aliases ?? [])]) router.post(path, handler);
  return router;
}
