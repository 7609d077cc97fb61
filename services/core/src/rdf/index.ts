export * from './terms.js';
export * from './canonical.js';
export * from './sparql-text.js';
