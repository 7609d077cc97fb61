/** Shared test data and fakes for the notifier tests. */
import type { DeltaQuad, RawChangeset } from '@delta-producer/core';
import type { NotifierLogger } from '../../../src/notifier/logger.js';
import { validateRules, type DeltaRule } from '../../../src/notifier/rules.js';

export const EX = 'http://data.example/';
export const GRAPH = 'http://mu.semte.ch/graphs/public';
export const ADMS_STATUS = 'http://www.w3.org/ns/adms#status';
export const SCHEDULED = 'http://redpencil.data.gift/id/concept/JobStatus/scheduled';
export const BUSY = 'http://redpencil.data.gift/id/concept/JobStatus/busy';
export const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';
export const INITIAL_SYNC = 'http://redpencil.data.gift/id/concept/muScope/deltas/initialSync';
export const MAINTENANCE = 'http://redpencil.data.gift/id/concept/muScope/deltas/publicationGraphMaintenance';

/** A quad with an IRI object (`o` starting with http) or a plain / typed literal object. */
export function q(s: string, p: string, o: string, options: { datatype?: string; graph?: string } = {}): DeltaQuad {
  const iri = (value: string) => ({ type: 'uri' as const, value: value.startsWith('http') ? value : EX + value });
  const object = o.startsWith('http')
    ? { type: 'uri' as const, value: o }
    : options.datatype
      ? { type: 'literal' as const, value: o, datatype: options.datatype }
      : { type: 'literal' as const, value: o };
  return { subject: iri(s), predicate: iri(p), object, graph: { type: 'uri', value: options.graph ?? GRAPH } };
}

export function changeSet(parts: Partial<RawChangeset> = {}): RawChangeset {
  return { insert: [], delete: [], ...parts };
}

/** Validated rules from plain rule entries (throws on invalid ones). */
export function rules(...entries: unknown[]): DeltaRule[] {
  return validateRules(entries).rules;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: object;
  message: string | undefined;
}

export function recordingLogger(): NotifierLogger & { entries: LogEntry[]; messages(level: LogEntry['level']): string[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (fields: object, message?: string) => {
    entries.push({ level, fields, message });
  };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    messages: (level) => entries.filter((entry) => entry.level === level).map((entry) => entry.message ?? ''),
  };
}

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch stand-in that records requests and answers with the given statuses (default 204). */
export function recordingFetch(statuses: number[] = []) {
  const requests: RecordedRequest[] = [];
  const fetch = async (url: string, init: { method: string; headers: Record<string, string>; body?: string | undefined }) => {
    requests.push({ url, method: init.method, headers: init.headers, body: init.body });
    const status = statuses.shift() ?? 204;
    return { status, text: async () => '' };
  };
  return { fetch, requests };
}
