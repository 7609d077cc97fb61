/**
 * The update engine: runs updates one at a time (FIFO), so the deltas it publishes are in execution
 * order, and turns each into exactly its effective writes plus one DeltaEvent.
 *
 * Per update: plan every operation first (a refused update writes nothing), then per operation:
 * evaluate WHERE on the backend, instantiate the templates, ask the backend which quads exist,
 * compute the effective changes, apply them (the next operation sees them). Then commit (the
 * embedded store fsyncs its journal), publish, answer. On failure the embedded store rolls the whole
 * update back and nothing is published; a remote store keeps what was written, so the changesets of
 * the operations that completed are published before the error is reported.
 */
import type { NamedNode, Quad } from '@rdfjs/types';
import type { Update } from 'sparqljs';
import { canonicalQuadKey, type Logger } from '@delta-producer/core';
import type { Backend } from '../backend/types.js';
import type { DeltaEventHeaders, DeltaSink } from '../notifier/types.js';
import { buildChangesets, type DeltaMode, type OperationOutcome } from './changesets.js';
import {
  computeEffective,
  instantiate,
  planUpdate,
  regraph,
  type Endpoint,
  type EffectiveChanges,
  type GraphManagementPlan,
  type ModifyPlan,
  type OperationPlan,
  type RequestedChanges,
} from './planner.js';
import { SerialQueue } from './serial-queue.js';

export interface UpdateEngineOptions {
  backend: Backend;
  sink: DeltaSink;
  logger: Logger;
  deltaMode: DeltaMode;
  defaultGraph: NamedNode;
}

export interface UpdateRequest {
  endpoint: Endpoint;
  text: string;
  update: Update;
  /** mu-* headers of the request, carried into the DeltaEvent. */
  headers: DeltaEventHeaders;
  /** `mu-auth-sudo` was present. */
  sudo: boolean;
  /** The client's address. */
  origin?: string;
}

export interface OperationSummary {
  name: string;
  requestedDeletes: number;
  requestedInserts: number;
  effectiveDeletes: number;
  effectiveInserts: number;
}

export interface UpdateResult {
  operations: OperationSummary[];
  /** Changesets published (0 on the direct endpoint). */
  published: number;
}

/** The engine no longer takes updates (the gateway is stopping). */
export class EngineStoppedError extends Error {
  override readonly name = 'EngineStoppedError';
}

export class UpdateEngine {
  readonly #backend: Backend;
  readonly #sink: DeltaSink;
  readonly #logger: Logger;
  readonly #mode: DeltaMode;
  readonly #defaultGraph: NamedNode;
  readonly #queue = new SerialQueue();
  #sequenceId = 0;
  #stopping = false;

  constructor(options: UpdateEngineOptions) {
    this.#backend = options.backend;
    this.#sink = options.sink;
    this.#logger = options.logger;
    this.#mode = options.deltaMode;
    this.#defaultGraph = options.defaultGraph;
  }

  /** Runs the update after those before it. Throws UpdateRefusedError (nothing written) before queueing. */
  async execute(request: UpdateRequest): Promise<UpdateResult> {
    if (this.#stopping) throw new EngineStoppedError('the gateway is stopping and takes no more updates');
    const native = request.endpoint === 'direct' ? this.#backend.executeNative?.bind(this.#backend) : undefined;
    if (native) {
      return this.#queue.run(async () => {
        await native(request.text);
        return { operations: [], published: 0 };
      });
    }
    const plans = planUpdate(request.update, { endpoint: request.endpoint, defaultGraph: this.#defaultGraph });
    return this.#queue.run(() => this.#run(plans, request));
  }

  /** Refuses new updates and resolves once the queued and running ones are done. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#queue.idle();
  }

  async #run(plans: readonly OperationPlan[], request: UpdateRequest): Promise<UpdateResult> {
    const transaction = this.#backend.begin();
    const outcomes: OperationOutcome[] = [];
    const summaries: OperationSummary[] = [];
    try {
      for (const plan of plans) {
        const requested = plan.kind === 'modify' ? await this.#requestedByTemplates(plan, request.endpoint) : await this.#requestedByGraphs(plan);
        const all = [...requested.deletes, ...requested.inserts];
        const present = all.length === 0 ? new Set<string>() : await this.#backend.presentKeys(all);
        const effective = this.#writable(computeEffective(requested, (q) => present.has(canonicalQuadKey(q))));
        await transaction.apply(effective);
        outcomes.push({ requested, effective });
        summaries.push({
          name: plan.name,
          requestedDeletes: requested.deletes.length,
          requestedInserts: requested.inserts.length,
          effectiveDeletes: effective.deletes.length,
          effectiveInserts: effective.inserts.length,
        });
      }
      await transaction.commit();
    } catch (error) {
      const undone = await transaction.rollback().catch((rollbackError: unknown) => {
        this.#logger.error({ err: rollbackError }, 'rolling back a failed update failed');
        return false;
      });
      if (!undone && outcomes.length > 0 && request.endpoint === 'delta') {
        this.#logger.warn({ completedOperations: outcomes.length, operations: plans.length }, 'update failed after writing part of it; publishing the completed operations');
        this.#publish(outcomes, request);
      }
      throw error;
    }
    const published = request.endpoint === 'delta' ? this.#publish(outcomes, request) : 0;
    this.#logger.debug({ endpoint: request.endpoint, operations: summaries, published }, 'update executed');
    return { operations: summaries, published };
  }

  async #requestedByTemplates(plan: ModifyPlan, endpoint: Endpoint): Promise<RequestedChanges> {
    const solutions = plan.where ? await this.#backend.selectAll(plan.where) : [new Map()];
    const deletes = instantiate(plan.deleteTemplate, solutions);
    const inserts = instantiate(plan.insertTemplate, solutions);
    if (deletes.skipped + inserts.skipped > 0) {
      this.#logger.debug({ endpoint, operation: plan.name, skipped: deletes.skipped + inserts.skipped }, 'template triples skipped (unbound, not a resource, or duplicate)');
    }
    return { deletes: deletes.quads, inserts: inserts.quads };
  }

  async #requestedByGraphs(plan: GraphManagementPlan): Promise<RequestedChanges> {
    const inserts = plan.copy ? regraph(await this.#backend.graphQuads(plan.copy.from), plan.copy.to) : [];
    const deletes: Quad[] = [];
    for (const target of plan.deleteFrom) deletes.push(...(await this.#backend.graphQuads(target)));
    return { deletes, inserts };
  }

  /** A remote store cannot be told about blank nodes: such quads are not written (and logged). */
  #writable(changes: EffectiveChanges): EffectiveChanges {
    if (this.#backend.kind !== 'remote') return changes;
    const hasBlank = (q: Quad) => q.subject.termType === 'BlankNode' || q.object.termType === 'BlankNode';
    const deletes = changes.deletes.filter((q) => !hasBlank(q));
    const inserts = changes.inserts.filter((q) => !hasBlank(q));
    const dropped = changes.deletes.length + changes.inserts.length - deletes.length - inserts.length;
    if (dropped > 0) this.#logger.warn({ dropped }, 'quads with blank nodes cannot be written to a remote store; left out');
    return { deletes, inserts };
  }

  #publish(outcomes: readonly OperationOutcome[], request: UpdateRequest): number {
    const { headers } = request;
    const allowedGroups = request.sudo ? 'sudo' : headers['mu-auth-allowed-groups'];
    const { changeSets, omitted } = buildChangesets(
      this.#mode,
      outcomes,
      {
        ...(allowedGroups !== undefined ? { allowedGroups } : {}),
        ...(request.origin !== undefined ? { origin: request.origin } : {}),
        ...(headers['mu-auth-scope'] !== undefined ? { scope: headers['mu-auth-scope'] } : {}),
        ...(headers['mu-call-scope-id'] !== undefined ? { callScope: headers['mu-call-scope-id'] } : {}),
      },
      () => ++this.#sequenceId,
    );
    if (omitted > 0) this.#logger.warn({ omitted }, 'quads with blank nodes left out of the delta');
    if (changeSets.length > 0) this.#sink.publish({ changeSets, headers });
    return changeSets.length;
  }
}
