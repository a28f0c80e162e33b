/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // The app's tests and every package's (each package also runs its own alone: npm test -w <package>).
  roots: ['<rootDir>/test', '<rootDir>/packages'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
