import { randomBytes } from 'node:crypto';
import { createSendClient } from '@outlook-connect/queues';
import { canSend } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';

/** Queues a short email from the mailbox to itself: the user guide's "Send a test email" check. */
export async function sendTestEmail(
  deps: GatewayDeps,
  workspaceId: string,
  connectionId: string,
): Promise<{ sendId: string }> {
  const conn = await deps.models.Connection.findOne({ _id: connectionId, workspaceId }).lean();
  if (!conn) throw notFound('connection');
  if (conn.status !== 'active')
    throw new ApiError(409, 'connection_not_active', `The connection is ${conn.status}; reconnect it first.`);
  if (!canSend(conn.grantedScopes))
    throw new ApiError(
      409,
      'scope_cannot_send',
      'The connection was granted no Mail.Send scope; change its scope to send.',
    );
  const now = deps.now();
  const sends = createSendClient({ models: deps.models, queues: deps.queues, now: () => deps.now().getTime() });
  const { send } = await sends.enqueueSend({
    workspaceId,
    connectionId,
    // Each click is a new test email; the key only guards against a retried request.
    idempotencyKey: `test-${now.getTime()}-${randomBytes(4).toString('hex')}`,
    source: 'test',
    message: {
      to: [{ address: conn.mailbox, ...(conn.displayName ? { name: conn.displayName } : {}) }],
      subject: 'Test email from your CRM',
      body: {
        contentType: 'text',
        content: `This test email was sent from ${conn.mailbox} at ${now.toISOString()} to check the connection.`,
      },
    },
  });
  return { sendId: send._id };
}
