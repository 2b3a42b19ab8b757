import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { catalog, queueNames, type QueueName } from '@outlook-connect/queues';

export const BOARD_PATH = '/queues';

/**
 * bull-board over every queue of the catalog. It has no authentication of its own: the root onRequest hooks
 * (basic auth, then the read-only guard) run before each of its pages, assets and API routes.
 */
export async function registerQueueBoard(app: FastifyInstance, opts: { queue: (name: QueueName) => Queue; readOnly: boolean }): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: queueNames.map(
      (name) => new BullMQAdapter(opts.queue(name), { readOnlyMode: opts.readOnly, description: catalog[name].description }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'outlook-connect queues', miscLinks: [{ text: 'Connection health', url: '/health' }] } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
}
