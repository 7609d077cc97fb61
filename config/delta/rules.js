// delta-notifier rules of the docker-compose stack: mounted at /config of the `deltanotifier` service
// (semtech/mu-delta-notifier), so /config/rules.js. In an existing app, add these three entries to
// its config/delta/rules.js (they only need the callback hosts to be the compose service names).
//
// config/local/delta/rules.js derives the local stack's rules from these (callback hosts → local
// ports, no `ignoreFromSelf`). Here every service has an address of its own, so `ignoreFromSelf`
// drops a service's own writes by origin. The scope opt-outs are read by the cecemel delta-notifier
// fork; upstream mu-delta-notifier ignores them and relies on ignoreFromSelf.
// services/dev-gateway/test/integration/packaging/packaging.test.ts runs these rules through the
// dev-gateway's notifier to check that each service gets the deltas it needs.

const ADMS_STATUS = 'http://www.w3.org/ns/adms#status';
const JOB_STATUS_SCHEDULED = 'http://redpencil.data.gift/id/concept/JobStatus/scheduled';
// [AGREE] with the maintainer's muCallScopeIdInitialSync / muCallScopeIdPublicationGraphMaintenance.
const INITIAL_SYNC_SCOPE = 'http://redpencil.data.gift/id/concept/muScope/deltas/initialSync';
const PUBLICATION_GRAPH_MAINTENANCE_SCOPE = 'http://redpencil.data.gift/id/concept/muScope/deltas/publicationGraphMaintenance';

export default [
  {
    // publication-graph-maintainer: every write may touch exported data, so it gets everything and
    // filters itself; it also picks up scheduled initial-sync and healing tasks from these deltas.
    match: {},
    callback: { url: 'http://delta-producer-publication-graph-maintainer/delta', method: 'POST' },
    options: {
      resourceFormat: 'v0.0.1',
      gracePeriod: 1000,
      ignoreFromSelf: true,
      optOutMuScopeIds: [INITIAL_SYNC_SCOPE, PUBLICATION_GRAPH_MAINTENANCE_SCOPE],
    },
  },
  {
    // dump-file-publisher: starts a dump when a task gets status "scheduled".
    match: {
      predicate: { type: 'uri', value: ADMS_STATUS },
      object: { type: 'uri', value: JOB_STATUS_SCHEDULED },
    },
    callback: { url: 'http://delta-producer-dump-file-publisher/delta', method: 'POST' },
    options: {
      resourceFormat: 'v0.0.1',
      gracePeriod: 1000,
      ignoreFromSelf: true,
      optOutMuScopeIds: [INITIAL_SYNC_SCOPE],
    },
  },
  {
    // jobs-initiator: follows the job and task lifecycle (any status change, from every service),
    // one request per update so transitions arrive one by one. Leave this rule out when lblod's
    // job-controller-service runs the task chains (MANAGE_JOB_LIFECYCLE=false).
    match: {
      predicate: { type: 'uri', value: ADMS_STATUS },
    },
    callback: { url: 'http://delta-producer-background-jobs-initiator/delta', method: 'POST' },
    options: {
      resourceFormat: 'v0.0.1',
    },
  },
];
