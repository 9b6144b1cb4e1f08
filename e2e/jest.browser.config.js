/**
 * Browser tests: Playwright (playwright-core) driving Debian's Chromium against the built app,
 * started as a real server process on a fresh demo database.
 */
const common = require('./jest.common');

module.exports = {
  ...common,
  displayName: 'browser',
  testRegex: 'browser/.*\\.spec\\.ts$',
  globalSetup: '<rootDir>/support/browser-global-setup.ts',
  globalTeardown: '<rootDir>/support/browser-global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 120000,
};
