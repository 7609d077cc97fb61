import { classifySparqlFailure, connectionErrorCode, errorBodyExcerpt, isTransientFailure, queryExcerpt, redactEndpoint, SparqlError, virtuosoErrorCode } from '../../../src/sparql/index.js';

// Exact first lines observed from Virtuoso 7.2.5 (`Virtuoso/07.20.3229`) over HTTP, from
// docs/virtuoso-quirks.md (and a few probes of our own); every body continues with an empty line,
// "SPARQL query:" and the whole query echoed back.
const echo = (firstLine: string, query = 'define sql:big-data-const 0 SELECT * WHERE { ?s ?p ?o }') => `${firstLine}\n\nSPARQL query:\n${query}`;
const VIRTUOSO = {
  syntax: echo("Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '}' before '}'"),
  undefinedPrefix: echo("Virtuoso 37000 Error SP030: SPARQL compiler, line 1: Undefined namespace prefix at 'foo' before '?o'"),
  sp031Lines: echo(
    'Virtuoso 37000 Error SP031: SPARQL: Internal error: The length of generated SQL text has exceeded 10000 lines of code',
    'define sql:big-data-const 0 INSERT DATA { GRAPH <http://ex/huge> {\n<http://ex/s1> <http://ex/p> "v1" .',
  ),
  memoryExhausted: echo('Virtuoso 37000 Error SP030: SPARQL compiler, line 4992: memory exhausted at \'"v4991"\' before \'.\''),
  tooManyArguments: echo('Virtuoso 37000 Error SP030: SPARQL compiler, line 0: Too many arguments for standard built-in function in operator()'),
  stackOverflow: echo('Virtuoso 37000 Error SP031: SPARQL: Internal error: sparp_gp_trav_int(): stack overflow'),
  blankNode: echo("Virtuoso 37000 Error SP031: SPARQL compiler: Blank node '_:b1' is not allowed in a constant clause"),
  noGraph: echo('Virtuoso 37000 Error SP031: SPARQL compiler: No plain default graph specified in the preamble, but it is needed for triple in INSERT DATA {...} without GRAPH {...}'),
  offsetWithoutLimit: echo('Virtuoso 22023 Error SR350: TOP parameter < 0'),
  sortedTop: echo(
    'Virtuoso 22023 Error SR353: Sorted TOP clause specifies more then 10010 rows to sort. Only 10000 are allowed. Either decrease the offset and/or row count or use a scrollable cursor',
  ),
  estimated: echo('Virtuoso 42000 Error The estimated execution time 125330 (sec) exceeds the limit of 400 (sec).'),
  trxTimeout: echo('Virtuoso S1T00 Error SR171: Transaction timed out'),
  undefinedProcedure: echo('Virtuoso 42001 Error SR185: Undefined procedure DB.DBA.http://ex/fn.'),
  noUpdatePermission: echo('Virtuoso 42000 Error SR186:SECURITY: No permission to execute procedure DB.DBA.SPARQL_INSERT_DICT_CONTENT with user ID 107, group ID 107'),
  noGraphPermission: echo('Virtuoso RDF02 Error SR619: SPARUL INSERT access denied: database user 107 (SPARQL) has no write permission on graph http://ex/g1'),
  // From Virtuoso's error catalogue and issue reports (not reproduced on the test instance).
  deadlock: echo('Virtuoso 40001 Error SR172: Transaction deadlocked'),
  afterImage: echo("Virtuoso 40005 Error SR325: Transaction aborted because it's log after image size went above the limit"),
  sq200: echo('Virtuoso 42000 Error SQ200: Stack Overflow.'),
};

describe('classifySparqlFailure', () => {
  it.each([
    // HTTP statuses without a recognised body
    [{ status: 400, body: 'Bad Request' }, 'permanent'],
    [{ status: 401 }, 'permanent'],
    [{ status: 403, body: 'forbidden' }, 'permanent'],
    [{ status: 404 }, 'permanent'],
    [{ status: 408 }, 'transient'],
    [{ status: 413 }, 'size'],
    [{ status: 414 }, 'size'],
    [{ status: 429 }, 'transient'],
    [{ status: 500, body: 'Internal Server Error' }, 'permanent'],
    [{ status: 500 }, 'permanent'],
    [{ status: 502 }, 'transient'],
    [{ status: 503, body: 'Service Unavailable' }, 'transient'],
    [{ status: 504 }, 'transient'],
    // connection failures (no status)
    [{ errorCode: 'ECONNREFUSED' }, 'transient'],
    [{ errorCode: 'ECONNRESET' }, 'transient'],
    [{ errorCode: 'ETIMEDOUT' }, 'transient'],
    [{ errorCode: 'EAI_AGAIN' }, 'transient'],
    [{ errorCode: 'EPIPE' }, 'transient'],
    [{ errorCode: 'UND_ERR_SOCKET' }, 'transient'],
    [{ errorCode: 'UND_ERR_HEADERS_TIMEOUT' }, 'transient'],
    [{ errorCode: 'TIMEOUT' }, 'transient'],
    [{ message: 'socket hang up' }, 'transient'],
    [{ errorCode: 'ERR_INVALID_URL' }, 'permanent'],
    [{ message: 'fetch failed' }, 'permanent'],
    [{}, 'permanent'],
    // Virtuoso texts (docs/virtuoso-quirks.md)
    [{ status: 400, body: VIRTUOSO.syntax }, 'permanent'],
    [{ status: 400, body: VIRTUOSO.undefinedPrefix }, 'permanent'],
    [{ status: 400, body: VIRTUOSO.sp031Lines }, 'size'],
    [{ status: 400, body: VIRTUOSO.memoryExhausted }, 'size'],
    [{ status: 400, body: VIRTUOSO.tooManyArguments }, 'size'],
    [{ status: 400, body: VIRTUOSO.stackOverflow }, 'size'],
    [{ status: 400, body: VIRTUOSO.blankNode }, 'permanent'],
    [{ status: 400, body: VIRTUOSO.noGraph }, 'permanent'],
    [{ status: 500, body: VIRTUOSO.offsetWithoutLimit }, 'permanent'],
    [{ status: 500, body: VIRTUOSO.sortedTop }, 'permanent'],
    [{ status: 500, body: VIRTUOSO.estimated }, 'permanent'],
    [{ status: 500, body: VIRTUOSO.trxTimeout }, 'transient'],
    [{ status: 500, body: VIRTUOSO.undefinedProcedure }, 'permanent'],
    [{ status: 500, body: VIRTUOSO.noUpdatePermission }, 'permanent'],
    [{ status: 500, body: VIRTUOSO.noGraphPermission }, 'permanent'],
    [{ status: 500, body: VIRTUOSO.deadlock }, 'transient'],
    [{ status: 500, body: VIRTUOSO.afterImage }, 'size'],
    [{ status: 500, body: VIRTUOSO.sq200 }, 'size'],
    // a syntax error is never retried, even behind a gateway answering 503
    [{ status: 503, body: VIRTUOSO.syntax }, 'permanent'],
  ])('%j → %s', (input, kind) => {
    expect(classifySparqlFailure(input).kind).toBe(kind);
  });

  it('ignores the echoed query: a literal mentioning deadlock or SP031 does not change the kind', () => {
    const body = `Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at 'x'\n\nSPARQL query:\nINSERT DATA { <http://x/s> <http://x/p> "deadlock SP031 too large" x }`;
    expect(classifySparqlFailure({ status: 400, body }).kind).toBe('permanent');
  });

  it('reports the Virtuoso code', () => {
    expect(classifySparqlFailure({ status: 400, body: VIRTUOSO.sp031Lines }).code).toBe('SP031');
    expect(classifySparqlFailure({ status: 500, body: VIRTUOSO.deadlock }).code).toBe('SR172');
    expect(virtuosoErrorCode(VIRTUOSO.estimated)).toBe('42000');
    expect(virtuosoErrorCode('nothing')).toBeUndefined();
  });

  it('never includes the query in the reason', () => {
    for (const body of Object.values(VIRTUOSO)) {
      expect(classifySparqlFailure({ status: 400, body }).reason).not.toMatch(/SPARQL query:|SELECT|INSERT/);
    }
  });
});

describe('error helpers', () => {
  it('errorBodyExcerpt drops the echoed query and caps the length', () => {
    expect(errorBodyExcerpt(VIRTUOSO.syntax)).toBe("Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at '}' before '}'");
    // An 850 KB update gives an 850 KB error body: only the message is kept.
    expect(errorBodyExcerpt(echo('Virtuoso 37000 Error SP030: x', 'INSERT DATA {' + 'y'.repeat(850_000)))).toBe('Virtuoso 37000 Error SP030: x');
    expect(errorBodyExcerpt('x'.repeat(1000))!.length).toBeLessThanOrEqual(301);
    expect(errorBodyExcerpt('')).toBeUndefined();
  });

  it('queryExcerpt skips PREFIX lines and keeps 300 characters', () => {
    const query = `PREFIX mu: <http://mu.semte.ch/vocabularies/core/>\nPREFIX dct: <http://purl.org/dc/terms/>\nSELECT * WHERE { ?s mu:uuid "${'a'.repeat(1000)}" }`;
    const excerpt = queryExcerpt(query);
    expect(excerpt.startsWith('SELECT * WHERE')).toBe(true);
    expect(excerpt.length).toBe(301);
  });

  it('redactEndpoint removes credentials', () => {
    expect(redactEndpoint('http://user:secret@virtuoso:8890/sparql')).toBe('http://virtuoso:8890/sparql');
  });

  it('connectionErrorCode finds codes in causes and AggregateErrors', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new AggregateError([Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })]), {}) });
    expect(connectionErrorCode(refused)).toBe('ECONNREFUSED');
    expect(connectionErrorCode(new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }))).toBe('UND_ERR_SOCKET');
    expect(connectionErrorCode(new Error('socket hang up'))).toBe('ECONNRESET');
    expect(connectionErrorCode(new Error('plain'))).toBeUndefined();
  });

  it('SparqlError carries kind, status, code, endpoint and a bounded query excerpt', () => {
    const error = new SparqlError({ kind: 'size', reason: 'HTTP 400: too large', status: 400, code: 'SP031', endpoint: 'http://virtuoso:8890/sparql', query: queryExcerpt('x'.repeat(5000)) });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SparqlError');
    expect(error.kind).toBe('size');
    expect(error.query!.length).toBeLessThanOrEqual(301);
    expect(error.message).toContain('HTTP 400, SP031');
    expect(error.message).not.toContain('xxxx');
  });
});

describe('isTransientFailure', () => {
  const sparqlError = (kind: 'transient' | 'permanent' | 'size', code?: string) => new SparqlError({ kind, reason: 'test', endpoint: 'http://store/sparql', ...(code ? { code } : {}) });

  test('a transient SparqlError, directly or as the cause of a wrapping error', () => {
    expect(isTransientFailure(sparqlError('transient'))).toBe(true);
    expect(isTransientFailure(new Error('dump failed', { cause: new Error('read failed', { cause: sparqlError('transient') }) }))).toBe(true);
  });

  test('not: permanent or size failures, aborted calls, errors without a SparqlError cause, non-errors', () => {
    expect(isTransientFailure(sparqlError('permanent'))).toBe(false);
    expect(isTransientFailure(sparqlError('size'))).toBe(false);
    expect(isTransientFailure(sparqlError('transient', 'ABORTED'))).toBe(false);
    expect(isTransientFailure(new Error('ENOSPC: no space left on device'))).toBe(false);
    expect(isTransientFailure('503')).toBe(false);
    expect(isTransientFailure(undefined)).toBe(false);
  });
});
