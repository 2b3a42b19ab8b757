// Two projects: unit (no I/O) and integration (real Redis, store and the Microsoft emulator, started by test/stack).
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] };
const roots = [
  '<rootDir>/shared',
  '<rootDir>/queues',
  '<rootDir>/mailbox-runtime',
  '<rootDir>/services',
  '<rootDir>/test',
  '<rootDir>/bench',
];
const testPathIgnorePatterns = ['/node_modules/', '/.local/'];
// ESM-only packages jest (on Node 20) cannot require: compiled to CommonJS by @swc/jest like our own files.
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition|cookie)/)'];

/** @type {import('jest').Config} */
module.exports = {
  // Jest reads testTimeout only here, not per project; integration tests drive real servers.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      roots,
      transform,
      transformIgnorePatterns,
      testPathIgnorePatterns,
      testMatch: ['**/*.test.ts'],
      testRegex: undefined,
      modulePathIgnorePatterns: ['\\.int\\.test\\.ts$'],
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      roots,
      transform,
      transformIgnorePatterns,
      testPathIgnorePatterns,
      testMatch: ['**/*.int.test.ts'],
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/stack/src/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/stack/src/jest-global-teardown.ts',
    },
  ],
};
