import { STATUS, TASK_OPERATIONS, type StatusName } from '@delta-producer/core';
import { taskChains } from '../../../src/lifecycle/chains.js';
import { assembleJobs, foldStatus, type JobState } from '../../../src/lifecycle/job-state.js';
import { planJob } from '../../../src/lifecycle/plan.js';

const OPS = { initialSync: TASK_OPERATIONS.initialSync, healing: TASK_OPERATIONS.healing, dump: TASK_OPERATIONS.dump };
const CHAINS = taskChains(OPS);

interface TaskSpec {
  operation: string;
  index: string;
  status: StatusName;
  containers?: string[];
}

function job(status: StatusName, tasks: TaskSpec[]): JobState {
  return assembleJobs(
    [{ job: 'http://ex/job', operation: 'http://ex/job-op', status: STATUS[status] }],
    tasks.map((task, number) => ({ task: `http://ex/task${number}`, job: 'http://ex/job', operation: task.operation, index: task.index, status: STATUS[task.status], created: `2025-03-01T10:00:0${number}Z` })),
    tasks.flatMap((task, number) => (task.containers ?? []).map((container) => ({ task: `http://ex/task${number}`, container }))),
  )[0]!;
}

describe('planJob', () => {
  it('schedules the dump after a successful initial-sync task, with its results containers', () => {
    const plan = planJob(job('busy', [{ operation: OPS.initialSync, index: '0', status: 'success', containers: ['http://ex/c2', 'http://ex/c1'] }]), CHAINS.initialSync);
    expect(plan.actions).toHaveLength(1);
    const [action] = plan.actions;
    expect(action).toMatchObject({ type: 'createTask', step: { operation: OPS.dump, index: '1' }, after: { uri: 'http://ex/task0', resultsContainers: ['http://ex/c1', 'http://ex/c2'] } });
  });

  it('does not schedule a follow-up that exists with a non-failed status', () => {
    for (const status of ['scheduled', 'busy', 'success', 'canceled'] as const) {
      const plan = planJob(job('busy', [{ operation: OPS.initialSync, index: '0', status: 'success' }, { operation: OPS.dump, index: '1', status }]), CHAINS.initialSync);
      expect(plan.actions.filter((action) => action.type === 'createTask')).toEqual([]);
    }
  });

  it('closes the job as success after the last task of the chain', () => {
    const done = planJob(job('busy', [{ operation: OPS.initialSync, index: '0', status: 'success' }, { operation: OPS.dump, index: '1', status: 'success' }]), CHAINS.initialSync);
    expect(done.actions).toMatchObject([{ type: 'closeJob', to: 'success', because: { uri: 'http://ex/task1' } }]);
    expect(planJob(job('scheduled', [{ operation: OPS.healing, index: '0', status: 'success' }]), CHAINS.healing).actions).toMatchObject([{ type: 'closeJob', to: 'success' }]);
  });

  it('fails the job when a task failed, without follow-up', () => {
    const plan = planJob(job('busy', [{ operation: OPS.initialSync, index: '0', status: 'failed' }]), CHAINS.initialSync);
    expect(plan.actions).toMatchObject([{ type: 'closeJob', to: 'failed', because: { uri: 'http://ex/task0' } }]);
    const late = planJob(job('busy', [{ operation: OPS.initialSync, index: '0', status: 'success' }, { operation: OPS.dump, index: '1', status: 'failed' }]), CHAINS.initialSync);
    expect(late.actions).toMatchObject([{ type: 'closeJob', to: 'failed' }]);
  });

  it('a failed task superseded by a retry (same operation and index, not failed) does not fail the job', () => {
    const plan = planJob(job('busy', [{ operation: OPS.dump, index: '0', status: 'failed' }, { operation: OPS.dump, index: '0', status: 'busy' }]), CHAINS.dump);
    expect(plan.actions).toEqual([]);
  });

  it('leaves jobs that are not active alone', () => {
    for (const status of ['success', 'failed', 'canceled'] as const) {
      expect(planJob(job(status, [{ operation: OPS.initialSync, index: '0', status: 'success' }]), CHAINS.initialSync).actions).toEqual([]);
    }
  });

  it('leaves a job with an off-chain task alone and reports the operation', () => {
    const plan = planJob(
      job('busy', [
        { operation: OPS.healing, index: '0', status: 'success' },
        { operation: TASK_OPERATIONS.reportGeneration, index: '1', status: 'scheduled' },
      ]),
      CHAINS.healing,
    );
    expect(plan).toEqual({ actions: [], unknownOperations: [TASK_OPERATIONS.reportGeneration] });
  });

  it('does nothing while tasks are open', () => {
    expect(planJob(job('busy', [{ operation: OPS.dump, index: '0', status: 'busy' }]), CHAINS.dump).actions).toEqual([]);
    expect(planJob(job('busy', []), CHAINS.dump).actions).toEqual([]);
  });
});

describe('foldStatus', () => {
  it('the most final status wins', () => {
    expect(foldStatus([STATUS.busy, STATUS.success])).toBe('success');
    expect(foldStatus([STATUS.success, STATUS.failed])).toBe('failed');
    expect(foldStatus([STATUS.scheduled, STATUS.busy])).toBe('busy');
    expect(foldStatus(['http://ex/other'])).toBe('unknown');
    expect(foldStatus([])).toBe('unknown');
  });
});
