import type { EmulatorContext } from '../context';
import type { App } from '../state/model';
import { aadError, type AadError } from './aad-error';
import { appVisibleIn, audienceRefusal, targetName, type TenantTarget } from './tenant-target';

export type ClientAuthResult = { ok: true; app: App } | { ok: false; error: AadError };

/** client_id/client_secret from the form body, or from HTTP Basic (each part URL-encoded, RFC 6749 2.3.1). */
export function clientCredentials(
  form: Record<string, string | undefined>,
  authorization: string | undefined,
): { clientId?: string; secret?: string } {
  const basic = authorization?.match(/^Basic\s+(.+)$/i)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
    }
  }
  return { clientId: form.client_id, secret: form.client_secret };
}

/** Finds the app and checks its secret: unknown app 700016, no secret 7000218, expired 7000222, wrong 7000215. */
export function authenticateClient(
  ctx: EmulatorContext,
  target: TenantTarget,
  creds: { clientId?: string; secret?: string },
  correlationId?: string,
): ClientAuthResult {
  const opts = { baseUrl: ctx.urls.url, nowMs: ctx.clock.now(), correlationId };
  if (!creds.clientId) return { ok: false, error: aadError(900144, { param: 'client_id' }, opts) };
  const app = ctx.directory.apps.get(creds.clientId);
  const tenantName = targetName(target);
  if (!app || (target.kind === 'tenant' && !appVisibleIn(app, target.tenant.id))) {
    return { ok: false, error: aadError(700016, { clientId: creds.clientId, tenantName }, opts) };
  }
  const refusal = audienceRefusal(app, target);
  if (refusal) return { ok: false, error: aadError(refusal, { clientId: app.clientId, appName: app.name }, opts) };
  if (!creds.secret) return { ok: false, error: aadError(7000218, {}, opts) };
  const match = app.secrets.find((s) => s.value === creds.secret);
  if (!match) return { ok: false, error: aadError(7000215, { clientId: app.clientId }, opts) };
  if (match.expiresAt <= ctx.clock.now())
    return { ok: false, error: aadError(7000222, { clientId: app.clientId }, opts) };
  return { ok: true, app };
}
