import type { QueueClient } from '@outlook-connect/queues';

const PER_CONNECTION_QUEUES = ['token-refresh', 'inbox-sync', 'inbox-subscription'] as const;
const PAGE = 500;

/** Removes every waiting or delayed refresh and sync job of a connection, whatever its job id convention. */
export async function removeConnectionJobs(queues: QueueClient, connectionId: string): Promise<number> {
  let removed = 0;
  for (const name of PER_CONNECTION_QUEUES) {
    const queue = queues.queue(name);
    const ids: string[] = [];
    // Collect first, remove after: removing while paging would shift the pages.
    for (let start = 0; ; start += PAGE) {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized'], start, start + PAGE - 1);
      for (const job of jobs) {
        if (job?.id && (job.data as { connectionId?: string } | undefined)?.connectionId === connectionId)
          ids.push(job.id);
      }
      if (jobs.length < PAGE) break;
    }
    for (const id of ids) removed += await queue.remove(id).catch(() => 0);
  }
  return removed;
}
