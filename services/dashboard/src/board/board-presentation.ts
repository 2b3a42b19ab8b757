import { catalog, type QueueName } from '@outlook-connect/queues';

/** The board's title: it sits in the 264px sidebar header and bull-board cuts what does not fit with an ellipsis. */
export const BOARD_TITLE = 'outlook-connect';

export interface QueuePresentation {
  displayName?: string;
  description: string;
  /** No outlook-connect worker takes from it by design: an empty worker list is not an alarm. */
  outbox: boolean;
}

/** How a catalog queue shows on the board: queues the CRM consumes read as its outbox, not as a stalled queue. */
export function presentQueue(name: QueueName): QueuePresentation {
  const spec = catalog[name];
  // The webhooks worker consumes it now: with no worker running, "No workers" is a real fault and shows.
  if (name === 'events')
    return {
      displayName: 'events (CRM outbox)',
      description: "The CRM's outbox: the workers deliver each event to its webhook endpoints.",
      outbox: false,
    };
  if (spec.consumer === 'workers') return { description: spec.description, outbox: false };
  return {
    displayName: `${name} (CRM outbox)`,
    // One line in the queue page's header: longer text is cut there.
    description: "The CRM's outbox: the CRM consumes these product events; no worker here, by design.",
    outbox: true,
  };
}
