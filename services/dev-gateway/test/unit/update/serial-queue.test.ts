import { SerialQueue } from '../../../src/update/serial-queue.js';

describe('SerialQueue', () => {
  it('runs tasks one at a time, in order, and keeps going after a failure', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    let running = 0;
    const task = (name: string, ms: number, fail = false) => async () => {
      running++;
      expect(running).toBe(1);
      events.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`end ${name}`);
      running--;
      if (fail) throw new Error(name);
      return name;
    };
    const results = [queue.run(task('a', 20)), queue.run(task('b', 1, true)), queue.run(task('c', 5))];
    expect(queue.pending).toBe(3);
    await expect(results[0]).resolves.toBe('a');
    await expect(results[1]).rejects.toThrow('b');
    await expect(results[2]).resolves.toBe('c');
    await queue.idle();
    expect(queue.pending).toBe(0);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
