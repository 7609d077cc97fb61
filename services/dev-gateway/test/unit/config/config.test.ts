import { resolve } from 'node:path';
import { ConfigError } from '@delta-producer/core';
import { readConfig } from '../../../src/config.js';

describe('readConfig', () => {
  it('applies the defaults', () => {
    expect(readConfig({})).toEqual({
      port: 8890,
      host: '127.0.0.1',
      logLevel: 'info',
      logFormat: 'json',
      requestTimeoutMs: 120_000,
      shutdownTimeoutMs: 10_000,
      bodyLimit: 512 * 1024 * 1024,
      deltaRules: { path: resolve('config/local/delta/rules.js'), required: false },
      dataDir: resolve('data/dev-gateway'),
      backendSparqlUrl: undefined,
      deltaMode: 'effective',
      defaultGraph: 'http://mu.semte.ch/application',
      resultSetMaxRows: 10_000,
      journalCompactBytes: 64 * 1024 * 1024,
    });
  });

  it('reads every variable', () => {
    const config = readConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      DELTA_RULES: 'config/local/delta/rules.js',
      DATA_DIR: '/tmp/x',
      BACKEND_SPARQL_URL: 'http://127.0.0.1:8891/sparql',
      DELTA_MODE: 'Elixir',
      DEFAULT_GRAPH: 'http://example.org/graph',
      RESULT_SET_MAX_ROWS: '0',
      JOURNAL_COMPACT_BYTES: '1mb',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      deltaRules: { required: true },
      dataDir: '/tmp/x',
      backendSparqlUrl: 'http://127.0.0.1:8891/sparql',
      deltaMode: 'elixir',
      defaultGraph: 'http://example.org/graph',
      resultSetMaxRows: 0,
      journalCompactBytes: 1024 * 1024,
      logLevel: 'debug',
    });
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      readConfig({ PORT: 'eighty', DELTA_RULES: '/nonexistent/rules.js', BACKEND_SPARQL_URL: 'ftp://x', DELTA_MODE: 'fast', DEFAULT_GRAPH: 'not an iri', RESULT_SET_MAX_ROWS: '-1', JOURNAL_COMPACT_BYTES: 'lots' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.path).sort()).toEqual(
      ['env.BACKEND_SPARQL_URL', 'env.DEFAULT_GRAPH', 'env.DELTA_MODE', 'env.DELTA_RULES', 'env.JOURNAL_COMPACT_BYTES', 'env.PORT', 'env.RESULT_SET_MAX_ROWS'].sort(),
    );
  });
});
