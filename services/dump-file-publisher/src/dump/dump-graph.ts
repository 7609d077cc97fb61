/**
 * One dump: the publication graph, read subject page by subject page (GraphReader), written as Turtle
 * (writeTurtleFile). Memory holds one batch of subjects' triples at a time. Triples with a blank-node
 * subject or object are skipped and counted per predicate (the suite's one blank-node policy,
 * docs/export-definition.md): blank-node subjects are never selected and counted by one query.
 */
import type { Quad } from '@delta-producer/core';
import type { GraphReader } from './graph-reader.js';
import { prefetchOne } from './prefetch.js';
import { writeTurtleFile } from './turtle-file.js';

export interface DumpProgress {
  subjects: number;
  triples: number;
}

export interface DumpResult extends DumpProgress {
  bytes: number;
  /** Skipped triples with a blank-node subject or object, per predicate. */
  skippedBlankNodes: Record<string, number>;
}

export async function dumpGraph(input: { reader: GraphReader; graph: string; path: string; onProgress?: (progress: DumpProgress) => Promise<void> | void }): Promise<DumpResult> {
  const progress: DumpProgress = { subjects: 0, triples: 0 };
  const skippedBlankNodes: Record<string, number> = {};
  async function* quads(): AsyncGenerator<Quad> {
    for await (const subjects of prefetchOne(input.reader.subjectPages(input.graph))) {
      for await (const groups of prefetchOne(input.reader.triplesOf(input.graph, subjects))) {
        for (const group of groups) {
          if (group.length > 0) progress.subjects += 1;
          for (const quad of group) {
            if (quad.object.termType === 'BlankNode') {
              skippedBlankNodes[quad.predicate.value] = (skippedBlankNodes[quad.predicate.value] ?? 0) + 1;
              continue;
            }
            progress.triples += 1;
            yield quad;
          }
        }
        await input.onProgress?.({ ...progress });
      }
    }
  }
  const bytes = await writeTurtleFile(input.path, quads());
  for (const [predicate, count] of Object.entries(await input.reader.blankSubjectTriples(input.graph))) {
    skippedBlankNodes[predicate] = (skippedBlankNodes[predicate] ?? 0) + count;
  }
  return { ...progress, bytes, skippedBlankNodes };
}
