import { remediationFor, type MicrosoftFailure } from '@outlook-connect/shared';
import type { AppSecretStatus, ConnectionStatus, StatusReason } from '@outlook-connect/shared';

/** Reason codes set on connections because their OAuth app's credentials failed; an app secret update retries them. */
export const APP_REASON_CODES = ['client_secret_expired', 'client_secret_invalid', 'app_not_found'] as const;
export type AppReasonCode = (typeof APP_REASON_CODES)[number];

export function isAppReason(code: string | undefined | null): code is AppReasonCode {
  return !!code && (APP_REASON_CODES as readonly string[]).includes(code);
}

/** What a classified failure does to a connection (and maybe its OAuth app). */
export type StatusChange =
  /** Nothing changes (already not active): a failure never revives or re-marks a connection twice. */
  | { action: 'none' }
  /** Stays active; the failure is counted and the refresh retried with backoff. */
  | { action: 'count'; retry: boolean }
  | { action: 'needs_reconnect'; reason: StatusReason }
  /** The OAuth app is broken: mark it, then every active connection of it. */
  | { action: 'app_broken'; appSecretStatus: Exclude<AppSecretStatus, 'ok'>; reason: StatusReason };

export interface FailureContext {
  now: Date;
  /** The app secret version the failed request used (app-credential failures). */
  appSecretVersion?: number;
}

export function reasonFor(failure: MicrosoftFailure, ctx: FailureContext): StatusReason {
  const reason: StatusReason = {
    code: failure.code,
    message: failure.message || failure.code,
    remediation: remediationFor(failure.code),
    since: ctx.now,
  };
  if (failure.aadsts !== undefined) reason.aadsts = failure.aadsts;
  if (failure.kind === 'app_credentials' && ctx.appSecretVersion !== undefined)
    reason.appSecretVersion = ctx.appSecretVersion;
  return reason;
}

/** The app's secret status after an app-credential failure: an expired secret is `expired`, anything else `invalid`. */
export function appSecretStatusFor(failure: MicrosoftFailure): Exclude<AppSecretStatus, 'ok'> {
  return failure.code === 'client_secret_expired' ? 'expired' : 'invalid';
}

/** The one status transition table: current status + classified failure -> what happens. */
export function nextStatus(current: ConnectionStatus, failure: MicrosoftFailure, ctx: FailureContext): StatusChange {
  if (current !== 'active') return { action: 'none' };
  switch (failure.kind) {
    case 'transient':
      return { action: 'count', retry: true };
    // A permanent answer to a refresh is a bug or an unknown reply: keep the connection, count it visibly, retry slowly.
    case 'permanent':
      return { action: 'count', retry: true };
    case 'reconnect_required':
      return { action: 'needs_reconnect', reason: reasonFor(failure, ctx) };
    case 'app_credentials':
      return { action: 'app_broken', appSecretStatus: appSecretStatusFor(failure), reason: reasonFor(failure, ctx) };
  }
}

/** The reason every active connection of an app gets when the app's secret expires or is refused. */
export function appReason(
  status: Exclude<AppSecretStatus, 'ok'>,
  now: Date,
  appSecretVersion: number,
  message?: string,
): StatusReason {
  const code = status === 'expired' ? 'client_secret_expired' : 'client_secret_invalid';
  return {
    code,
    message:
      message ??
      (status === 'expired'
        ? "The OAuth app's client secret expired."
        : "Microsoft refused the OAuth app's client secret."),
    remediation: remediationFor(code),
    appSecretVersion,
    since: now,
  };
}
