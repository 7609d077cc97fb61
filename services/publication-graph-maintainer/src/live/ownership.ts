/**
 * Pure rules of which published triples belong to which resources (the live diff compares, for a set
 * R of resources, only the triples R owns, on both sides).
 *
 * A triple `s p o` is OWNED by the resource `s` (every triple of a resource is its own: its types, its
 * configured properties, and leftovers that are no longer configured), and by the IRI `o` when `^p` is
 * an inverse property of some entry of the stream (the export of `o` includes `s p o`) — by `o` alone
 * when no entry exports `p` forward. So a resource
 * matched by several entries is diffed once across all of them, and anything published about it that no
 * entry exports any more is removed.
 *
 * A triple owned by R may have a second owner outside R (`s p o` with `o` ∈ R through `^p`, and `s`
 * exporting `p` forward — or the other way round): it must not be deleted while that owner still
 * exports it. `outsideOwners` names those owners so their export can be read too.
 */
import { RDF, type NamedNode, type Quad } from '@delta-producer/core';
import type { ExportConfig } from '../export/index.js';

export interface ExportShape {
  /** Every entry's type, distinct, in file order. */
  readonly types: readonly string[];
  /** Predicates `p` listed as `^p` by some entry. */
  readonly inverse: ReadonlySet<string>;
  /** Predicates listed forward by some entry, plus rdf:type (every entry exports its type). */
  readonly forward: ReadonlySet<string>;
}

export function exportShape(config: ExportConfig): ExportShape {
  const types: string[] = [];
  const inverse = new Set<string>();
  const forward = new Set<string>([RDF.type]);
  for (const entry of config.entries) {
    if (!types.includes(entry.type)) types.push(entry.type);
    for (const property of entry.properties) (property.inverse ? inverse : forward).add(property.iri);
  }
  return { types, inverse, forward };
}

/** Whether the triple is owned by a resource of `resources` (IRIs). */
export function isOwned(triple: Quad, resources: ReadonlySet<string>, shape: ExportShape): boolean {
  const predicate = triple.predicate.value;
  const objectOwns = triple.object.termType === 'NamedNode' && shape.inverse.has(predicate);
  if (objectOwns && resources.has(triple.object.value)) return true;
  // A predicate exported only inversely belongs to its IRI object alone: the subject (a member of an
  // organisation, say) has nothing to say about it, so reconciling the subject never reads the
  // object's export to keep it (healing visits every member otherwise).
  if (objectOwns && !shape.forward.has(predicate)) return false;
  return triple.subject.termType === 'NamedNode' && resources.has(triple.subject.value);
}

/** The triples owned by `resources`. */
export function ownedTriples(triples: Iterable<Quad>, resources: ReadonlySet<string>, shape: ExportShape): Quad[] {
  const owned: Quad[] = [];
  for (const triple of triples) if (isOwned(triple, resources, shape)) owned.push(triple);
  return owned;
}

/**
 * The resources outside `resources` that may export one of `triples` too: the subject when the
 * predicate is exported forward by some entry, the IRI object when it is exported inversely. Sorted.
 */
export function outsideOwners(triples: Iterable<Quad>, resources: ReadonlySet<string>, shape: ExportShape): NamedNode[] {
  const owners = new Map<string, NamedNode>();
  for (const triple of triples) {
    const { subject, predicate, object } = triple;
    if (subject.termType === 'NamedNode' && !resources.has(subject.value) && shape.forward.has(predicate.value)) owners.set(subject.value, subject);
    if (object.termType === 'NamedNode' && !resources.has(object.value) && shape.inverse.has(predicate.value)) owners.set(object.value, object);
  }
  return [...owners.values()].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** Consecutive slices of at most `size` items. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
