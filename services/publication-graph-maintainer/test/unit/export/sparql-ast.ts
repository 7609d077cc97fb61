/**
 * Test helper: parses generated SPARQL with sparqljs (proving it is valid SPARQL 1.1) and summarises
 * where each triple pattern, filter, VALUES and BIND sits, so tests assert structure, not whitespace.
 */
import sparqljs from 'sparqljs';
import { withPrefixes, type SparqlText } from '@delta-producer/core';

export type Zone = 'scope' | 'branch' | 'outer';

export interface Placed {
  zone: Zone;
  /** Index of the UNION branch (zone 'branch'). */
  branch?: number;
  /** Graph name of the enclosing GRAPH (`?g`, `<iri>`), undefined outside any GRAPH. */
  graph?: string;
  text: string;
}

export interface QuerySummary {
  query: sparqljs.SelectQuery;
  triples: Placed[];
  filters: Placed[];
  values: Placed[];
  binds: Placed[];
  /** Kinds of every pattern met, e.g. 'optional', 'minus', 'service' (to assert they are absent). */
  kinds: Set<string>;
  /** VALUES found directly inside a UNION branch (a Virtuoso quirk). */
  valuesInUnionBranch: boolean;
  subqueries: sparqljs.SelectQuery[];
}

type Term = { termType: string; value: string; language?: string; datatype?: { value: string } };

function show(term: unknown): string {
  if (Array.isArray(term)) return `[${term.map(show).join(', ')}]`;
  const value = term as Term & { type?: string; operator?: string; args?: unknown[] };
  if (value.type === 'operation' || value.type === 'functionCall') return `${value.operator ?? 'call'}(${(value.args ?? []).map(show).join(', ')})`;
  switch (value.termType) {
    case 'Variable':
      return `?${value.value}`;
    case 'NamedNode':
      return `<${value.value}>`;
    case 'BlankNode':
      return `_:${value.value}`;
    case 'Literal':
      return JSON.stringify(value.value) + (value.language ? `@${value.language}` : value.datatype && !value.datatype.value.endsWith('#string') ? `^^<${value.datatype.value}>` : '');
    default:
      return JSON.stringify(term);
  }
}

export function parseSparql(text: SparqlText | string): sparqljs.SparqlQuery {
  return new sparqljs.Parser().parse(withPrefixes(text));
}

export function summarise(text: SparqlText | string): QuerySummary {
  const parsed = parseSparql(text);
  if (parsed.type !== 'query' || parsed.queryType !== 'SELECT') throw new Error('expected a SELECT query');
  const summary: QuerySummary = { query: parsed, triples: [], filters: [], values: [], binds: [], kinds: new Set(), valuesInUnionBranch: false, subqueries: [] };
  const place = (zone: Zone, branch: number | undefined, graph: string | undefined, text: string): Placed => ({ zone, ...(branch !== undefined ? { branch } : {}), ...(graph ? { graph } : {}), text });

  const walk = (patterns: readonly sparqljs.Pattern[], zone: Zone, branch: number | undefined, graph: string | undefined, inUnionBranch: boolean) => {
    for (const pattern of patterns) {
      const kind = (pattern as { type: string }).type;
      summary.kinds.add(kind);
      switch (kind) {
        case 'bgp':
          for (const triple of (pattern as sparqljs.BgpPattern).triples) {
            summary.triples.push(place(zone, branch, graph, `${show(triple.subject)} ${show(triple.predicate)} ${show(triple.object)}`));
          }
          break;
        case 'graph': {
          const graphPattern = pattern as sparqljs.GraphPattern;
          walk(graphPattern.patterns, zone, branch, show(graphPattern.name), false);
          break;
        }
        case 'group':
          walk((pattern as sparqljs.GroupPattern).patterns, zone, branch, graph, inUnionBranch);
          break;
        case 'union':
          (pattern as sparqljs.UnionPattern).patterns.forEach((child, index) => walk([child], zone === 'scope' ? 'scope' : 'branch', index, graph, true));
          break;
        case 'filter':
          summary.filters.push(place(zone, branch, graph, show((pattern as sparqljs.FilterPattern).expression)));
          break;
        case 'values': {
          if (inUnionBranch) summary.valuesInUnionBranch = true;
          const rows = (pattern as sparqljs.ValuesPattern).values;
          summary.values.push(place(zone, branch, graph, rows.map((row) => Object.entries(row).map(([name, term]) => `${name}=${show(term)}`).join(' ')).join(' | ')));
          break;
        }
        case 'bind': {
          const bind = pattern as sparqljs.BindPattern;
          summary.binds.push(place(zone, branch, graph, `${show(bind.variable)}=${show(bind.expression)}`));
          break;
        }
        case 'query': {
          const subquery = pattern as unknown as sparqljs.SelectQuery;
          summary.subqueries.push(subquery);
          walk(subquery.where ?? [], 'scope', undefined, graph, false);
          break;
        }
        default:
          break;
      }
    }
  };
  walk(parsed.where ?? [], 'outer', undefined, undefined, false);
  return summary;
}

export const texts = (placed: readonly Placed[]) => placed.map((item) => item.text);
export const inZone = (placed: readonly Placed[], zone: Zone) => placed.filter((item) => item.zone === zone);
