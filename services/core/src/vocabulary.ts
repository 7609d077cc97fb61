/**
 * Every prefix and fixed IRI of the delta-producer data model (shared/reference/data-model.md), in one
 * module. Configurable values (job operations, graphs, task operations) take their defaults from here
 * but always come from configuration at run time.
 */

/** Prefix name → namespace IRI. Queries declare the prefixes they use from this table (see sparql-text.ts). */
export const PREFIXES = {
  mu: 'http://mu.semte.ch/vocabularies/core/',
  task: 'http://redpencil.data.gift/vocabularies/tasks/',
  dct: 'http://purl.org/dc/terms/',
  prov: 'http://www.w3.org/ns/prov#',
  nie: 'http://www.semanticdesktop.org/ontologies/2007/01/19/nie#',
  nfo: 'http://www.semanticdesktop.org/ontologies/2007/03/22/nfo#',
  ext: 'http://mu.semte.ch/vocabularies/ext/',
  oslc: 'http://open-services.net/ns/core#',
  cogs: 'http://vocab.deri.ie/cogs#',
  adms: 'http://www.w3.org/ns/adms#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dbpedia: 'http://dbpedia.org/resource/',
  dbpediaOntology: 'http://dbpedia.org/ontology/',
  deltas: 'http://redpencil.data.gift/vocabularies/deltas/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  muAccount: 'http://mu.semte.ch/vocabularies/account/',
  foaf: 'http://xmlns.com/foaf/0.1/',
} as const;

export type PrefixName = keyof typeof PREFIXES;

const P = PREFIXES;

export const RDF = {
  type: `${P.rdf}type`,
  langString: `${P.rdf}langString`,
} as const;

export const XSD = {
  string: `${P.xsd}string`,
  boolean: `${P.xsd}boolean`,
  integer: `${P.xsd}integer`,
  decimal: `${P.xsd}decimal`,
  double: `${P.xsd}double`,
  float: `${P.xsd}float`,
  dateTime: `${P.xsd}dateTime`,
  date: `${P.xsd}date`,
} as const;

export const CLASSES = {
  job: `${P.cogs}Job`,
  task: `${P.task}Task`,
  error: `${P.oslc}Error`,
  deltasError: `${P.deltas}Error`,
  fileDataObject: `${P.nfo}FileDataObject`,
  dataContainer: `${P.nfo}DataContainer`,
  dataset: `${P.dcat}Dataset`,
  distribution: `${P.dcat}Distribution`,
  onlineAccount: `${P.foaf}OnlineAccount`,
} as const;

export const PREDICATES = {
  uuid: `${P.mu}uuid`,
  status: `${P.adms}status`,
  created: `${P.dct}created`,
  modified: `${P.dct}modified`,
  issued: `${P.dct}issued`,
  creator: `${P.dct}creator`,
  isPartOf: `${P.dct}isPartOf`,
  subject: `${P.dct}subject`,
  title: `${P.dct}title`,
  type: `${P.dct}type`,
  format: `${P.dct}format`,
  publisher: `${P.dct}publisher`,
  operation: `${P.task}operation`,
  index: `${P.task}index`,
  taskError: `${P.task}error`,
  resultsContainer: `${P.task}resultsContainer`,
  inputContainer: `${P.task}inputContainer`,
  hasFile: `${P.task}hasFile`,
  hasGraph: `${P.task}hasGraph`,
  dependsOn: `${P.cogs}dependsOn`,
  message: `${P.oslc}message`,
  wasRevisionOf: `${P.prov}wasRevisionOf`,
  dataSource: `${P.nie}dataSource`,
  fileName: `${P.nfo}fileName`,
  fileSize: `${P.nfo}fileSize`,
  distribution: `${P.dcat}distribution`,
  byteSize: `${P.dcat}byteSize`,
  compressFormat: `${P.dcat}compressFormat`,
  /** Delta files and dumps (data-model §9, §11). */
  fileExtension: `${P.dbpedia}fileExtension`,
  /** mu-file-service's model and healing reports; accepted when reading (pitfall 35). */
  fileExtensionOntology: `${P.dbpediaOntology}fileExtension`,
  account: `${P.muAccount}account`,
  hasDeltafileTimestamp: `${P.ext}hasDeltafileTimestamp`,
  hasDeltafileId: `${P.ext}hasDeltafileId`,
  hasDeltafileName: `${P.ext}hasDeltafileName`,
} as const;

const STATUS_BASE = 'http://redpencil.data.gift/id/concept/JobStatus/';

/** `adms:status` concepts; jobs and tasks share them. "Active" means scheduled or busy. */
export const STATUS = {
  scheduled: `${STATUS_BASE}scheduled`,
  busy: `${STATUS_BASE}busy`,
  success: `${STATUS_BASE}success`,
  failed: `${STATUS_BASE}failed`,
  canceled: `${STATUS_BASE}canceled`,
} as const;

export type StatusName = keyof typeof STATUS;
export const ACTIVE_STATUSES: readonly string[] = [STATUS.scheduled, STATUS.busy];

export function statusName(iri: string): StatusName | undefined {
  const entry = Object.entries(STATUS).find(([, value]) => value === iri);
  return entry ? (entry[0] as StatusName) : undefined;
}

const JOB_OPERATION_BASE = 'http://redpencil.data.gift/id/jobs/concept/JobOperation/deltas/';
const TASK_OPERATION_BASE = 'http://redpencil.data.gift/id/jobs/concept/TaskOperation/deltas/';

/** Conventional per-stream job operations (defaults only: real values come from configuration). */
export const conventionalJobOperations = (stream: string) => ({
  initialSync: `${JOB_OPERATION_BASE}initialPublicationGraphSyncing/${stream}`,
  healing: `${JOB_OPERATION_BASE}healingOperation/${stream}`,
  dump: `${JOB_OPERATION_BASE}deltaDumpFileCreation/${stream}`,
});

/** Task operations shared by all streams. */
export const TASK_OPERATIONS = {
  initialSync: `${TASK_OPERATION_BASE}initialPublicationGraphSyncing`,
  healing: `${TASK_OPERATION_BASE}healing/patchPublicationGraph`,
  dump: `${TASK_OPERATION_BASE}deltaDumpFileCreation`,
  reportGeneration: `${TASK_OPERATION_BASE}healing/reportGeneration`,
  consumerInitialSync: `${TASK_OPERATION_BASE}consumer/initialSyncing`,
  consumerDeltaSync: `${TASK_OPERATION_BASE}consumer/deltaSyncing`,
} as const;

export const SCOPES = {
  initialSync: 'http://redpencil.data.gift/id/concept/muScope/deltas/initialSync',
  publicationGraphMaintenance: 'http://redpencil.data.gift/id/concept/muScope/deltas/publicationGraphMaintenance',
  consumerInitialSync: 'http://redpencil.data.gift/id/concept/muScope/deltas/consumer/initialSync',
} as const;

export const CREATORS = {
  jobsInitiator: 'http://lblod.data.gift/services/delta-producer-background-jobs-initiator',
  maintainer: 'http://lblod.data.gift/services/delta-producer-publication-graph-maintainer',
  dumpPublisher: 'http://lblod.data.gift/services/delta-producer-dump-file-publisher',
} as const;

export const ERROR_SUBJECTS = {
  jobsInitiator: 'Delta Producer Background Jobs Initiator',
  maintainer: 'Delta Producer Publication Graph Maintainer',
  dumpPublisher: 'Delta Producer Dump File Publisher',
} as const;

/** Bases of minted resource IRIs (data-model §4); each is followed by a uuid. */
export const URI_BASES = {
  job: 'http://redpencil.data.gift/id/job/',
  task: 'http://redpencil.data.gift/id/task/',
  jobError: 'http://redpencil.data.gift/id/jobs/error/',
  maintainerError: 'http://redpencil.data.gift/id/publication-maintenance/error/',
  deltaFile: 'http://data.lblod.info/files/',
  reportFile: 'http://data.lblod.info/id/files/',
  dataContainer: 'http://data.lblod.info/id/dataContainers/',
  dataset: 'http://data.lblod.info/id/dataset/',
  distribution: 'http://data.lblod.info/id/distribution/',
  dumpFile: 'http://data.lblod.info/id/file/',
  session: 'http://mu.semte.ch/sessions/',
} as const;

export const DATASET = {
  dumpType: 'http://data.lblod.info/vocabularies/datasets/DeltaCacheGraphDump',
  dumpTitle: 'Delta producer cache graph dump',
  gzipFormat: 'http://www.iana.org/assignments/media-types/application/gzip',
} as const;

/** The suite's progress and results of initial-sync and healing tasks (new: the lblod model has none). */
export const TASK_REPORTING = {
  /** On the task while it runs: resources processed so far and the estimated total (xsd:integer). */
  processed: `${P.deltas}processedResources`,
  total: `${P.deltas}totalResources`,
  /** `dct:subject` of the results container (an nfo:DataContainer linked by task:resultsContainer). */
  resultsSubject: 'http://redpencil.data.gift/id/concept/DeltaProducer/TaskResults',
  /** On the container and on each count: triples inserted into / deleted from the publication graph. */
  inserted: `${P.deltas}insertedTriples`,
  deleted: `${P.deltas}deletedTriples`,
  /** Container → one count per predicate or per type. */
  count: `${P.deltas}changeCount`,
  countedPredicate: `${P.deltas}predicate`,
  countedType: `${P.deltas}type`,
} as const;

export const HEALING_CONTAINERS = {
  removal: 'http://redpencil.data.gift/id/concept/HealingProcess/RemovalContainer',
  insertion: 'http://redpencil.data.gift/id/concept/HealingProcess/InsertionContainer',
} as const;

export const CONSUMER = {
  defaultAccount: 'http://services.lblod.info/diff-consumer/account',
  cursorContainerSubject: 'http://redpencil.data.gift/id/concept/DeltaSync/DeltafileInfo',
} as const;

export const GRAPHS = {
  defaultJobs: 'http://mu.semte.ch/graphs/system/jobs',
  public: 'http://mu.semte.ch/graphs/public',
  login: 'http://mu.semte.ch/graphs/diff-producer/login',
  errors: 'http://mu.semte.ch/graphs/system/errors',
  /** Where Elixir mu-authorization writes triples of an update without GRAPH. */
  application: 'http://mu.semte.ch/application',
} as const;
