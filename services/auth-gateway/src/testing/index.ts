// Test support for tests outside this package (test/e2e): the gateway harness and the connect flow a browser runs.
export * from './browser-flow';
export * from './harness';
export * from './http';
