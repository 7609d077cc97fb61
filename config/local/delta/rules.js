// delta-notifier rules for the local stack, read by the dev-gateway's notifier emulation. Same format
// as /config/rules.js of semtech/mu-delta-notifier (ES module, default export = array of rules), so
// these entries can be copied into an app's config/delta/rules.js with the callback hosts replaced
// (http://delta-producer-publication-graph-maintainer/delta, …).
//
// No `ignoreFromSelf` here: locally every service calls the gateway from 127.0.0.1 and every callback
// host resolves to 127.0.0.1, so it would drop every write, not just the receiving service's own.
// The producers tag their own writes with a scope instead; rules opt out of those scopes.

const ADMS_STATUS = 'http://www.w3.org/ns/adms#status';
const JOB_STATUS_SCHEDULED = 'http://redpencil.data.gift/id/concept/JobStatus/scheduled';
const INITIAL_SYNC_SCOPE = 'http://redpencil.data.gift/id/concept/muScope/deltas/initialSync';
const PUBLICATION_GRAPH_MAINTENANCE_SCOPE = 'http://redpencil.data.gift/id/concept/muScope/deltas/publicationGraphMaintenance';

export default [
  {
    // publication-graph-maintainer: every write may touch exported data, so it gets everything and
    // filters itself. Its own writes (initial sync, publication, delta-file metadata, healing) carry
    // one of the producer scopes and are not sent back to it.
    match: {},
    callback: { url: 'http://localhost:8082/delta', method: 'POST' },
    options: {
      resourceFormat: 'v0.0.1',
      gracePeriod: 250,
      optOutMuScopeIds: [INITIAL_SYNC_SCOPE, PUBLICATION_GRAPH_MAINTENANCE_SCOPE],
    },
  },
  {
    // dump-file-publisher: starts a dump when a task gets status "scheduled". The bulk writes of an
    // initial sync carry the initialSync scope and are skipped; task statuses are written unscoped.
    match: {
      predicate: { type: 'uri', value: ADMS_STATUS },
      object: { type: 'uri', value: JOB_STATUS_SCHEDULED },
    },
    callback: { url: 'http://localhost:8083/delta', method: 'POST' },
    options: {
      resourceFormat: 'v0.0.1',
      gracePeriod: 250,
      optOutMuScopeIds: [INITIAL_SYNC_SCOPE],
    },
  },
  {
    // jobs-initiator: follows the job and task lifecycle (any status change). Sent at once, one
    // request per update, so status transitions arrive one by one.
    match: {
      predicate: { type: 'uri', value: ADMS_STATUS },
    },
    callback: { url: 'http://localhost:8081/delta', method: 'POST' },
    options: {
      resourceFormat: 'v0.0.1',
    },
  },
];
