// What other services use from the workers package (the worker process itself starts from main.ts).
export { createFreeBusyRuntime, type FreeBusyRuntimeOptions } from './calendar';
export { workersEnv, type WorkersConfig } from './clients';
