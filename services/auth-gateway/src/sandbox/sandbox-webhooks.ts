import { generateWebhookSecret, newId, webhookSecretContext, type WebhookEndpointDoc } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';

export const SANDBOX_RECEIVER_PATH = '/sandbox/webhooks';
const DESCRIPTION = 'Sandbox receiver';

/** The sandbox's webhook receiver URL: this gateway's own page (reachable because the sandbox allow-lists localhost). */
export const sandboxReceiverUrl = (publicUrl: string): string => `${publicUrl}${SANDBOX_RECEIVER_PATH}`;

/**
 * The sandbox workspace's endpoint for the receiver page, every event type, reused across runs (the URL follows
 * PUBLIC_URL). Written directly: the registration check would refuse localhost without the sandbox's allow-list.
 */
export async function ensureSandboxReceiver(
  deps: Pick<GatewayDeps, 'models' | 'box' | 'env'>,
  workspaceId: string,
): Promise<string> {
  const url = sandboxReceiverUrl(deps.env.PUBLIC_URL);
  const existing = await deps.models.WebhookEndpoint.findOne({ workspaceId, description: DESCRIPTION }).lean();
  if (existing) {
    await deps.models.WebhookEndpoint.updateOne(
      { _id: existing._id },
      { $set: { url, enabled: true, eventTypes: [], failingSince: null, disabledAt: null, disabledReason: null } },
    );
    return existing._id;
  }
  const id = newId('whep');
  await deps.models.WebhookEndpoint.create({
    _id: id,
    workspaceId,
    url,
    description: DESCRIPTION,
    secretEnc: deps.box.encrypt(generateWebhookSecret(), webhookSecretContext(id, 'secret')),
  });
  return id;
}

/** The secrets a delivery to the receiver may be signed with (current, and the previous one during a rotation). */
export function receiverSecrets(deps: Pick<GatewayDeps, 'box'>, endpoint: WebhookEndpointDoc, now: number): string[] {
  const secrets = [deps.box.decrypt(endpoint.secretEnc, webhookSecretContext(endpoint._id, 'secret'))];
  if (
    endpoint.previousSecretEnc &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt.getTime() > now
  ) {
    secrets.push(deps.box.decrypt(endpoint.previousSecretEnc, webhookSecretContext(endpoint._id, 'previousSecret')));
  }
  return secrets;
}
