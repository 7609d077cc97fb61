/**
 * Update planning, free of I/O: what each operation of a SPARQL update asks for, and which of the
 * requested changes are effective. The engine (engine.ts) feeds it solutions and presence answers
 * from a backend; unit tests feed it by hand.
 *
 * - planUpdate: sparqljs Update → one OperationPlan per `;`-separated operation, or an
 *   UpdateRefusedError (400) before anything is written.
 * - ModifyPlan: delete/insert quad templates plus the SELECT that evaluates WHERE (none for DATA).
 *   Template triples without GRAPH go to `WITH <g>`, else to the default graph IRI (as the Elixir
 *   mu-authorization writes them to `http://mu.semte.ch/application`).
 * - instantiate: templates × solutions → quads, skipping triples with an unbound variable, a literal
 *   or blank subject position that is not a resource, a non-IRI predicate or graph; deduplicated by
 *   value (core's canonical keys).
 * - computeEffective: effective deletes = requested deletes present in the store and not re-inserted
 *   by the same operation; effective inserts = requested inserts absent before the operation.
 */
import { randomUUID } from 'node:crypto';
import { canonicalQuadKey, quad as makeQuad, blankNode as makeBlankNode, termToSparql, TermError } from '@delta-producer/core';
import type { NamedNode, Quad, Term, Variable } from '@rdfjs/types';
import factory from '@rdfjs/data-model';
import type {
  ClearDropOperation,
  GraphOrDefault,
  GraphReference,
  IriTerm,
  Pattern,
  Quads,
  SelectQuery,
  Triple,
  Update,
  UpdateOperation,
  VariableTerm,
} from 'sparqljs';

export type Endpoint = 'delta' | 'direct';

/** One solution of a WHERE clause: variable name (without `?`) → bound term. */
export type Solution = ReadonlyMap<string, Term>;

/** A quad pattern of a DELETE or INSERT template; triples without GRAPH already carry their target graph. */
export interface QuadTemplate {
  subject: Term;
  predicate: Term;
  object: Term;
  graph: NamedNode | Variable;
}

export type OperationName = 'INSERT DATA' | 'DELETE DATA' | 'DELETE/INSERT WHERE' | 'DELETE WHERE';

export interface ModifyPlan {
  kind: 'modify';
  name: OperationName;
  deleteTemplate: QuadTemplate[];
  insertTemplate: QuadTemplate[];
  /** The SELECT whose solutions instantiate the templates; absent for DATA operations (one empty solution). */
  where?: SelectQuery;
}

/** Graphs addressed by graph management. `default` is the default graph IRI, `named` every other graph. */
export type GraphTarget = { type: 'graph'; graph: NamedNode } | { type: 'named' } | { type: 'all' };

/** CLEAR / DROP / CREATE / ADD / MOVE / COPY, as quads to delete and a graph to copy (direct endpoint only). */
export interface GraphManagementPlan {
  kind: 'graph';
  name: string;
  /** Every quad of these graphs is a requested delete. */
  deleteFrom: GraphTarget[];
  /** Every quad of `from` is a requested insert into `to` (read before any delete). */
  copy?: { from: GraphTarget; to: NamedNode };
}

export type OperationPlan = ModifyPlan | GraphManagementPlan;

export interface PlanOptions {
  endpoint: Endpoint;
  /** Graph of template triples outside GRAPH when there is no WITH; also what `DEFAULT` means in graph management. */
  defaultGraph: NamedNode;
}

/** The update is refused as a whole (HTTP 400); nothing has been written. */
export class UpdateRefusedError extends Error {
  override readonly name = 'UpdateRefusedError';
}

const MANAGEMENT_NAMES: Record<string, string> = { clear: 'CLEAR', drop: 'DROP', create: 'CREATE', load: 'LOAD', add: 'ADD', move: 'MOVE', copy: 'COPY' };

/** Plans every operation of the update, or refuses the whole update. */
export function planUpdate(update: Update, options: PlanOptions): OperationPlan[] {
  return update.updates.map((operation, index) => {
    try {
      return planOperation(operation, options);
    } catch (error) {
      if (error instanceof UpdateRefusedError && update.updates.length > 1) {
        throw new UpdateRefusedError(`operation ${index + 1} of ${update.updates.length}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  });
}

function planOperation(operation: UpdateOperation, options: PlanOptions): OperationPlan {
  if ('type' in operation) {
    const name = MANAGEMENT_NAMES[operation.type] ?? operation.type.toUpperCase();
    if (options.endpoint === 'delta') {
      throw new UpdateRefusedError(
        `${name} is not supported on the delta endpoint (mu-authorization refuses graph management); ` +
          'clear graphs with DELETE WHERE, or use the direct endpoint /direct/sparql',
      );
    }
    return planGraphManagement(operation, options);
  }
  const allowBlankNodes = options.endpoint === 'direct';
  switch (operation.updateType) {
    case 'insert':
      return modifyPlan('INSERT DATA', [], templatesOf(operation.insert, 'INSERT DATA', graphOf(operation.graph) ?? options.defaultGraph, allowBlankNodes));
    case 'delete':
      return modifyPlan('DELETE DATA', templatesOf(operation.delete, 'DELETE DATA', graphOf(operation.graph) ?? options.defaultGraph, allowBlankNodes), []);
    case 'deletewhere': {
      // DELETE WHERE allows no blank nodes anywhere (they would be variables in a delete template).
      const target = graphOf(operation.graph) ?? options.defaultGraph;
      const deleteTemplate = templatesOf(operation.delete, 'DELETE WHERE', target, false);
      return modifyPlan('DELETE WHERE', deleteTemplate, [], whereSelect(operation.delete.map(quadsToPattern), deleteTemplate, {}));
    }
    case 'insertdelete': {
      const target = operation.graph ?? options.defaultGraph;
      const deleteTemplate = templatesOf(operation.delete, 'DELETE template', target, false);
      const insertTemplate = templatesOf(operation.insert, 'INSERT template', target, allowBlankNodes);
      const where = whereSelect(operation.where, [...deleteTemplate, ...insertTemplate], { withGraph: operation.graph, using: operation.using });
      return modifyPlan('DELETE/INSERT WHERE', deleteTemplate, insertTemplate, where);
    }
  }
}

function modifyPlan(name: OperationName, deleteTemplate: QuadTemplate[], insertTemplate: QuadTemplate[], where?: SelectQuery): ModifyPlan {
  return where ? { kind: 'modify', name, deleteTemplate, insertTemplate, where } : { kind: 'modify', name, deleteTemplate, insertTemplate };
}

function graphOf(graph: GraphOrDefault | IriTerm | undefined): NamedNode | undefined {
  if (graph === undefined) return undefined;
  if ('termType' in graph) return graph;
  return graph.name;
}

function templatesOf(blocks: Quads[], where: string, defaultTarget: NamedNode, allowBlankNodes: boolean): QuadTemplate[] {
  const templates: QuadTemplate[] = [];
  for (const block of blocks) {
    const graph = block.type === 'graph' ? block.name : defaultTarget;
    checkTemplateTerm(graph, where, false);
    for (const triple of block.triples) {
      const { subject, predicate, object } = triple;
      if ('type' in predicate) throw new UpdateRefusedError(`${where}: property paths are not allowed in templates`);
      for (const term of [subject, predicate, object]) checkTemplateTerm(term, where, allowBlankNodes);
      templates.push({ subject, predicate, object, graph });
    }
  }
  return templates;
}

function checkTemplateTerm(term: Term, where: string, allowBlankNodes: boolean): void {
  switch (term.termType) {
    case 'Variable':
      return;
    case 'BlankNode':
      if (allowBlankNodes) return;
      throw new UpdateRefusedError(
        `${where} contains a blank node; mu-authorization refuses blank nodes in update templates and data (use IRIs, e.g. skolemised ones)`,
      );
    case 'NamedNode':
    case 'Literal':
      try {
        termToSparql(term);
      } catch (error) {
        if (error instanceof TermError) throw new UpdateRefusedError(`${where}: ${error.message}`, { cause: error });
        throw error;
      }
      return;
    default:
      throw new UpdateRefusedError(`${where}: ${term.termType} terms are not supported`);
  }
}

function quadsToPattern(block: Quads): Pattern {
  if (block.type === 'bgp') return block;
  return { type: 'graph', name: block.name, patterns: [{ type: 'bgp', triples: block.triples }] };
}

// ---------------------------------------------------------------------------------------------
// WHERE → SELECT

const EXISTS_VARIABLE = 'solutionExists';

interface WhereContext {
  withGraph?: NamedNode;
  using?: { default: IriTerm[]; named: IriTerm[] };
}

/**
 * The SELECT that evaluates a WHERE clause: DISTINCT over the template variables it can bind.
 * WITH becomes a `GRAPH <g> { … }` around the pattern (named graphs stay visible, unlike `FROM <g>`);
 * USING / USING NAMED become FROM / FROM NAMED. Without template variables it projects a constant,
 * LIMIT 1: only whether a solution exists matters.
 */
export function whereSelect(where: Pattern[], templates: readonly QuadTemplate[], context: WhereContext): SelectQuery {
  const using = context.using && (context.using.default.length > 0 || context.using.named.length > 0) ? context.using : undefined;
  const patterns: Pattern[] = !using && context.withGraph ? [{ type: 'graph', name: context.withGraph, patterns: where }] : where;
  const inScope = boundVariables(patterns);
  const wanted = new Set<string>();
  for (const template of templates) {
    for (const term of [template.subject, template.predicate, template.object, template.graph]) {
      if (term.termType === 'Variable' && inScope.has(term.value)) wanted.add(term.value);
    }
  }
  const select: SelectQuery = { type: 'query', queryType: 'SELECT', prefixes: {}, variables: [], where: patterns };
  if (using) select.from = { default: [...using.default], named: [...using.named] };
  if (wanted.size > 0) {
    select.distinct = true;
    select.variables = [...wanted].sort().map((name) => factory.variable(name));
  } else {
    select.variables = [{ expression: factory.literal('1', factory.namedNode('http://www.w3.org/2001/XMLSchema#integer')), variable: factory.variable(EXISTS_VARIABLE) }];
    select.limit = 1;
  }
  return select;
}

/** Variables a pattern can bind (in-scope variables, SPARQL 1.1 §18.2.1); MINUS and FILTER bind none. */
export function boundVariables(patterns: readonly Pattern[], into = new Set<string>()): Set<string> {
  const addTerm = (term: Term | { type: string }) => {
    if ('termType' in term && term.termType === 'Variable') into.add(term.value);
  };
  for (const pattern of patterns) {
    switch (pattern.type) {
      case 'bgp':
        for (const triple of pattern.triples as Triple[]) {
          addTerm(triple.subject);
          addTerm(triple.predicate);
          addTerm(triple.object);
        }
        break;
      case 'graph':
        addTerm(pattern.name);
        boundVariables(pattern.patterns, into);
        break;
      case 'service':
        boundVariables(pattern.patterns, into);
        break;
      case 'group':
      case 'optional':
      case 'union':
        boundVariables(pattern.patterns, into);
        break;
      case 'bind':
        into.add(pattern.variable.value);
        break;
      case 'values':
        for (const row of pattern.values) for (const key of Object.keys(row)) into.add(key.replace(/^[?$]/, ''));
        break;
      case 'query': {
        const variables = pattern.variables;
        if (variables.length === 1 && variables[0] !== undefined && 'termType' in variables[0] && variables[0].termType === 'Wildcard') {
          boundVariables(pattern.where ?? [], into);
        } else {
          for (const variable of variables) {
            if ('termType' in variable) {
              if (variable.termType === 'Variable') into.add(variable.value);
            } else {
              into.add((variable.variable as VariableTerm).value);
            }
          }
        }
        break;
      }
      default:
        break; // minus, filter
    }
  }
  return into;
}

// ---------------------------------------------------------------------------------------------
// Graph management (direct endpoint)

function planGraphManagement(operation: Exclude<UpdateOperation, { updateType: string }>, options: PlanOptions): GraphManagementPlan {
  const name = MANAGEMENT_NAMES[operation.type] ?? operation.type.toUpperCase();
  switch (operation.type) {
    case 'load':
      throw new UpdateRefusedError('LOAD is not supported by the dev-gateway (it fetches nothing); load the data with INSERT DATA');
    case 'create':
      return { kind: 'graph', name, deleteFrom: [] }; // graphs exist as long as they hold quads
    case 'clear':
    case 'drop':
      return { kind: 'graph', name, deleteFrom: [clearTarget(operation, options)] };
    case 'add':
    case 'copy':
    case 'move': {
      const from = graphOrDefault(operation.source, options);
      const to = graphOrDefault(operation.destination, options);
      if (from.equals(to)) return { kind: 'graph', name, deleteFrom: [] };
      const deleteFrom: GraphTarget[] = [];
      if (operation.type !== 'add') deleteFrom.push({ type: 'graph', graph: to });
      if (operation.type === 'move') deleteFrom.push({ type: 'graph', graph: from });
      return { kind: 'graph', name, deleteFrom, copy: { from: { type: 'graph', graph: from }, to } };
    }
  }
}

function clearTarget(operation: ClearDropOperation, options: PlanOptions): GraphTarget {
  const graph: GraphReference = operation.graph;
  if (graph.all) return { type: 'all' };
  if (graph.named) return { type: 'named' };
  return { type: 'graph', graph: graphOrDefault(graph, options) };
}

function graphOrDefault(graph: GraphOrDefault, options: PlanOptions): NamedNode {
  return graph.name ?? options.defaultGraph;
}

// ---------------------------------------------------------------------------------------------
// Instantiation and effective changes

export interface InstantiateOptions {
  /**
   * Blank nodes in templates (direct endpoint only) become fresh blank nodes per solution, labelled
   * with this prefix. Default: a random one per call.
   */
  blankNodePrefix?: string;
}

export interface Instantiated {
  quads: Quad[];
  /** Template triples left out: unbound variable, literal/blank in a non-resource position, or duplicate. */
  skipped: number;
}

/** Quads of the templates for every solution, in solution × template order, deduplicated by value. */
export function instantiate(templates: readonly QuadTemplate[], solutions: Iterable<Solution>, options: InstantiateOptions = {}): Instantiated {
  const prefix = options.blankNodePrefix ?? `n${randomUUID().replaceAll('-', '')}`;
  const seen = new Set<string>();
  const quads: Quad[] = [];
  let skipped = 0;
  let index = 0;
  for (const solution of solutions) {
    const resolve = (term: Term): Term | undefined => {
      if (term.termType === 'Variable') return solution.get(term.value);
      if (term.termType === 'BlankNode') return makeBlankNode(`${prefix}s${index}${term.value}`);
      return term;
    };
    for (const template of templates) {
      const subject = resolve(template.subject);
      const predicate = resolve(template.predicate);
      const object = resolve(template.object);
      const graph = resolve(template.graph);
      if (
        subject === undefined ||
        predicate === undefined ||
        object === undefined ||
        graph === undefined ||
        (subject.termType !== 'NamedNode' && subject.termType !== 'BlankNode') ||
        predicate.termType !== 'NamedNode' ||
        (object.termType !== 'NamedNode' && object.termType !== 'BlankNode' && object.termType !== 'Literal') ||
        graph.termType !== 'NamedNode'
      ) {
        skipped++;
        continue;
      }
      const result = makeQuad(subject, predicate, object, graph);
      const key = canonicalQuadKey(result);
      if (seen.has(key)) {
        skipped++;
        continue;
      }
      seen.add(key);
      quads.push(result);
    }
    index++;
  }
  return { quads, skipped };
}

export interface RequestedChanges {
  deletes: readonly Quad[];
  inserts: readonly Quad[];
}

export interface EffectiveChanges {
  deletes: Quad[];
  inserts: Quad[];
}

/**
 * Effective changes of one operation. `isPresent` answers for the store as it was before the
 * operation; quads are compared by value (canonical keys), as stores compare literals by value.
 */
export function computeEffective(requested: RequestedChanges, isPresent: (quad: Quad) => boolean): EffectiveChanges {
  const inserted = new Set(requested.inserts.map((q) => canonicalQuadKey(q)));
  return {
    deletes: requested.deletes.filter((q) => isPresent(q) && !inserted.has(canonicalQuadKey(q))),
    inserts: requested.inserts.filter((q) => !isPresent(q)),
  };
}

/** Every quad of `quads` copied into graph `to`. */
export function regraph(quads: readonly Quad[], to: NamedNode): Quad[] {
  return quads.map((q) => makeQuad(q.subject, q.predicate, q.object, to));
}
