/**
 * The one jest preset: the repository's config (jest.config.js) and each tooling package's (the "jest" key of its
 * package.json, for `npm test -w <package>`) start from it. ts-jest compiles with the tsconfig.json beside the config.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
