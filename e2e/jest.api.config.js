/**
 * API end-to-end tests: the real Nest app (server/src, compiled by ts-jest) against a real
 * PostgreSQL. Global setup migrates and seeds a template database once; every test file clones
 * it into a fresh database of its own.
 */
const common = require('./jest.common');

module.exports = {
  ...common,
  displayName: 'api',
  testRegex: 'api/.*\\.e2e\\.ts$',
  globalSetup: '<rootDir>/support/global-setup.ts',
  globalTeardown: '<rootDir>/support/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 60000,
};
