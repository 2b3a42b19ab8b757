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
// jest-environment-node that names a test file which left a socket, server or timer open.
const testEnvironment = '<rootDir>/test/stack/src/handle-check-environment.ts';
const testPathIgnorePatterns = ['/node_modules/', '/.local/'];
// ESM-only packages jest (on Node 20) cannot require: compiled to CommonJS by @swc/jest like our own files.
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition|cookie)/)'];

/** @type {import('jest').Config} */
module.exports = {
  // Jest reads testTimeout only here, not per project; integration tests drive real servers.
  testTimeout: 60000,
  // On 2 cores jest runs in band: one file's leaked socket or timer would keep it from exiting after every test
  // passed, and CI would wait out its budget. The test environment below names the file that leaked; this exits.
  forceExit: true,
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
      testEnvironment,
    },
    {
      displayName: 'integration',
      roots,
      transform,
      transformIgnorePatterns,
      testPathIgnorePatterns,
      testMatch: ['**/*.int.test.ts'],
      testEnvironment,
      globalSetup: '<rootDir>/test/stack/src/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/stack/src/jest-global-teardown.ts',
    },
  ],
};
