/**
 * Turtle files that appear whole or not at all: quads stream through n3's StreamWriter (consecutive
 * quads of one subject share it with `;`, vocabulary prefixes are declared) into a hidden `.partial`
 * file in the target folder, which is flushed to disk and renamed into place. A crash leaves only a
 * `.partial` file, never a truncated dump under a published name. The writer ends every statement with
 * `.\n`, so the file ends with a newline (Virtuoso's loader needs it, pitfall 42).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { StreamWriter } from 'n3';
import { fsyncDirectory, PREFIXES, type Quad } from '@delta-producer/core';

export const PARTIAL_SUFFIX = '.partial';

export function partialPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}${PARTIAL_SUFFIX}`);
}

async function flushToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Moves a finished `.partial` file into place, durably. */
async function publish(partial: string, path: string): Promise<number> {
  await flushToDisk(partial);
  await rename(partial, path);
  await fsyncDirectory(dirname(path));
  return (await stat(path)).size;
}

/** Writes the quads as Turtle to `path` (via its `.partial` file); returns the size in bytes. */
export async function writeTurtleFile(path: string, quads: AsyncIterable<Quad>): Promise<number> {
  const partial = partialPathOf(path);
  try {
    await pipeline(Readable.from(quads, { objectMode: true }), new StreamWriter({ format: 'text/turtle', prefixes: { ...PREFIXES } }), createWriteStream(partial, { flags: 'wx' }));
    return await publish(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Writes a gzip copy of `source` to `path` (via its `.partial` file); returns the size in bytes. */
export async function writeGzipCopy(source: string, path: string): Promise<number> {
  const partial = partialPathOf(path);
  try {
    await pipeline(createReadStream(source), createGzip(), createWriteStream(partial, { flags: 'wx' }));
    return await publish(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
