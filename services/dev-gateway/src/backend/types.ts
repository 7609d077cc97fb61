/**
 * What the gateway needs from a triplestore. Two implementations: the embedded oxigraph store with
 * its own durability (embedded.ts) and a remote SPARQL endpoint such as Virtuoso (remote.ts).
 */
import type { Quad } from '@rdfjs/types';
import type { Query, SelectQuery } from 'sparqljs';
import type { EffectiveChanges, GraphTarget, Solution } from '../update/planner.js';

/** A client's read, as received by the SPARQL endpoint. */
export interface QueryRequest {
  /** The query text as sent. */
  text: string;
  /** Its parse. */
  query: Query;
  /** The client's Accept header (or the `format` form field), for forwarding. */
  accept: string | undefined;
  /** Content negotiation: the best of `types` for the client, undefined when none is acceptable. */
  negotiate(types: readonly string[]): string | undefined;
}

export interface QueryAnswer {
  status: number;
  contentType: string;
  body: string | Buffer;
}

/** Writes of one update, applied operation by operation, then made durable (or undone) as a whole. */
export interface Transaction {
  /** Applies one operation's effective changes (deletes first). Later operations see them. */
  apply(changes: EffectiveChanges): Promise<void>;
  /** Makes every applied change durable; resolves before the client gets its answer. */
  commit(): Promise<void>;
  /** Undoes the applied changes when the backend can; false when they stay (a remote store). */
  rollback(): Promise<boolean>;
}

export interface Backend {
  readonly kind: 'embedded' | 'remote';
  /** For logs: the data directory or the endpoint. */
  readonly description: string;
  /** Answers a client's query (SELECT, ASK, CONSTRUCT, DESCRIBE). */
  query(request: QueryRequest): Promise<QueryAnswer>;
  /** Every solution of an internal SELECT (WHERE evaluation), never truncated. */
  selectAll(select: SelectQuery): Promise<Solution[]>;
  /** Canonical quad keys (core's canonicalQuadKey) of those `quads` that are in the store. */
  presentKeys(quads: readonly Quad[]): Promise<Set<string>>;
  /** Every quad of the target graphs (graph management on the direct endpoint). */
  graphQuads(target: GraphTarget): Promise<Quad[]>;
  /** Starts the writes of one update. Updates are serialised by the engine: one transaction at a time. */
  begin(): Transaction;
  /**
   * Direct endpoint on a remote store: runs the update text as is (the store is durable and does
   * graph management itself). Absent on the embedded store, whose direct writes go through the engine.
   */
  executeNative?(text: string): Promise<void>;
  /** Resolves when the store answers (readiness). */
  check(signal?: AbortSignal): Promise<void>;
  /** Releases the store (closes the journal, the lock). Call after the last transaction. */
  close(): Promise<void>;
}

/** The store refused or failed a request it should have handled (HTTP 500). */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

/** The store refused a client's query as invalid (HTTP 400). */
export class BackendQueryError extends Error {
  override readonly name = 'BackendQueryError';
}
