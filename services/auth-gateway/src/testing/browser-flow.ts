import type { ScopePresetName } from '@outlook-connect/shared';
import type { GatewayHarness } from './harness';
import { RETURN_URL } from './harness';
import { call } from './http';

export interface FlowResult {
  /** Where the gateway sent the browser back to (the CRM's return URL with the outcome). */
  returnedTo: URL;
  attemptId: string;
  status: string | null;
  connectionId: string | null;
  code: string | null;
}

/** Registers an emulator app and the same app through the API; returns its id and client id. */
export async function createApp(
  h: GatewayHarness,
  over: { multiTenant?: boolean; homeTenantId?: string; defaultTenant?: string; name?: string } = {},
) {
  const registered = h.emulator.control.createApp({
    name: over.name ?? `App ${Math.random().toString(36).slice(2, 8)}`,
    redirectUris: [`${h.deps.env.PUBLIC_URL}/oauth/callback`],
    ...(over.multiTenant !== undefined ? { multiTenant: over.multiTenant } : {}),
    ...(over.homeTenantId ? { homeTenantId: over.homeTenantId } : {}),
  });
  const clientSecret = registered.secrets[0]!.value;
  const res = await call<{ id: string }>(h, 'POST', '/v1/oauth-apps', {
    headers: h.auth,
    body: {
      name: registered.name,
      clientId: registered.clientId,
      clientSecret,
      ...(over.defaultTenant ? { defaultTenant: over.defaultTenant } : {}),
    },
  });
  if (res.status !== 201) throw new Error(`create app: ${res.status} ${res.text}`);
  return { appId: res.body.id, clientId: registered.clientId, clientSecret, secretId: registered.secrets[0]!.id };
}

/** Starts a connect through the API and returns the authorize URL (what the CRM sends the browser to). */
export async function startConnect(
  h: GatewayHarness,
  body: { appId: string; scopePreset: ScopePresetName; tenant?: string; loginHint?: string; connectionId?: string },
) {
  const res = await call<{ authorizeUrl: string; attemptId: string }>(h, 'POST', '/v1/connect', {
    headers: h.auth,
    body: { returnUrl: RETURN_URL, ...body },
  });
  if (res.status !== 200) throw new Error(`connect: ${res.status} ${res.text}`);
  return res.body;
}

/** The browser's part: follow the authorize URL (headless emulator) to our callback, and the callback back to the CRM. */
export async function followAuthorize(h: GatewayHarness, authorizeUrl: string): Promise<FlowResult> {
  const ms = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = ms.headers.get('location');
  if (!location) throw new Error(`authorize answered ${ms.status} without a redirect`);
  const callback = new URL(location);
  const res = await call(h, 'GET', `${callback.pathname}${callback.search}`);
  if (res.status !== 302) throw new Error(`callback answered ${res.status}: ${res.text}`);
  const returnedTo = new URL(res.headers.get('location') ?? '');
  const q = returnedTo.searchParams;
  return {
    returnedTo,
    attemptId: q.get('attemptId') ?? '',
    status: q.get('status'),
    connectionId: q.get('connectionId'),
    code: q.get('code'),
  };
}

export async function connectThroughApi(
  h: GatewayHarness,
  body: { appId: string; scopePreset: ScopePresetName; tenant?: string; loginHint?: string; connectionId?: string },
): Promise<FlowResult> {
  const { authorizeUrl } = await startConnect(h, body);
  return followAuthorize(h, authorizeUrl);
}

export async function getJson<T = Record<string, unknown>>(
  h: GatewayHarness,
  url: string,
  auth = h.auth,
): Promise<{ status: number; body: T }> {
  return call<T>(h, 'GET', url, { headers: auth });
}
