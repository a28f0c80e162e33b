/**
 * `npm run jest:unit`: the pure layer alone (src/core, the orchestrators' decisions and transcripts, the report's
 * rendering), in seconds: no emulator, no host, no network. armSpec is left out: it loads the REST specs from disk.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/core', '<rootDir>/test/orchestrators', '<rootDir>/test/report'],
  testPathIgnorePatterns: ['/node_modules/', '/test/core/armSpec\\.test\\.ts$'],
  // One process: faster here than workers that each load TypeScript and the modules again.
  maxWorkers: 1,
};
