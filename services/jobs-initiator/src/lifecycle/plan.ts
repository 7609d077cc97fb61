/**
 * What the lifecycle does with one job, decided from the job's current state (job-controller
 * semantics, data-model §7.2). Pure; the delta path and the scan both use it, on a state read just
 * before, so a lost, late or repeated delta leads to the same outcome as a timely one.
 *
 * - A job that is not active (success, failed, canceled, unknown status) is left as it is.
 * - A task whose operation is not in the job kind's chain means someone else (job-controller, a
 *   pipeline we do not know) manages this job: it is left alone entirely.
 * - A failed task fails the job, unless it was superseded: another task of the job with the same
 *   operation and index and a non-failed status exists (a retry). No follow-up is created then.
 * - A successful task whose chain step has a successor gets it as a new scheduled task, unless a task
 *   of the job with that operation and index and a non-failed status already exists.
 * - A successful task at the last step of the chain makes the job succeed.
 */
import { nextStep, stepPosition, type ChainStep } from './chains.js';
import { isActive, type JobState, type TaskState } from './job-state.js';

export type PlannedAction = { type: 'createTask'; after: TaskState; step: ChainStep } | { type: 'closeJob'; to: 'success' | 'failed'; because: TaskState };

export interface JobPlan {
  actions: PlannedAction[];
  /** Operations of the job's tasks that are not in its chain (the job is left alone). */
  unknownOperations: string[];
}

const NOTHING: JobPlan = { actions: [], unknownOperations: [] };

function sameStep(task: TaskState, step: ChainStep): boolean {
  return task.operation === step.operation && task.index === step.index;
}

export function planJob(job: JobState, chain: readonly ChainStep[]): JobPlan {
  if (!isActive(job.status)) return NOTHING;
  const unknownOperations = [...new Set(job.tasks.filter((task) => stepPosition(chain, task) === -1).map((task) => task.operation ?? '(no operation)'))];
  if (unknownOperations.length > 0) return { actions: [], unknownOperations };

  const failed = job.tasks.find(
    (task) => task.status === 'failed' && !job.tasks.some((other) => other !== task && other.status !== 'failed' && other.operation === task.operation && other.index === task.index),
  );
  if (failed) return { actions: [{ type: 'closeJob', to: 'failed', because: failed }], unknownOperations: [] };

  const creations: PlannedAction[] = [];
  for (const task of job.tasks) {
    if (task.status !== 'success') continue;
    const next = nextStep(chain, task);
    if (next.kind === 'done') return { actions: [{ type: 'closeJob', to: 'success', because: task }], unknownOperations: [] };
    if (next.kind !== 'next') continue;
    const exists = job.tasks.some((other) => other.status !== 'failed' && sameStep(other, next.step));
    const planned = creations.some((action) => action.type === 'createTask' && action.step.operation === next.step.operation && action.step.index === next.step.index);
    if (!exists && !planned) creations.push({ type: 'createTask', after: task, step: next.step });
  }
  return { actions: creations, unknownOperations: [] };
}
