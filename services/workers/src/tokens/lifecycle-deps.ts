import type { QueueClient } from '@outlook-connect/queues';
import type { Logger, Models, SecretBox } from '@outlook-connect/shared';
import type { Redis } from 'ioredis';
import type { RefreshPolicy } from './refresh-policy';

/** What the token lifecycle needs: a slice of WorkerDeps plus its policy. */
export interface LifecycleDeps {
  models: Models;
  box: SecretBox;
  queues: QueueClient;
  redis: Redis;
  logger: Logger;
  microsoft: { loginUrl: string };
  now: () => number;
  policy: RefreshPolicy;
}
