import { markDisconnected } from '@outlook-connect/mailbox-runtime';
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
  const updated = await markDisconnected(deps, workspaceId, connectionId, now);
  await failQueuedWork(deps, connectionId, now);
  await removeConnectionJobs(deps.queues, connectionId);
  return updated ?? (await deps.models.Connection.findById(connectionId).lean()) ?? current;
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
