import { TASK_OPERATIONS } from '@delta-producer/core';
import { nextStep, taskChain, taskChains } from '../../../src/lifecycle/chains.js';

const OPS = { initialSync: TASK_OPERATIONS.initialSync, healing: TASK_OPERATIONS.healing, dump: TASK_OPERATIONS.dump };

describe('task chains (job-controller config of the producers)', () => {
  it('initial sync: sync task "0" → dump task "1" → done', () => {
    const chain = taskChain('initialSync', OPS);
    expect(chain).toEqual([
      { operation: OPS.initialSync, index: '0' },
      { operation: OPS.dump, index: '1' },
    ]);
    expect(nextStep(chain, { operation: OPS.initialSync, index: '0' })).toEqual({ kind: 'next', step: { operation: OPS.dump, index: '1' } });
    expect(nextStep(chain, { operation: OPS.dump, index: '1' })).toEqual({ kind: 'done' });
  });

  it('healing: one healing task "0" → done', () => {
    const chain = taskChain('healing', OPS);
    expect(chain).toEqual([{ operation: OPS.healing, index: '0' }]);
    expect(nextStep(chain, { operation: OPS.healing, index: '0' })).toEqual({ kind: 'done' });
  });

  it('dump: one dump task "0" → done', () => {
    const chain = taskChain('dump', OPS);
    expect(chain).toEqual([{ operation: OPS.dump, index: '0' }]);
    expect(nextStep(chain, { operation: OPS.dump, index: '0' })).toEqual({ kind: 'done' });
  });

  it('an operation outside the chain is unknown (also a missing operation)', () => {
    const chains = taskChains(OPS);
    expect(nextStep(chains.healing, { operation: TASK_OPERATIONS.reportGeneration, index: '1' })).toEqual({ kind: 'unknown' });
    expect(nextStep(chains.dump, { operation: OPS.initialSync, index: '0' })).toEqual({ kind: 'unknown' });
    expect(nextStep(chains.initialSync, { operation: OPS.healing, index: '0' })).toEqual({ kind: 'unknown' });
    expect(nextStep(chains.initialSync, { index: '0' })).toEqual({ kind: 'unknown' });
  });

  it('places a task by its operation (job-controller matches on it); the index only breaks ties', () => {
    const chain = taskChain('initialSync', OPS);
    // An unexpected index does not make a chain task unknown.
    expect(nextStep(chain, { operation: OPS.initialSync, index: '7' })).toEqual({ kind: 'next', step: { operation: OPS.dump, index: '1' } });
    expect(nextStep(chain, { operation: OPS.dump })).toEqual({ kind: 'done' });
    // Same operation twice (task operations configured equal): the index picks the step.
    const same = { initialSync: OPS.dump, healing: OPS.healing, dump: OPS.dump };
    const twice = taskChain('initialSync', same);
    expect(nextStep(twice, { operation: OPS.dump, index: '0' })).toEqual({ kind: 'next', step: { operation: OPS.dump, index: '1' } });
    expect(nextStep(twice, { operation: OPS.dump, index: '1' })).toEqual({ kind: 'done' });
  });

  it('indexes are strings, as task:index is a plain literal', () => {
    for (const chain of Object.values(taskChains(OPS))) for (const step of chain) expect(typeof step.index).toBe('string');
  });

  it('uses the configured task operations', () => {
    const custom = { initialSync: 'http://example.org/op/sync', healing: 'http://example.org/op/heal', dump: 'http://example.org/op/dump' };
    expect(taskChain('initialSync', custom).map((step) => step.operation)).toEqual([custom.initialSync, custom.dump]);
  });
});
