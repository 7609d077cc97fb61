import { TermError } from '@delta-producer/core';
import { parseExportConfig } from '../../../src/export/export-config.js';
import { graphRegexProblem } from '../../../src/export/graph-regex.js';
import {
  allowedGraphFilter,
  createSourceGraphPolicy,
  isAllowedGraph,
  isSourceGraph,
  listedAllowedGraphs,
  MAINTAINER_WORKING_GRAPH_PREFIX,
  singleAllowedGraph,
  sourceGraphFilter,
} from '../../../src/export/source-graphs.js';
import { parseSparql } from './sparql-ast.js';
import { sparql } from '@delta-producer/core';

const policy = createSourceGraphPolicy({
  streams: [{ publicationGraph: 'http://x/pub/a' }, { publicationGraph: 'http://x/pub/b' }],
  excludedSourceGraphs: ['http://x/harvest'],
  excludedPrefixes: ['http://x/tmp/'],
});

const entry = (graphsFilter: string[], hasRegexGraphsFilter = false) =>
  parseExportConfig({ export: [{ type: 'http://x/T', properties: ['http://x/p'], graphsFilter, hasRegexGraphsFilter }] }).entries[0]!;

describe('source graphs', () => {
  it('excludes every stream’s publication graph, the working graphs and excludedSourceGraphs, and nothing else', () => {
    expect([...policy.excluded].sort()).toEqual(['http://x/harvest', 'http://x/pub/a', 'http://x/pub/b']);
    expect(policy.excludedPrefixes).toEqual([MAINTAINER_WORKING_GRAPH_PREFIX, 'http://x/tmp/']);
    for (const graph of ['http://x/pub/a', 'http://x/pub/b', `${MAINTAINER_WORKING_GRAPH_PREFIX}folding/inserts/1`, 'http://x/tmp/1', 'http://x/harvest']) expect(isSourceGraph(policy, graph)).toBe(false);
    for (const graph of ['http://x/data', 'http://x/pub/ab', 'http://x/harvest/2', 'http://x/jobs', 'http://x/files', 'http://x/login', 'http://mu.semte.ch/graphs/public']) expect(isSourceGraph(policy, graph)).toBe(true);
  });

  it('jobs, files, report and login graphs are source graphs, even when the stream records name them', () => {
    // The config module hands over its own stream records, which also carry these graphs.
    const streams = [
      { name: 'a', publicationGraph: 'http://x/pub/a', jobsGraph: 'http://x/org/1', filesGraph: 'http://mu.semte.ch/graphs/public', loginGraph: 'http://x/login', reportingFilesGraph: 'http://x/reports' },
      { name: 'b', publicationGraph: 'http://x/pub/b', jobsGraph: 'http://x/jobs', filesGraph: 'http://x/files', loginGraph: 'http://x/login' },
    ];
    const shared = createSourceGraphPolicy({ streams });
    expect([...shared.excluded].sort()).toEqual(['http://x/pub/a', 'http://x/pub/b']);
    expect(shared.excludedPrefixes).toEqual([MAINTAINER_WORKING_GRAPH_PREFIX]);
    for (const graph of ['http://x/org/1', 'http://mu.semte.ch/graphs/public', 'http://x/login', 'http://x/reports', 'http://x/jobs', 'http://x/files']) expect(isSourceGraph(shared, graph)).toBe(true);
  });

  it('refuses invalid graph IRIs', () => {
    expect(() => createSourceGraphPolicy({ streams: [{ publicationGraph: 'not an iri' }] })).toThrow(TermError);
    expect(() => createSourceGraphPolicy({ streams: [], excludedSourceGraphs: ['not an iri'] })).toThrow(TermError);
  });

  it('the SPARQL fragments parse', () => {
    expect(() => parseSparql(sparql`SELECT * WHERE { GRAPH ?g { ?s ?p ?o } ${sourceGraphFilter(policy, sparql`?g`)} }`)).not.toThrow();
    for (const filter of [entry([]), entry(['http://x/a', 'http://x/b']), entry(['^http://x/(a|b)$', 'c'], true), entry(['http://x/pub/a'])]) {
      expect(() => parseSparql(sparql`SELECT * WHERE { GRAPH ?g { ?s ?p ?o } ${allowedGraphFilter(filter, policy, sparql`?g`)} }`)).not.toThrow();
    }
  });
});

describe('allowed graphs A(E)', () => {
  it('empty filter: every source graph', () => {
    expect(isAllowedGraph(entry([]), policy, 'http://x/data')).toBe(true);
    expect(isAllowedGraph(entry([]), policy, 'http://x/jobs')).toBe(true);
    expect(isAllowedGraph(entry([]), policy, 'http://mu.semte.ch/graphs/public')).toBe(true);
    expect(isAllowedGraph(entry([]), policy, 'http://x/pub/a')).toBe(false);
    expect(isAllowedGraph(entry([]), policy, 'http://x/harvest')).toBe(false);
    expect(isAllowedGraph(entry([]), policy, `${MAINTAINER_WORKING_GRAPH_PREFIX}x`)).toBe(false);
  });

  it('a list: the listed source graphs; one left → a constant graph', () => {
    const listed = entry(['http://x/a', 'http://x/pub/a', 'http://x/harvest', `${MAINTAINER_WORKING_GRAPH_PREFIX}x`]);
    expect(listedAllowedGraphs(listed, policy)).toEqual(['http://x/a']);
    expect(singleAllowedGraph(listed, policy)).toBe('http://x/a');
    expect(isAllowedGraph(listed, policy, 'http://x/a')).toBe(true);
    expect(isAllowedGraph(listed, policy, 'http://x/pub/a')).toBe(false);
    expect(isAllowedGraph(listed, policy, 'http://x/harvest')).toBe(false);
    expect(isAllowedGraph(listed, policy, 'http://x/b')).toBe(false);
    expect(singleAllowedGraph(entry(['http://x/a', 'http://x/b']), policy)).toBeUndefined();
    expect(singleAllowedGraph(entry([]), policy)).toBeUndefined();
  });

  it('a list naming a jobs or files graph: those are source graphs, so they stay', () => {
    const listed = entry(['http://x/pub/b', 'http://x/jobs', 'http://mu.semte.ch/graphs/public', 'http://x/jobs']);
    expect(listedAllowedGraphs(listed, policy)).toEqual(['http://x/jobs', 'http://mu.semte.ch/graphs/public']);
    expect(isAllowedGraph(listed, policy, 'http://x/jobs')).toBe(true);
    expect(isAllowedGraph(listed, policy, 'http://mu.semte.ch/graphs/public')).toBe(true);
    expect(isAllowedGraph(listed, policy, 'http://x/pub/b')).toBe(false);
    expect(singleAllowedGraph(entry(['http://x/pub/b', 'http://mu.semte.ch/graphs/public']), policy)).toBe('http://mu.semte.ch/graphs/public');
  });

  it('regexes: source graphs matching any of them (never a publication or excluded graph)', () => {
    const regex = entry(['^http://x/org/.*/LoketAdmin$', 'pub'], true);
    expect(isAllowedGraph(regex, policy, 'http://x/org/1/LoketAdmin')).toBe(true);
    expect(isAllowedGraph(regex, policy, 'http://x/org/1/LoketAdmin/2')).toBe(false);
    expect(isAllowedGraph(regex, policy, 'http://x/public')).toBe(true);
    expect(isAllowedGraph(regex, policy, 'http://x/pub/a')).toBe(false);
    expect(listedAllowedGraphs(regex, policy)).toBeUndefined();
    const shared = entry(['^http://x/(harvest|jobs|files)$'], true);
    expect(['http://x/harvest', 'http://x/jobs', 'http://x/files'].map((graph) => isAllowedGraph(shared, policy, graph))).toEqual([false, true, true]);
  });
});

describe('graphRegexProblem: the subset JavaScript, Virtuoso and oxigraph read alike', () => {
  it.each([
    'http://mu.semte.ch/graphs/organizations/.*/LoketLB-leidinggevendenGebruiker',
    '^http:\\/\\/x\\/g$',
    '(?:a|b)+?c{2}d{1,}e{1,3}',
    '[a-z0-9_-]+\\.[^/]*',
    '\\d\\D\\s\\S\\w\\W\\n\\r\\t',
    '[\\]\\[\\-]',
    'a|',
  ])('accepts %s', (pattern) => {
    expect(graphRegexProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['(', 'is not a valid regular expression'],
    ['(?=a)', 'look-ahead'],
    ['(?!a)', 'look-ahead'],
    ['(?<=a)b', 'look-behind'],
    ['(?<!a)b', 'look-behind'],
    ['(?<n>a)', 'named groups'],
    ['(a)\\1', 'back-references'],
    ['\\bword', 'word boundary'],
    ['\\x41', '\\x escapes'],
    ['\\u0041', '\\u escapes'],
    ['\\p{L}', 'u flag'],
    ['\\cA', 'control character'],
    ['\\e', 'not part of the portable regex subset'],
    ['[[:alpha:]]', 'nested class or POSIX class'],
    ['[a-z&&[^b]]', 'set operation'],
    ['[a&&b]', 'set operation'],
    ['[0-9--5]', 'set operation'],
    ['[]a]', 'empty character class'],
    ['a{,3}', 'does not start a quantifier'],
    ['a{x}', 'does not start a quantifier'],
    ['a}', 'unescaped "}"'],
    ['a]', 'unescaped "]"'],
    ['[a\\1]', 'inside a character class'],
  ])('refuses %s (%s)', (pattern, reason) => {
    expect(graphRegexProblem(pattern)).toContain(reason);
  });
});
