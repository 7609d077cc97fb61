/**
 * Candidate tasks from delta messages: the subjects of inserted `adms:status` triples whose object is
 * success or failed. Deletes, other statuses and other predicates are ignored. Pure.
 *
 * A candidate is only a trigger: the lifecycle re-reads the task, its job and the job's other tasks
 * from the store before acting, so a stale, duplicated or foreign delta (a job's status, a task of
 * another app) costs one read and changes nothing.
 */
import { PREDICATES, STATUS, type Changeset } from '@delta-producer/core';

export interface StatusChange {
  /** The subject whose status was inserted (usually a task; a job's own status changes come too). */
  task: string;
  /** The graph of the inserted triple; undefined when the delta did not name one. */
  graph?: string;
  status: 'success' | 'failed';
}

const FINISHED: ReadonlyMap<string, StatusChange['status']> = new Map([
  [STATUS.success, 'success'],
  [STATUS.failed, 'failed'],
]);

/** The finished-status inserts of the changesets, in message order, one per (subject, graph, status). */
export function extractStatusChanges(changesets: readonly Changeset[]): StatusChange[] {
  const seen = new Set<string>();
  const changes: StatusChange[] = [];
  for (const changeset of changesets) {
    for (const quad of changeset.inserts) {
      if (quad.predicate.value !== PREDICATES.status || quad.subject.termType !== 'NamedNode' || quad.object.termType !== 'NamedNode') continue;
      const status = FINISHED.get(quad.object.value);
      if (!status) continue;
      const graph = quad.graph.termType === 'NamedNode' ? quad.graph.value : undefined;
      const key = `${quad.subject.value} ${graph ?? ''} ${status}`;
      if (seen.has(key)) continue;
      seen.add(key);
      changes.push({ task: quad.subject.value, graph, status });
    }
  }
  return changes;
}
