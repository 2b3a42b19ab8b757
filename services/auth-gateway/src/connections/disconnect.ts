import { markDisconnected, removeInboxSubscription } from '@outlook-connect/mailbox-runtime';
import type { ConnectionDoc } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { notFound } from '../http/api-error';
import { removeConnectionJobs } from './connection-jobs';

/**
 * Disconnects: connection-status writes it (tokens wiped, status disconnected, line, `connection.disconnected`), then
 * scheduled jobs are removed and queued sends and calendar operations failed with `connection_disconnected`. Idempotent.
 */
export async function disconnectConnection(
  deps: GatewayDeps,
  workspaceId: string,
  connectionId: string,
): Promise<ConnectionDoc> {
  const now = deps.now();
  const current = await deps.models.Connection.findOne({ _id: connectionId, workspaceId }).lean();
  if (!current) throw notFound('connection');
  await removeSubscription(deps, connectionId);
  const updated = await markDisconnected(deps, workspaceId, connectionId, now);
  await failQueuedWork(deps, connectionId, now);
  await removeConnectionJobs(deps.queues, connectionId);
  return updated ?? (await deps.models.Connection.findById(connectionId).lean()) ?? current;
}

/** How long a disconnect waits for Graph to delete the subscription (the last call made with the connection's token). */
const SUBSCRIPTION_DELETE_WAIT_MS = 5_000;

/**
 * Deletes the Inbox subscription while the token still exists (disconnecting wipes it). Best effort and bounded: if
 * Graph does not answer in time the subscription lapses at its expiry, and its notifications are dropped as unknown.
 */
async function removeSubscription(deps: GatewayDeps, connectionId: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), SUBSCRIPTION_DELETE_WAIT_MS);
  });
  try {
    const removed = await Promise.race([removeInboxSubscription(deps.mailbox, connectionId), waited]);
    if (removed === 'timeout' || removed.kind === 'busy')
      deps.logger.warn({ connectionId }, 'inbox subscription not deleted at Graph in time; it lapses at its expiry');
  } catch (err) {
    deps.logger.warn({ connectionId, err }, 'could not delete the inbox subscription; it lapses at its expiry');
  } finally {
    clearTimeout(timer);
  }
}

const DISCONNECTED_ERROR = {
  kind: 'permanent',
  code: 'connection_disconnected',
  message: 'The connection was disconnected before this ran.',
};

async function failQueuedWork(deps: GatewayDeps, connectionId: string, now: Date): Promise<void> {
  const sends = await deps.models.Send.find(
    { connectionId, status: { $in: ['queued', 'scheduled'] } },
    { _id: 1 },
  ).lean();
  for (const send of sends) {
    const changed = await deps.models.Send.updateOne(
      { _id: send._id, status: { $in: ['queued', 'scheduled'] } },
      { $set: { status: 'failed', error: DISCONNECTED_ERROR, failedAt: now } },
    );
    if (changed.modifiedCount) await removeJob(deps, 'send', send._id);
  }
  const ops = await deps.models.CalendarOperation.find({ connectionId, status: 'queued' }, { _id: 1 }).lean();
  for (const op of ops) {
    const changed = await deps.models.CalendarOperation.updateOne(
      { _id: op._id, status: 'queued' },
      { $set: { status: 'failed', error: DISCONNECTED_ERROR } },
    );
    if (changed.modifiedCount) await removeJob(deps, 'calendar', op._id);
  }
}

async function removeJob(deps: GatewayDeps, queue: 'send' | 'calendar', jobId: string): Promise<void> {
  // A job a worker holds right now cannot be removed; the worker sees the failed record and stops.
  await deps.queues
    .queue(queue)
    .remove(jobId)
    .catch(() => 0);
}
