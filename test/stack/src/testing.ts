// Kept where the workspaces' tests have always imported it; it lives with shared's test support (no cycle).
export { testIsolation, type TestIsolation } from '@outlook-connect/shared/testing';
