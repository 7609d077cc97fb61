/**
 * The healing and dump crons of every stream (node-cron, in the stream's time zone). A run never
 * overlaps the previous run of the same cron, and each run carries its tick's scheduled time so the
 * job it creates has deterministic ids.
 */
import nodeCron, { type ScheduledTask, type TaskContext } from 'node-cron';
import type { Logger } from '@delta-producer/core';
import type { JobKind, StreamConfig } from '../config/stream-config.js';
import type { TriggerResult } from './job-scheduler.js';

export type CronTrigger = (stream: StreamConfig, kind: JobKind, tick: Date) => Promise<TriggerResult | undefined>;

export interface CronEntry {
  stream: string;
  kind: JobKind;
  pattern: string;
  timeZone: string;
  nextRun(): Date | null;
}

export class CronRunner {
  private readonly tasks: { entry: CronEntry; task: ScheduledTask }[] = [];
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly trigger: CronTrigger,
    private readonly logger: Logger,
  ) {}

  start(streams: StreamConfig[]): void {
    for (const stream of streams) {
      for (const kind of ['healing', 'dump'] as const) {
        const pattern = stream.cron[kind];
        if (!pattern) continue;
        const task = nodeCron.schedule(pattern, (context: TaskContext) => this.run(stream, kind, context.date), {
          timezone: stream.cron.timeZone,
          noOverlap: true,
          name: `${stream.name}:${kind}`,
        });
        this.tasks.push({ entry: { stream: stream.name, kind, pattern, timeZone: stream.cron.timeZone, nextRun: () => task.getNextRun() }, task });
        this.logger.info({ stream: stream.name, jobKind: kind, pattern, timeZone: stream.cron.timeZone, nextRun: task.getNextRun() }, 'cron scheduled');
      }
    }
  }

  private async run(stream: StreamConfig, kind: JobKind, tick: Date): Promise<void> {
    this.logger.info({ stream: stream.name, jobKind: kind, tick: tick.toISOString() }, `${kind} cron fired`);
    const run = this.trigger(stream, kind, tick);
    this.running.add(run);
    try {
      await run;
    } finally {
      this.running.delete(run);
    }
  }

  entries(): CronEntry[] {
    return this.tasks.map(({ entry }) => entry);
  }

  /** Stops every cron and waits for runs in progress. */
  async stop(): Promise<void> {
    await Promise.all(this.tasks.map(({ task }) => task.stop()));
    await Promise.allSettled([...this.running]);
  }
}
