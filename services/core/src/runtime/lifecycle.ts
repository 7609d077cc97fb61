import { EventEmitter } from 'node:events';
import type { Logger } from './logger.js';

export type StopHook = () => Promise<void> | void;

export type LifecycleState = 'running' | 'stopping' | 'stopped';

export interface StopHookFailure {
  name: string;
  error: unknown;
}

export interface StopOutcome {
  /** False when a hook failed; the other hooks still ran. */
  ok: boolean;
  failures: StopHookFailure[];
}

export interface LifecycleEvents {
  stopping: [];
  hookStopped: [{ name: string; durationMs: number }];
  hookFailed: [StopHookFailure];
  stopped: [StopOutcome];
}

export class LifecycleStoppedError extends Error {
  override readonly name = 'LifecycleStoppedError';
  constructor(
    readonly hookName: string,
    readonly state: LifecycleState,
  ) {
    super(`cannot register stop hook "${hookName}": the service is already ${state}`);
  }
}

/**
 * What the composition root started and must stop. Parts register a stop hook as they start;
 * stop() runs the hooks last-started-first (the HTTP server stops taking work before the queue
 * and store connections it uses go away), one at a time, each awaited.
 */
export class Lifecycle extends EventEmitter<LifecycleEvents> {
  readonly #hooks: { name: string; stop: StopHook }[] = [];
  readonly #logger: Logger;
  #state: LifecycleState = 'running';
  #stopped: Promise<StopOutcome> | undefined;

  constructor(options: { logger: Logger }) {
    super();
    this.#logger = options.logger;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  onStop(name: string, stop: StopHook): void {
    if (this.#state !== 'running') throw new LifecycleStoppedError(name, this.#state);
    this.#hooks.push({ name, stop });
  }

  /** Runs every stop hook; a second call returns the same promise. Never rejects: failures are in the outcome. */
  stop(): Promise<StopOutcome> {
    this.#stopped ??= this.#runHooks();
    return this.#stopped;
  }

  async #runHooks(): Promise<StopOutcome> {
    this.#state = 'stopping';
    this.#logger.info({ hooks: this.#hooks.length }, 'stopping');
    this.emit('stopping');
    const failures: StopHookFailure[] = [];
    for (const { name, stop } of [...this.#hooks].reverse()) {
      const startedAt = performance.now();
      this.#logger.info({ hook: name }, `stopping ${name}`);
      try {
        await stop();
        const durationMs = Math.round(performance.now() - startedAt);
        this.#logger.info({ hook: name, durationMs }, `stopped ${name}`);
        this.emit('hookStopped', { name, durationMs });
      } catch (error) {
        // This is the boundary for stop-hook errors: logged here, carried on in the outcome.
        this.#logger.error({ hook: name, err: error }, `failed to stop ${name}`);
        failures.push({ name, error });
        this.emit('hookFailed', { name, error });
      }
    }
    const outcome: StopOutcome = { ok: failures.length === 0, failures };
    this.#state = 'stopped';
    this.#logger.info({ ok: outcome.ok }, 'stopped');
    this.emit('stopped', outcome);
    return outcome;
  }
}

export interface SignalHandlerOptions {
  logger: Logger;
  /** How long stopping may take before the process exits with code 1 anyway. */
  timeoutMs: number;
  signals?: readonly NodeJS.Signals[];
}

/**
 * Stops the service on the first SIGTERM or SIGINT and exits: 0 when every hook stopped, 1 when
 * one failed or stopping outlasted `timeoutMs`. A second signal exits with 1 at once (an operator
 * pressing Ctrl-C again does not want to wait). Returns a function that removes the handlers.
 */
export function installSignalHandlers(lifecycle: Lifecycle, options: SignalHandlerOptions): () => void {
  const { logger, timeoutMs } = options;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let isStopping = false;

  const onSignal = (signal: NodeJS.Signals): void => {
    if (isStopping) {
      logger.warn({ signal }, `received ${signal} again while stopping; exiting now`);
      process.exit(1);
    }
    isStopping = true;
    logger.info({ signal, timeoutMs }, `received ${signal}; stopping`);
    void stopWithin(lifecycle, timeoutMs).then((exitCode) => {
      if (exitCode === 'timeout') logger.error({ timeoutMs }, 'stopping took too long; exiting');
      process.exit(exitCode === 'timeout' ? 1 : exitCode);
    });
  };

  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}

async function stopWithin(lifecycle: Lifecycle, timeoutMs: number): Promise<0 | 1 | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  // Deliberately not unref'd: a hook that waits on nothing must still end in an exit code.
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([lifecycle.stop(), deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') return outcome;
  return outcome.ok ? 0 : 1;
}
