import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { queueNames, type QueueName } from '@outlook-connect/queues';
import { BOARD_TITLE, presentQueue } from './board-presentation';

export const BOARD_PATH = '/queues';

/**
 * An outbox's consumers live outside (the CRM): bull-board badges a queue "No workers" when the worker list is empty,
 * so an empty list is reported as unknown (null) instead; the CRM's workers still show when they are connected here.
 */
class OutboxQueueAdapter extends BullMQAdapter {
  override async getWorkers() {
    const workers = await super.getWorkers();
    return workers?.length ? workers : null;
  }
}

/**
 * bull-board over every queue of the catalog. It has no authentication of its own: the root onRequest hooks
 * (basic auth, then the read-only guard) run before each of its pages, assets and API routes.
 */
export async function registerQueueBoard(
  app: FastifyInstance,
  opts: { queue: (name: QueueName) => Queue; readOnly: boolean },
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: queueNames.map((name) => {
      const shown = presentQueue(name);
      const options = {
        readOnlyMode: opts.readOnly,
        description: shown.description,
        ...(shown.displayName ? { displayName: shown.displayName } : {}),
      };
      return shown.outbox
        ? new OutboxQueueAdapter(opts.queue(name), options)
        : new BullMQAdapter(opts.queue(name), options);
    }),
    serverAdapter,
    options: { uiConfig: { boardTitle: BOARD_TITLE, miscLinks: [{ text: 'Connection health', url: '/health' }] } },
  });
  await app.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
}
