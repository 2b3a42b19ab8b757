import { markConnected } from '@outlook-connect/mailbox-runtime';
import { checkInboxSubscriptionNow, syncInboxNow } from '@outlook-connect/queues';
import {
  canReadMail,
  classifyConsentError,
  classifyMicrosoftError,
  codeVerifierContext,
  consentFailure,
  redeemCode,
  remediationFor,
  scopesForPreset,
  type ConnectAttemptDoc,
  type ConnectOutcome,
  type MicrosoftTokens,
  type OAuthAppDoc,
} from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { msalOptionsFor } from '../oauth-apps/app-credentials';
import { appTenantOf } from '../oauth-apps/audience';
import { issueAdminConsentUrl } from './admin-consent';
import { checkGrant } from './grant-checks';
import { resolveTenantId } from './resolve-tenant';
import { isSpecificTenant, isTenantGuid } from './tenant';

export interface CallbackParams {
  code?: string | undefined;
  error?: string | undefined;
  error_description?: string | undefined;
  error_subcode?: string | undefined;
}

type Failure = Omit<ConnectOutcome, 'connectionId' | 'created'> & { errorCode: string };

/** Finishes a consumed attempt: redeem the code, check the grant, store the connection, emit the event. */
export async function completeConnect(
  deps: GatewayDeps,
  attempt: ConnectAttemptDoc,
  params: CallbackParams,
): Promise<ConnectOutcome> {
  const app = await deps.models.OAuthApp.findOne({ _id: attempt.appId, workspaceId: attempt.workspaceId }).lean();
  const outcome = app
    ? await exchange(deps, attempt, app, params)
    : failed('app_not_found', remediationFor('app_not_found'), 'The OAuth app was deleted.');
  await deps.models.ConnectAttempt.updateOne(
    { _id: attempt._id },
    { $set: { status: 'connectionId' in outcome && outcome.connectionId ? 'succeeded' : 'failed', outcome } },
  );
  return outcome;
}

async function exchange(
  deps: GatewayDeps,
  attempt: ConnectAttemptDoc,
  app: OAuthAppDoc,
  params: CallbackParams,
): Promise<ConnectOutcome> {
  const scopes = scopesForPreset(attempt.scopePreset);
  const loginUrl = deps.env.MICROSOFT_LOGIN_URL;
  if (params.error || !params.code) {
    const f = classifyConsentError(
      // A cancel can come without any description; only a callback with neither error nor code is ours to explain.
      {
        error: params.error ?? 'invalid_request',
        error_description: params.error_description ?? (params.error ? '' : 'No authorization code in the callback.'),
        error_subcode: params.error_subcode ?? null,
      },
      undefined,
      appTenantOf(app.defaultTenant),
    );
    if (f.code === 'admin_consent_required') f.adminConsentUrl = await issueAdminConsentUrl(deps, attempt, app);
    if (f.code === 'app_single_tenant') await learnSingleTenant(deps, app);
    return toOutcome(f);
  }
  let grant: MicrosoftTokens;
  try {
    grant = await redeemCode(msalOptionsFor(app, deps.box, loginUrl, attempt.tenant), {
      code: params.code,
      codeVerifier: deps.box.decrypt(attempt.codeVerifierEnc, codeVerifierContext(attempt._id)),
      nonce: attempt.nonce,
      redirectUri: app.redirectUri,
      scopes,
    });
  } catch (err) {
    const f = classifyMicrosoftError(err);
    deps.logger.warn({ attemptId: attempt._id, code: f.code, aadsts: f.aadsts }, 'code redemption failed');
    if (f.code === 'app_single_tenant') {
      await learnSingleTenant(deps, app);
      return toOutcome(
        consentFailure('app_single_tenant', {
          aadsts: f.aadsts,
          message: f.message,
          appTenant: appTenantOf(app.defaultTenant),
        }),
      );
    }
    return failed(f.code, remediationFor(f.code), f.message, f.aadsts);
  }
  const resolvedTenantId =
    isSpecificTenant(attempt.tenant) && !isTenantGuid(attempt.tenant)
      ? await resolveTenantId(loginUrl, attempt.tenant)
      : undefined;
  const problem = checkGrant({
    requestedScopes: scopes,
    grant,
    tenant: attempt.tenant,
    ...(resolvedTenantId ? { resolvedTenantId } : {}),
  });
  if (problem) return toOutcome(problem);

  let recorded;
  try {
    const input = {
      box: deps.box,
      workspaceId: attempt.workspaceId,
      app: { id: app._id },
      scopePreset: attempt.scopePreset,
      tenant: attempt.tenant,
      grant,
      now: deps.now(),
      attemptId: attempt._id,
    };
    // A reconnect (or change of scope) must land on its own connection: another account's consent changes nothing.
    // connection-status writes it and emits connection.created / connection.reconnected.
    recorded = attempt.connectionId
      ? await markConnected(deps, { ...input, expectedConnectionId: attempt.connectionId })
      : await markConnected(deps, input);
  } catch (err) {
    deps.logger.error({ attemptId: attempt._id, err }, 'could not store the connection');
    return toOutcome(consentFailure('unknown', { message: 'The connection could not be stored.' }));
  }
  if ('mismatch' in recorded) {
    deps.logger.warn(
      { attemptId: attempt._id, connectionId: recorded.connectionId, mismatch: recorded.mismatch },
      'reconnect signed in with another account',
    );
    const message =
      recorded.mismatch === 'account'
        ? `Signed in as ${recorded.signedInAs}, which is not the account of connection ${recorded.connectionId}.`
        : `Connection ${recorded.connectionId} no longer exists.`;
    return toOutcome(consentFailure('account_mismatch', { message }));
  }
  const { connection, created } = recorded;
  if (canReadMail(connection.grantedScopes)) {
    // First inbox sync at once, so the CRM's inbox view fills now; if this fails, the workers' sync sweep still does it.
    await syncInboxNow(deps.queues, connection._id).catch((err: unknown) =>
      deps.logger.warn(
        { connectionId: connection._id, err },
        'could not schedule the first inbox sync; the sweep will',
      ),
    );
  }
  // Push: the workers create (or, after a change to send_only, remove) the Inbox subscription; the sweep heals a miss.
  await checkInboxSubscriptionNow(deps.queues, connection._id).catch((err: unknown) =>
    deps.logger.warn(
      { connectionId: connection._id, err },
      'could not schedule the inbox subscription; the sweep will',
    ),
  );
  return { connectionId: connection._id, created };
}

/** Microsoft said the app registration is single-tenant (AADSTS50194): remember it, so the next connect is refused up front. */
async function learnSingleTenant(deps: GatewayDeps, app: OAuthAppDoc): Promise<void> {
  if (app.audience === 'single_tenant') return;
  await deps.models.OAuthApp.updateOne(
    { _id: app._id, workspaceId: app.workspaceId },
    { $set: { audience: 'single_tenant' } },
  );
}

function toOutcome(f: {
  code: string;
  aadsts?: number;
  message: string;
  remediation: string;
  adminConsentUrl?: string;
}): Failure {
  return failed(f.code, f.remediation, f.message, f.aadsts, f.adminConsentUrl);
}

function failed(
  errorCode: string,
  remediation: string,
  message: string,
  aadsts?: number,
  adminConsentUrl?: string,
): Failure {
  return {
    errorCode,
    remediation,
    message,
    ...(aadsts !== undefined ? { aadsts } : {}),
    ...(adminConsentUrl ? { adminConsentUrl } : {}),
  };
}
