/** Unit tests of the shared helpers (money, validation, permissions). Transpiled only: `typecheck` checks the specs (tsconfig.spec.json). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testRegex: '\\.spec\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', esModuleInterop: true, strict: true, isolatedModules: true } }] },
};
