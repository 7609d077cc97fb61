/** Resolves when the dependency is usable; throws (or rejects) with the reason when it is not. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void> | void;

export interface ReadinessCheckResult {
  name: string;
  status: 'pass' | 'fail';
  /** Why the check failed. */
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: ReadinessCheckResult[];
}

export class DuplicateReadinessCheckError extends Error {
  override readonly name = 'DuplicateReadinessCheckError';
  constructor(readonly checkName: string) {
    super(`a readiness check named "${checkName}" is already registered`);
  }
}

/**
 * The checks behind `GET /ready`, e.g. "the triplestore answers". Checks run concurrently on each
 * request; one that takes longer than `timeoutMs` fails and its signal is aborted, so a hanging
 * dependency makes the service unready instead of hanging the probe.
 */
export class ReadinessChecks {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Adds a check; returns a function that removes it again. */
  register(name: string, check: ReadinessCheck): () => void {
    if (this.#checks.has(name)) throw new DuplicateReadinessCheckError(name);
    this.#checks.set(name, check);
    return () => void this.#checks.delete(name);
  }

  async run(): Promise<ReadinessReport> {
    const checks = await Promise.all([...this.#checks].map(([name, check]) => runCheck(name, check, this.#timeoutMs)));
    return { ready: checks.every((check) => check.status === 'pass'), checks };
  }
}

// A failed check is an answer, not an error: it is reported in the result and goes no further.
async function runCheck(name: string, check: ReadinessCheck, timeoutMs: number): Promise<ReadinessCheckResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => check(controller.signal)), timedOut]);
    return { name, status: 'pass' };
  } catch (error) {
    return { name, status: 'fail', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
