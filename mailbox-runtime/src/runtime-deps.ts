import type { QueueClient } from '@outlook-connect/queues';
import type { Lane, Logger, Models, SecretBox } from '@outlook-connect/shared';
import type { RedisConnection } from '@outlook-connect/queues';
import type { RefreshPolicy } from './tokens/refresh-policy';

/** What the runtime is built from: the process's store, SecretBox, queue client and Redis, plus the refresh policy. */
export interface RuntimeDeps {
  models: Models;
  box: SecretBox;
  queues: QueueClient;
  redis: RedisConnection;
  logger: Logger;
  microsoft: { loginUrl: string; graphUrl: string };
  now: () => number;
  policy: RefreshPolicy;
  /**
   * The process's token requests to Microsoft in flight at once (tokens/token-request-slots.ts); absent: no cap (the
   * gateway's on-demand refreshes). The workers set it, and overlap more refresh jobs than it lets grants go.
   */
  tokenRequests?: Lane;
}
