/**
 * SPARQL client of the suite: HTTP transport, mu-* headers, retries, batched writes and safe paging.
 * Generic helpers (chunk, halve, sleep) stay in their modules so the package barrel does not export
 * names that sibling modules might also use.
 */
export {
  classifySparqlFailure,
  connectionErrorCode,
  errorBodyExcerpt,
  isSparqlError,
  isTransientFailure,
  queryExcerpt,
  redactEndpoint,
  SparqlError,
  TRANSIENT_ERROR_CODES,
  TruncatedResultError,
  virtuosoErrorCode,
  type SparqlErrorDetails,
  type SparqlFailureClassification,
  type SparqlFailureInput,
  type SparqlFailureKind,
} from './errors.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export { buildRequestHeaders, describeHeaders, HeaderError, SECRET_HEADERS, SUDO_HEADER, type AllowedGroup, type MuHeaderOptions } from './headers.js';
export { Semaphore } from './semaphore.js';
export { DEFAULT_BATCH_SIZE, dedupeQuads, writableQuadKey, writeInBatches, type BatchOptions, type BatchWriteReport } from './batching.js';
export {
  bindingsFromJson,
  parseAskJson,
  parseSelectJson,
  SelectJsonScanner,
  SparqlResultFormatError,
  type Bindings,
  type JsonBindings,
  type ParsedSelect,
} from './results.js';
export {
  countThenPage,
  DEFAULT_PAGE_SIZE,
  PagingError,
  selectAll,
  selectPaged,
  type CountThenPageOptions,
  type PagedSelectOptions,
  type PageRequest,
  type PagingSource,
  type PagingSummary,
  type SelectAllOptions,
} from './paging.js';
export {
  createSparqlClient,
  DEFAULT_MAX_CONCURRENCY,
  DEFAULT_MAX_ROWS,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type ConstructOptions,
  type RetryOptions,
  type SelectJsonResult,
  type SparqlCallOptions,
  type SparqlClient,
  type SparqlClientOptions,
  type SparqlQuery,
  type WaitForEndpointOptions,
  type WriteOptions,
} from './client.js';
