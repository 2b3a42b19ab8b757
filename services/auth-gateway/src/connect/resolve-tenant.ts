/** What the identity platform's discovery document says about a tenant. */
export type TenantLookup =
  | { kind: 'found'; tenantId: string | undefined }
  /** Microsoft answered that the tenant does not exist or cannot be one (AADSTS90002 and other 4xx). */
  | { kind: 'not_found'; aadsts?: number }
  /** No usable answer (network, 5xx): say nothing about the tenant. */
  | { kind: 'unreachable' };

/**
 * Reads `<login>/<tenant>/v2.0/.well-known/openid-configuration`: its issuer is `<login>/<tenant-guid>/v2.0` for a
 * real tenant; an unknown one is a 400 with error_codes [90002].
 */
export async function lookupTenant(loginUrl: string, tenant: string): Promise<TenantLookup> {
  let res: Response;
  try {
    res = await fetch(
      `${loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`,
      { signal: AbortSignal.timeout(10_000) },
    );
  } catch {
    return { kind: 'unreachable' };
  }
  const body = (await res.json().catch(() => undefined)) as { issuer?: unknown; error_codes?: unknown } | undefined;
  if (res.status >= 400 && res.status < 500) {
    const first = Array.isArray(body?.error_codes) ? body.error_codes[0] : undefined;
    return { kind: 'not_found', ...(typeof first === 'number' ? { aadsts: first } : {}) };
  }
  if (!res.ok || typeof body?.issuer !== 'string') return { kind: 'unreachable' };
  return { kind: 'found', tenantId: /\/([0-9a-f-]{36})\/v2\.0\/?$/i.exec(body.issuer)?.[1] };
}

/** The tenant GUID behind a verified domain; undefined when it cannot be resolved. */
export async function resolveTenantId(loginUrl: string, domain: string): Promise<string | undefined> {
  const found = await lookupTenant(loginUrl, domain);
  return found.kind === 'found' ? found.tenantId : undefined;
}
