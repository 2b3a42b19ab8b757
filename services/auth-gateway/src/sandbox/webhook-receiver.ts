import { Webhook } from 'standardwebhooks';
import type { WebhookEndpointDoc } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import type { GatewayApp } from '../http/gateway-app';
import { receiverSecrets, SANDBOX_RECEIVER_PATH, sandboxReceiverUrl } from './sandbox-webhooks';
import { webhookReceiverPage, type ReceivedWebhook } from './webhook-receiver-page';

const KEEP = 50;

/**
 * SANDBOX only: a webhook receiver like a CRM's, verifying each delivery with the Standard Webhooks library and the
 * endpoint's secret, and a page listing what arrived (newest first), so a newcomer sees connection.created land.
 */
export function webhookReceiverRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const received: ReceivedWebhook[] = [];
  void app.register(async (scope) => {
    // The signature covers the exact bytes: keep the body as the string that arrived.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post(SANDBOX_RECEIVER_PATH, { schema: { hide: true } }, async (req, reply) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const headers = req.headers as Record<string, string>;
      const endpoints = (await deps.models.WebhookEndpoint.find({
        url: sandboxReceiverUrl(deps.env.PUBLIC_URL),
      }).lean()) as WebhookEndpointDoc[];
      const secrets = endpoints.flatMap((e) => receiverSecrets(deps, e, deps.now().getTime()));
      const verified = secrets.some((s) => {
        try {
          new Webhook(s).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      });
      let type = '(unreadable)';
      try {
        type = String((JSON.parse(body) as { type?: unknown }).type ?? type);
      } catch {
        // shown as unreadable
      }
      received.unshift({
        at: deps.now().toISOString(),
        webhookId: headers['webhook-id'] ?? '',
        type,
        verified,
        body: body.slice(0, 2000),
      });
      received.length = Math.min(received.length, KEEP);
      // A bad signature is the sender's fault and will not get better: 400, not retried.
      return reply
        .code(verified ? 204 : 400)
        .send(verified ? undefined : { error: 'invalid_signature', message: 'webhook-signature does not verify' });
    });
  });
  app.get(SANDBOX_RECEIVER_PATH, { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(webhookReceiverPage(received)),
  );
}
