/**
 * Candidate tasks from a delta message: every subject with an inserted `adms:status` scheduled triple
 * (the lblod publisher took only the first one, pitfall 90). A candidate is only a trigger: the task is
 * re-read from the store and claimed before anything runs, so a duplicate or foreign delta costs one read.
 */
import { PREDICATES, STATUS, type Changeset } from '@delta-producer/core';

export function scheduledSubjects(changesets: readonly Changeset[]): string[] {
  const subjects = new Set<string>();
  for (const changeset of changesets) {
    for (const quad of changeset.inserts) {
      if (quad.predicate.value !== PREDICATES.status || quad.subject.termType !== 'NamedNode') continue;
      if (quad.object.termType === 'NamedNode' && quad.object.value === STATUS.scheduled) subjects.add(quad.subject.value);
    }
  }
  return [...subjects];
}
