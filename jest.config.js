// Jest runs TypeScript as native ES modules (see package.json "test"), transpiled file by file by
// ts-jest (type errors are `npm run typecheck`'s job).
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.base.json', diagnostics: false }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: {
    '^@delta-producer/core$': '<rootDir>/services/core/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};
// Integration tests run against the embedded store by default, or Virtuoso (TEST_SPARQL_BACKEND=virtuoso).
// Files named *.embedded.test.ts test features of the embedded store only (persistence, truncation
// emulation) and are left out of the Virtuoso run; *.virtuoso.test.ts test Virtuoso's own behaviour
// and run only there.
const backend = process.env.TEST_SPARQL_BACKEND === 'virtuoso' ? 'virtuoso' : 'embedded';
const backendIgnore = [backend === 'virtuoso' ? '\\.embedded\\.test\\.ts$' : '\\.virtuoso\\.test\\.ts$'];
// *.compose.test.ts run docker-compose (no Docker engine needed): only with TEST_COMPOSE=1, which .ci/run
// sets after installing Debian's docker-compose, so `npm test` on a fresh machine needs none.
if (process.env.TEST_COMPOSE !== '1') backendIgnore.push('\\.compose\\.test\\.ts$');

export default {
  // Integration tests talk to real stores over HTTP; unit tests finish far below this.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/services/*/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/services/*/test/integration/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...backendIgnore],
    },
  ],
};
