/**
 * The durable log on a disk that fills up for a while (a real tmpfs): appends fail and are not
 * acknowledged, nothing acknowledged before is lost, and once there is room the same open log takes
 * appends again, without a restart. A reopen then holds exactly the acknowledged records, in order.
 * (A read-only remount is refused while the log holds its files open for writing, so "read-only" is
 * tested where files are opened per write: the delta files on /share.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountTmpfs, type TestTmpfs } from '../../../../core/test/support/tmpfs.js';
import { DurableLog, DurableLogError, type LogRecord } from '../../../src/storage/index.js';
import { recordingLogger } from './support.js';

let base: string;
let disk: TestTmpfs;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'durable-log-disk-'));
  disk = await mountTmpfs(join(base, 'disk'), 1024 * 1024);
});

afterEach(async () => {
  await disk?.unmount();
  await rm(base, { recursive: true, force: true });
});

async function readAll(log: DurableLog): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  for (let next = log.firstSeq; ; ) {
    const batch = await log.read(next, { maxRecords: 500 });
    if (batch.length === 0) return records;
    records.push(...batch);
    next = batch.at(-1)!.seq + 1;
  }
}

const payload = (index: number) => ({ index, text: 'x'.repeat(200) });

test('a full disk refuses appends; once there is room the same log takes them, and only acknowledged records exist', async () => {
  const dir = join(disk.dir, 'log');
  // The cursor file is rewritten (a new file) every 4 acks, so a full disk reaches it quickly.
  let log = await DurableLog.open({ dir, logger: recordingLogger(), cursorRewriteEntries: 4 });
  const cursor = await log.cursor('reader');
  const acknowledged: number[] = [];
  for (let index = 0; index < 20; index++) {
    await log.append(payload(index));
    acknowledged.push(index);
  }
  await cursor.ack(5);

  await disk.fill();
  // The segment's last page may still have room for a few records; after the first refusal every
  // append is refused.
  let refused = 0;
  for (let index = 20; index < 100 && refused < 10; index++) {
    try {
      await log.append(payload(index));
      expect(refused).toBe(0);
      acknowledged.push(index);
    } catch (error) {
      expect(error).toBeInstanceOf(DurableLogError);
      refused++;
    }
  }
  expect(refused).toBe(10);
  // A cursor ack fails too, at its next rewrite …
  let ackRefused = false;
  for (let seq = 6; seq <= 20 && !ackRefused; seq++) ackRefused = await cursor.ack(seq).then(() => false, (error: unknown) => error instanceof DurableLogError);
  expect(ackRefused).toBe(true);

  await disk.makeRoom();
  for (let index = 100; index < 110; index++) {
    await log.append(payload(index));
    acknowledged.push(index);
  }
  // … and the next ack writes it.
  await cursor.ack(21);
  expect((await readAll(log)).map((record) => (record.payload as { index: number }).index)).toEqual(acknowledged);

  await log.close();
  log = await DurableLog.open({ dir, logger: recordingLogger() });
  const records = await readAll(log);
  expect(records.map((record) => (record.payload as { index: number }).index)).toEqual(acknowledged);
  expect(records.map((record) => record.seq)).toEqual(acknowledged.map((_, position) => position + 1));
  expect((await log.cursor('reader')).position()).toBe(21);
  await log.close();
});
