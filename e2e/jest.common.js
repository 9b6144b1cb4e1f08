module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@drp/shared$': '<rootDir>/../shared/src/index.ts',
    '^@drp/migrations$': '<rootDir>/../migrations/src/index.ts',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
};
