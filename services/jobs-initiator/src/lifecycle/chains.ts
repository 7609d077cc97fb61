/**
 * Task chains per job kind, as the lblod job-controller config deployed with the producers chains them
 * (data-model §7.2). Pure.
 *
 * - initialSync job: initial-sync task (index "0") → dump task (index "1")
 * - healing job: healing task (index "0")
 * - dump job: dump task (index "0")
 *
 * A finished task is placed in its job's chain by its operation (job-controller matches on the
 * operation only); when an operation occurs more than once in a chain, the step with the task's index
 * is taken. Indexes are strings, as `task:index` is a plain string literal.
 */
import type { JobKind } from '../config/stream-config.js';

export interface ChainStep {
  operation: string;
  index: string;
}

export type NextStep = { kind: 'next'; step: ChainStep } | { kind: 'done' } | { kind: 'unknown' };

/** The chain of a job kind, with the configured task operations. */
export function taskChain(kind: JobKind, taskOperations: Record<JobKind, string>): ChainStep[] {
  switch (kind) {
    case 'initialSync':
      return [
        { operation: taskOperations.initialSync, index: '0' },
        { operation: taskOperations.dump, index: '1' },
      ];
    case 'healing':
      return [{ operation: taskOperations.healing, index: '0' }];
    case 'dump':
      return [{ operation: taskOperations.dump, index: '0' }];
  }
}

/** The chain of every kind. */
export function taskChains(taskOperations: Record<JobKind, string>): Record<JobKind, ChainStep[]> {
  return {
    initialSync: taskChain('initialSync', taskOperations),
    healing: taskChain('healing', taskOperations),
    dump: taskChain('dump', taskOperations),
  };
}

/** Position of a task in the chain, or -1 when its operation is not part of it. */
export function stepPosition(chain: readonly ChainStep[], task: { operation?: string; index?: string }): number {
  if (task.operation === undefined) return -1;
  let first = -1;
  for (let position = 0; position < chain.length; position += 1) {
    const step = chain[position]!;
    if (step.operation !== task.operation) continue;
    if (step.index === task.index) return position;
    if (first === -1) first = position;
  }
  return first;
}

/** What follows a task that succeeded: the next step, `done` after the last one, `unknown` off-chain. */
export function nextStep(chain: readonly ChainStep[], finished: { operation?: string; index?: string }): NextStep {
  const position = stepPosition(chain, finished);
  if (position === -1) return { kind: 'unknown' };
  const next = chain[position + 1];
  return next ? { kind: 'next', step: next } : { kind: 'done' };
}
