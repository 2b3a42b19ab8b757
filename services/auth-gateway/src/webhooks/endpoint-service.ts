import {
  checkWebhookUrl,
  generateWebhookSecret,
  newId,
  parseAllowList,
  refusedHost,
  webhookSecretContext,
  type WebhookEndpointDoc,
} from '@outlook-connect/shared';
import type { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { ApiError, notFound } from '../http/api-error';
import type { endpointBody, endpointPatch } from './endpoint-schemas';

type Deps = Pick<GatewayDeps, 'models' | 'box' | 'env' | 'now'>;

const badUrl = (reason: string) =>
  new ApiError(400, 'invalid_request', `body.url: ${reason}`, { issues: [{ field: 'body.url', reason }] });

/** The registration check: the URL's own rules, then DNS (the workers check the address again when they connect). */
export async function checkEndpointUrl(deps: Deps, url: string): Promise<void> {
  const allow = parseAllowList(deps.env.WEBHOOK_ALLOW_PRIVATE_HOSTS);
  const own = checkWebhookUrl(url, allow);
  if (!own.ok) throw badUrl(own.reason!);
  const refused = await refusedHost(new URL(url).hostname, allow);
  if (refused) throw badUrl(`refused: ${refused}`);
}

export async function getEndpoint(
  deps: Pick<Deps, 'models'>,
  workspaceId: string,
  id: string,
): Promise<WebhookEndpointDoc> {
  const endpoint = await deps.models.WebhookEndpoint.findOne({ _id: id, workspaceId }).lean();
  if (!endpoint) throw notFound('webhook endpoint');
  return endpoint as WebhookEndpointDoc;
}

export async function createEndpoint(
  deps: Deps,
  workspaceId: string,
  body: z.output<typeof endpointBody>,
): Promise<{ endpoint: WebhookEndpointDoc; secret: string }> {
  await checkEndpointUrl(deps, body.url);
  const id = newId('whep');
  const secret = generateWebhookSecret();
  const created = await deps.models.WebhookEndpoint.create({
    _id: id,
    workspaceId,
    url: body.url,
    description: body.description,
    eventTypes: [...new Set(body.eventTypes)],
    enabled: body.enabled,
    secretEnc: deps.box.encrypt(secret, webhookSecretContext(id, 'secret')),
  });
  return { endpoint: created.toObject() as WebhookEndpointDoc, secret };
}

export async function updateEndpoint(
  deps: Deps,
  workspaceId: string,
  id: string,
  patch: z.output<typeof endpointPatch>,
): Promise<WebhookEndpointDoc> {
  const current = await getEndpoint(deps, workspaceId, id);
  if (patch.url !== undefined) await checkEndpointUrl(deps, patch.url);
  const set: Record<string, unknown> = {};
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.eventTypes !== undefined) set.eventTypes = [...new Set(patch.eventTypes)];
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  // Enabled again by hand: it starts with a clean record (the workers disable it again if it keeps failing).
  if (patch.enabled && !current.enabled)
    Object.assign(set, { disabledAt: null, disabledReason: null, failingSince: null });
  const updated = await deps.models.WebhookEndpoint.findOneAndUpdate(
    { _id: id, workspaceId },
    { $set: set },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw notFound('webhook endpoint');
  return updated as WebhookEndpointDoc;
}

/** A new secret signs from now on; the old one also signs for the overlap, so consumers can switch without a gap. */
export async function rotateSecret(
  deps: Deps,
  workspaceId: string,
  id: string,
  overlapSeconds: number,
): Promise<{ endpoint: WebhookEndpointDoc; secret: string }> {
  const current = await getEndpoint(deps, workspaceId, id);
  const before = deps.box.decrypt(current.secretEnc, webhookSecretContext(id, 'secret'));
  const secret = generateWebhookSecret();
  const updated = await deps.models.WebhookEndpoint.findOneAndUpdate(
    { _id: id, workspaceId, secretEnc: current.secretEnc },
    {
      $set: {
        secretEnc: deps.box.encrypt(secret, webhookSecretContext(id, 'secret')),
        previousSecretEnc:
          overlapSeconds > 0 ? deps.box.encrypt(before, webhookSecretContext(id, 'previousSecret')) : null,
        previousSecretExpiresAt: overlapSeconds > 0 ? new Date(deps.now().getTime() + overlapSeconds * 1000) : null,
      },
    },
    { returnDocument: 'after' },
  ).lean();
  if (!updated) throw new ApiError(409, 'rotation_conflict', 'the secret was rotated at the same time; rotate again');
  return { endpoint: updated as WebhookEndpointDoc, secret };
}
