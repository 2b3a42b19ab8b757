import type { QueueClient } from './queue-client';

// The producer side of the Sent Items follow-up that the status owner needs: a connection that could not be used
// stopped its looks (its submitted sends stay `pending`); once it works again they are looked for at once.

/**
 * Books a `send-confirm` run for the connection now. `cause` (the reconnect's attempt, the recovery's token version)
 * makes the job id, so a status write that is retried books it once; the workers' own runs use slot ids.
 */
export async function lookForSentCopiesNow(queues: QueueClient, connectionId: string, cause: string): Promise<void> {
  await queues.enqueue('send-confirm', { connectionId }, { jobId: `send-confirm_${connectionId}_${cause}` });
}
