import type { ConnectionHealthService } from './connections/health';
import type { WorkerDeps } from './contracts';
import type { RefreshPolicy } from './tokens/refresh-policy';

/** WorkerDeps plus what the token lifecycle adds; handler factories may take either (WorkerDeps is a supertype). */
export type ServiceDeps = WorkerDeps & { policy: RefreshPolicy; health: ConnectionHealthService };
