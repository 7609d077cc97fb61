/**
 * Public entry of @delta-producer/core. Services import from here only.
 *
 * Terminology:
 * - term / quad: RDF/JS values; JsonTerm/DeltaTerm their SPARQL-JSON and delta-file forms (rdf/).
 * - changeset: one {inserts, deletes} element of a delta message (delta/).
 * - SPARQL client: talks to mu-authorization or a store over HTTP, with retries and paging (sparql/).
 * - job / task: cogs:Job and task:Task resources and their statuses (jobs/).
 * - config / runtime: validated configuration, logging, HTTP bootstrap and shutdown (config/, runtime/).
 * - share file: a file under the shared volume named by a `share://` URI; download id = logical file's mu:uuid (files/).
 */
export * from './vocabulary.js';
export * from './rdf/index.js';
export * from './delta/types.js';
export * from './delta/parse.js';
export * from './jobs/index.js';
export * from './config/index.js';
export * from './runtime/index.js';
export * from './sparql/index.js';
export * from './files/index.js';
