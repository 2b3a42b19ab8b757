// Test support: imported only by tests and other test support (lint refuses it in production files).
export { testIsolation, type TestIsolation } from './isolation';
