/**
 * Crash test: a child process appends (and consumes, acks, compacts) as fast as it can and is killed
 * with SIGKILL at random moments: 27 kills over 3 log directories, 24 of them while appending (6 of
 * those after the child wrote a torn record, which a real kill rarely produces) and 3 while starting.
 * After every kill the log is reopened here and must hold every record the child saw acknowledged,
 * intact, with no gap and no duplicate in the sequence, and every acknowledged cursor position.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DurableLog, type LogRecord } from '../../../src/storage/index.js';
import { recordingLogger, tempDirs } from './support.js';

const repositoryRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/crash-appender.ts', import.meta.url));
/** Independent directories tested side by side (each run pays ~1 s of tsx start-up). */
const LANES = 3;
const RANDOM_KILLS_PER_LANE = 6;
const TORN_WRITE_KILLS_PER_LANE = 2;
const KILLS_WHILE_OPENING_PER_LANE = 1;

type Kill = 'random' | 'torn-write' | 'while-opening';

interface Run {
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
  code: number | null;
}

/**
 * Starts the child and has it killed `delayMs` after its first acknowledged append: by this process
 * ('random'), or by itself after writing a torn record ('torn-write'); or `delayMs` after spawning
 * ('while-opening': it may die while opening and recovering the log).
 */
function runAndKill(dir: string, delayMs: number, kill: Kill): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const args = ['--import', 'tsx', '--conditions=development', fixture, dir, ...(kill === 'torn-write' ? [String(delayMs)] : [])];
    const child = spawn(process.execPath, args, { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const killLater = () => {
      if (kill !== 'torn-write') timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\nA ')) killLater();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    if (kill === 'while-opening') killLater();
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(watchdog);
      resolveRun({ stdout, stderr, code, signal });
    });
  });
}

async function readAll(log: DurableLog): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (;;) {
    const batch = await log.read(records.length === 0 ? log.firstSeq : records.at(-1)!.seq + 1, { maxRecords: 1000 });
    if (batch.length === 0) return records;
    records.push(...batch);
  }
}

const dirs = tempDirs();
afterAll(() => dirs.cleanUp());

interface LaneResult {
  kills: number;
  killsWhileAppending: number;
  acknowledgedAppends: number;
  tornTails: number;
  highestAck: number;
}

async function lane(dir: string): Promise<LaneResult> {
  /** Every acknowledged append of every run: seq -> key + pad length. */
  const acknowledged = new Map<number, { key: string; pad: number }>();
  /** Every key ever found in the log, with its seq (a key at two seqs is a duplicate). */
  const keys = new Map<string, number>();
  let highestAck = 0;
  let killsWhileAppending = 0;
  let tornTails = 0;

  const plan: Kill[] = [
    ...Array<Kill>(RANDOM_KILLS_PER_LANE).fill('random'),
    ...Array<Kill>(TORN_WRITE_KILLS_PER_LANE).fill('torn-write'),
    ...Array<Kill>(KILLS_WHILE_OPENING_PER_LANE).fill('while-opening'),
  ];
  plan.sort(() => Math.random() - 0.5);
  for (const [iteration, kill] of plan.entries()) {
    const delay = kill === 'while-opening' ? 100 + Math.random() * 900 : Math.random() < 0.2 ? 0 : Math.random() * 200;
    const run = await runAndKill(dir, delay, kill);
    const context = `${dir} run ${iteration} (${kill} kill after ${Math.round(delay)} ms); stderr: ${run.stderr}`;
    expect({ signal: run.signal, context }).toEqual({ signal: 'SIGKILL', context });

    const lines = run.stdout.split('\n');
    lines.pop(); // an unterminated last line was not completely printed
    let appendsThisRun = 0;
    for (const line of lines) {
      const [type, seq, key, pad] = line.split(' ');
      if (type === 'A') {
        const previous = acknowledged.get(Number(seq));
        if (previous) throw new Error(`seq ${seq} acknowledged twice (${previous.key}, ${key}); ${context}`);
        acknowledged.set(Number(seq), { key: key!, pad: Number(pad) });
        appendsThisRun++;
      } else if (type === 'K') {
        highestAck = Math.max(highestAck, Number(seq));
      }
    }
    if (kill !== 'while-opening' && appendsThisRun > 0) killsWhileAppending++;

    const logger = recordingLogger();
    const log = await DurableLog.open({ dir, logger, segmentBytes: 256 * 1024 });
    try {
      tornTails += logger.warnings().length;
      if (kill === 'torn-write') {
        expect({ context, warnings: logger.warnings().map((line) => line.message) }).toEqual({ context, warnings: [expect.stringMatching(/cutting off a torn write/)] });
      }
      const records = await readAll(log);
      // Contiguous: firstSeq .. lastSeq, each once.
      expect(records.map((record) => record.seq)).toEqual(Array.from({ length: log.lastSeq - log.firstSeq + 1 }, (_, index) => log.firstSeq + index));
      for (const record of records) {
        const payload = record.payload as { key: string; pad: string };
        const seenAt = keys.get(payload.key);
        if (seenAt !== undefined && seenAt !== record.seq) throw new Error(`record ${payload.key} at seq ${seenAt} and ${record.seq}: duplicate; ${context}`);
        keys.set(payload.key, record.seq);
        expect(payload.pad).toBe('x'.repeat(payload.pad.length));
      }
      const bySeq = new Map(records.map((record) => [record.seq, record.payload as { key: string; pad: string }]));
      const cursor = await log.cursor('consumer');
      expect(cursor.position()).toBeGreaterThanOrEqual(highestAck);
      for (const [seq, { key, pad }] of acknowledged) {
        if (seq < log.firstSeq) {
          // Deleted by compaction, which only happens after the consumer acknowledged it.
          expect({ seq, context, acked: seq <= cursor.position() }).toEqual({ seq, context, acked: true });
          continue;
        }
        expect({ seq, context, record: bySeq.get(seq) }).toEqual({ seq, context, record: { key, pad: 'x'.repeat(pad) } });
      }
    } finally {
      await log.close();
    }
  }
  return { kills: plan.length, killsWhileAppending, acknowledgedAppends: acknowledged.size, tornTails, highestAck };
}

it('keeps every acknowledged record and ack through repeated SIGKILLs', async () => {
  const results = await Promise.all(Array.from({ length: LANES }, async () => lane(await dirs.make())));
  const total = (field: keyof LaneResult) => results.reduce((sum, result) => sum + result[field], 0);
  expect(total('killsWhileAppending')).toBeGreaterThanOrEqual(20);
  expect(total('tornTails')).toBeGreaterThanOrEqual(LANES * TORN_WRITE_KILLS_PER_LANE);
  expect(total('acknowledgedAppends')).toBeGreaterThan(100);
}, 240_000);
