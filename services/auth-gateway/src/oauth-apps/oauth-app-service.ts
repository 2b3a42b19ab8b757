import {
  clientSecretContext,
  isDuplicateKeyError as isDuplicate,
  newId,
  type OAuthAppAudience,
  type OAuthAppDoc,
} from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { disconnectConnection } from '../connections/disconnect';
import { ApiError, notFound } from '../http/api-error';
import { appTenantOf, tenantRefusal } from './audience';

export interface OAuthAppInput {
  name: string;
  clientId: string;
  clientSecret: string;
  secretExpiresAt?: string | null | undefined;
  defaultTenant?: string | undefined;
  /** The Azure app's supported account types; a single-tenant app needs its tenant as defaultTenant. */
  audience?: OAuthAppAudience | null | undefined;
  redirectUri?: string | undefined;
}

/** A single-tenant app never defaults to common: refuse the combination, naming the field. */
function checkAudience(audience: OAuthAppAudience | null | undefined, defaultTenant: string): void {
  const refusal = tenantRefusal(audience, defaultTenant, appTenantOf(defaultTenant));
  if (!refusal) return;
  const reason =
    audience === 'single_tenant'
      ? 'a single-tenant app needs its tenant id (or verified domain) as defaultTenant'
      : refusal.reason;
  throw new ApiError(400, 'invalid_request', `body.defaultTenant: ${reason}`, {
    issues: [{ field: 'body.defaultTenant', reason }],
  });
}

const nameTaken = () => new ApiError(409, 'name_taken', 'An OAuth app with this name already exists in the workspace.');

export async function createOAuthApp(
  deps: GatewayDeps,
  workspaceId: string,
  input: OAuthAppInput,
): Promise<OAuthAppDoc> {
  const id = newId('app');
  checkAudience(input.audience, input.defaultTenant ?? 'common');
  try {
    const doc = await deps.models.OAuthApp.create({
      _id: id,
      workspaceId,
      name: input.name,
      clientId: input.clientId,
      clientSecretEnc: deps.box.encrypt(input.clientSecret, clientSecretContext(id)),
      secretExpiresAt: input.secretExpiresAt ? new Date(input.secretExpiresAt) : null,
      defaultTenant: input.defaultTenant ?? 'common',
      audience: input.audience ?? null,
      redirectUri: input.redirectUri ?? `${deps.env.PUBLIC_URL}/oauth/callback`,
    });
    return doc.toObject() as OAuthAppDoc;
  } catch (err) {
    if (isDuplicate(err)) throw nameTaken();
    throw err;
  }
}

export async function getOAuthApp(deps: GatewayDeps, workspaceId: string, id: string): Promise<OAuthAppDoc> {
  const app = await deps.models.OAuthApp.findOne({ _id: id, workspaceId }).lean();
  if (!app) throw notFound('OAuth app');
  return app;
}

/** A new secret bumps secretVersion, clears the secret status and queues recovery of the connections it broke. */
export async function updateOAuthApp(
  deps: GatewayDeps,
  workspaceId: string,
  id: string,
  input: Partial<OAuthAppInput>,
): Promise<OAuthAppDoc> {
  if (input.audience !== undefined || input.defaultTenant !== undefined) {
    const current = await getOAuthApp(deps, workspaceId, id);
    checkAudience(
      input.audience === undefined ? current.audience : input.audience,
      input.defaultTenant ?? current.defaultTenant,
    );
  }
  const $set: Record<string, unknown> = {};
  if (input.audience !== undefined) $set.audience = input.audience;
  if (input.name !== undefined) $set.name = input.name;
  if (input.clientId !== undefined) $set.clientId = input.clientId;
  if (input.defaultTenant !== undefined) $set.defaultTenant = input.defaultTenant;
  if (input.redirectUri !== undefined) $set.redirectUri = input.redirectUri;
  if (input.secretExpiresAt !== undefined)
    $set.secretExpiresAt = input.secretExpiresAt ? new Date(input.secretExpiresAt) : null;
  const update: Record<string, unknown> = { $set };
  if (input.clientSecret !== undefined) {
    Object.assign($set, {
      clientSecretEnc: deps.box.encrypt(input.clientSecret, clientSecretContext(id)),
      secretStatus: 'ok',
      secretStatusSince: deps.now(),
      secretWarningsSent: [],
    });
    update.$inc = { secretVersion: 1 };
  }
  let app: OAuthAppDoc | null;
  try {
    app = await deps.models.OAuthApp.findOneAndUpdate({ _id: id, workspaceId }, update, {
      returnDocument: 'after',
    }).lean();
  } catch (err) {
    if (isDuplicate(err)) throw nameTaken();
    throw err;
  }
  if (!app) throw notFound('OAuth app');
  if (input.clientSecret !== undefined) {
    await deps.queues.enqueue(
      'app-recovery',
      { appId: app._id, secretVersion: app.secretVersion },
      { jobId: `recovery_${app._id}_v${app.secretVersion}` },
    );
  }
  return app;
}

/** Refused while the app has live connections, unless the caller asks to disconnect them. */
export async function deleteOAuthApp(
  deps: GatewayDeps,
  workspaceId: string,
  id: string,
  disconnectConnections: boolean,
): Promise<{ disconnected: number }> {
  await getOAuthApp(deps, workspaceId, id);
  const live = await deps.models.Connection.find(
    { appId: id, workspaceId, status: { $ne: 'disconnected' } },
    { _id: 1 },
  ).lean();
  if (live.length && !disconnectConnections) {
    throw new ApiError(
      409,
      'app_has_connections',
      `The app has ${live.length} live connection(s). Disconnect them first, or pass ?disconnectConnections=true.`,
      {
        connections: live.length,
      },
    );
  }
  for (const c of live) await disconnectConnection(deps, workspaceId, c._id);
  await deps.models.OAuthApp.deleteOne({ _id: id, workspaceId });
  return { disconnected: live.length };
}
