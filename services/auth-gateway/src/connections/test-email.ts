import { randomBytes } from 'node:crypto';
import { canSend, newId } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';

// The send worker consumes `send` {sendId} with jobId = sendId. Until queues/ has a send producer (createSendClient),
// the gateway creates the Send record and enqueues it itself, following that convention.

/** Queues a short email from the mailbox to itself: the user guide's "Send a test email" check. */
export async function sendTestEmail(deps: GatewayDeps, workspaceId: string, connectionId: string): Promise<{ sendId: string }> {
  const conn = await deps.models.Connection.findOne({ _id: connectionId, workspaceId }).lean();
  if (!conn) throw notFound('connection');
  if (conn.status !== 'active') throw new ApiError(409, 'connection_not_active', `The connection is ${conn.status}; reconnect it first.`);
  if (!canSend(conn.grantedScopes)) throw new ApiError(409, 'scope_cannot_send', 'The connection was granted no Mail.Send scope; change its scope to send.');
  const sendId = newId('send');
  const now = deps.now();
  await deps.models.Send.create({
    _id: sendId,
    workspaceId,
    connectionId,
    idempotencyKey: `test-${sendId}`,
    source: 'test',
    status: 'queued',
    message: {
      to: [{ address: conn.mailbox, ...(conn.displayName ? { name: conn.displayName } : {}) }],
      subject: 'Test email from your CRM',
      body: { contentType: 'text', content: `This test email was sent from ${conn.mailbox} at ${now.toISOString()} to check the connection.` },
    },
    marker: `oc-${randomBytes(12).toString('hex')}`,
  });
  await deps.queues.enqueue('send', { sendId }, { jobId: sendId });
  return { sendId };
}
