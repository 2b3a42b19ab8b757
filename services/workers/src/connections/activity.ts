import type { ActivityType, ConnectionDoc, Models } from '@outlook-connect/shared';

/** One line on a connection's timeline (operators' view). Never carries a token or secret. */
export async function recordActivity(
  models: Pick<Models, 'ConnectionActivity'>,
  conn: Pick<ConnectionDoc, '_id' | 'workspaceId'>,
  type: ActivityType,
  at: Date,
  detail: Record<string, unknown>,
): Promise<void> {
  await models.ConnectionActivity.create({ workspaceId: conn.workspaceId, connectionId: conn._id, type, at, detail });
}
