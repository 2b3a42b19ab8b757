import {
  canReadMail,
  defaultNextRefreshAt,
  grantIdentity,
  isDuplicateKeyError as isDuplicateKey,
  newId,
  tokenContext,
  type ConnectionDoc,
  type MicrosoftTokens,
  type Models,
  type ScopePresetName,
  type SecretBox,
} from '@outlook-connect/shared';
import { addToSubscriptionSchedule } from '../schedule/subscription-schedule';
import { addToSyncSchedule } from '../schedule/sync-schedule';
import { addToRefreshSchedule } from '../tokens/refresh-schedule';

export interface RecordGrantInput {
  models: Pick<Models, 'Connection' | 'ConnectionActivity' | 'ScheduleBucket' | 'ScheduleCursor'>;
  box: SecretBox;
  workspaceId: string;
  /** The OAuth app the grant was made through (its id in our store). */
  app: { id: string } | { _id: string };
  scopePreset: ScopePresetName;
  /** What the user picked: `common`, a tenant GUID or a domain. */
  tenant: string;
  grant: MicrosoftTokens;
  now?: Date;
  /** When the first refresh is due; the token lifecycle owns the policy. Default: expiresAt - 10 min. */
  nextRefreshAt?: Date;
}

export interface RecordGrantResult {
  connection: ConnectionDoc;
  /** False when an existing connection (same Microsoft user through the same app) was reconnected in place. */
  created: boolean;
}

/** A reconnect bound to one connection: the grant must be that connection's Microsoft account. */
export type ReconnectGrantInput = RecordGrantInput & { expectedConnectionId: string };

/** The grant is another account (or app) than the connection being reconnected; nothing was written. */
export interface RecordGrantMismatch {
  mismatch: 'account' | 'connection_not_found';
  connectionId: string;
  /** The mailbox address of the account that signed in (for the reason text). */
  signedInAs: string;
}

/**
 * Stores a fresh grant: creates the connection, or reconnects the existing one for the same Microsoft user and app
 * in place (same id, Active again, failures cleared). Tokens are stored only as SecretBox ciphertexts.
 */
export async function recordGrant(input: ReconnectGrantInput): Promise<RecordGrantResult | RecordGrantMismatch>;
export async function recordGrant(input: RecordGrantInput): Promise<RecordGrantResult>;
export async function recordGrant(
  input: RecordGrantInput | ReconnectGrantInput,
): Promise<RecordGrantResult | RecordGrantMismatch> {
  const appId = 'id' in input.app ? input.app.id : input.app._id;
  const identity = grantIdentity(input.grant);
  const now = input.now ?? new Date();
  const key = { appId, tenantId: identity.tenantId, microsoftUserId: identity.microsoftUserId };

  const firstRefreshAt = input.nextRefreshAt ?? defaultNextRefreshAt(input.grant.expiresAt);
  // Filed before the connection is written: a crash in between leaves an entry the sweep drops, never an active
  // connection the sweep cannot find. Its refresh, and (a grant that reads mail) its first inbox sync and subscription
  // check: now.
  const fileSchedule = async (connectionId: string) => {
    await addToRefreshSchedule(input.models, [{ _id: connectionId, nextRefreshAt: firstRefreshAt }], now.getTime());
    if (canReadMail(input.grant.grantedScopes)) {
      await addToSyncSchedule(input.models, [{ _id: connectionId, atMs: now.getTime() }], now.getTime());
      // Its subscription is created after connect: the subscription sweep checks it from this minute on.
      await addToSubscriptionSchedule(input.models, [{ _id: connectionId, atMs: now.getTime() }], now.getTime());
    }
  };
  const fields = (connectionId: string) => ({
    workspaceId: input.workspaceId,
    status: 'active' as const,
    statusReason: null,
    scopePreset: input.scopePreset,
    grantedScopes: input.grant.grantedScopes,
    tenant: input.tenant,
    homeAccountId: input.grant.homeAccountId,
    mailbox: identity.mailbox,
    displayName: identity.displayName,
    accessTokenEnc: input.box.encrypt(input.grant.accessToken, tokenContext(connectionId, 'accessToken')),
    refreshTokenEnc: input.grant.refreshToken
      ? input.box.encrypt(input.grant.refreshToken, tokenContext(connectionId, 'refreshToken'))
      : null,
    accessTokenExpiresAt: input.grant.expiresAt,
    lastRefreshAt: now,
    nextRefreshAt: firstRefreshAt,
    refreshFailures: 0,
    lastRefreshError: null,
    disconnectedAt: null,
  });

  if ('expectedConnectionId' in input) {
    const id = input.expectedConnectionId;
    const gone: RecordGrantMismatch = {
      mismatch: 'connection_not_found',
      connectionId: id,
      signedInAs: identity.mailbox,
    };
    const target = await input.models.Connection.findOne({ _id: id, workspaceId: input.workspaceId }).lean();
    if (!target) return gone;
    // oid + tid is the account; any other account must not take over this connection's id.
    const same =
      target.appId === appId &&
      target.tenantId === identity.tenantId &&
      target.microsoftUserId === identity.microsoftUserId;
    if (!same) return { mismatch: 'account', connectionId: id, signedInAs: identity.mailbox };
    await fileSchedule(id);
    const updated = await input.models.Connection.findOneAndUpdate(
      { _id: id, workspaceId: input.workspaceId },
      { $set: fields(id), $inc: { tokenVersion: 1 } },
      { returnDocument: 'after' },
    ).lean();
    if (!updated) return gone;
    await logActivity(input, id, 'reconnected', now);
    return { connection: updated as ConnectionDoc, created: false };
  }

  // Two tries: a concurrent first connect of the same user makes our insert lose (E11000); we then update theirs.
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await input.models.Connection.findOne(key).lean();
    if (existing) {
      await fileSchedule(existing._id);
      const updated = await input.models.Connection.findOneAndUpdate(
        { _id: existing._id },
        { $set: fields(existing._id), $inc: { tokenVersion: 1 } },
        { returnDocument: 'after' },
      ).lean();
      if (!updated) continue; // deleted meanwhile: create it again
      await logActivity(input, updated._id, 'reconnected', now);
      return { connection: updated as ConnectionDoc, created: false };
    }
    const id = newId('conn');
    await fileSchedule(id);
    try {
      const created = await input.models.Connection.create({ _id: id, ...key, ...fields(id), tokenVersion: 1 });
      await logActivity(input, id, 'connected', now);
      return { connection: created.toObject() as ConnectionDoc, created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
  throw new Error('recordGrant: the connection changed concurrently twice; retry the callback');
}

async function logActivity(input: RecordGrantInput, connectionId: string, type: 'connected' | 'reconnected', at: Date) {
  await input.models.ConnectionActivity.create({
    workspaceId: input.workspaceId,
    connectionId,
    type,
    at,
    detail: { scopePreset: input.scopePreset, grantedScopes: input.grant.grantedScopes },
  });
}
