/**
 * The export of a stream (docs/export-definition.md): its configuration, the source-graph rule, the one
 * query builder, and the pure diff and impact analysis built on it.
 */
export * from './export-config.js';
export * from './graph-regex.js';
export * from './source-graphs.js';
export * from './export-query.js';
export * from './resource-diff.js';
