/** @type {import('jest').Config} */
module.exports = {
  preset: './jest-preset.js',
  // The app's tests and every package's (each package also runs its own alone: npm test -w <package>).
  roots: ['<rootDir>/test', '<rootDir>/packages'],
};
