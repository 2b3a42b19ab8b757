/**
 * The tenant GUID behind a verified domain, read from the identity platform's discovery document
 * (its issuer is `<login>/<tenant-guid>/v2.0`). Undefined when it cannot be resolved.
 */
export async function resolveTenantId(loginUrl: string, domain: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${loginUrl.replace(/\/+$/, '')}/${encodeURIComponent(domain)}/v2.0/.well-known/openid-configuration`);
    if (!res.ok) return undefined;
    const body = (await res.json()) as { issuer?: unknown };
    if (typeof body.issuer !== 'string') return undefined;
    return /\/([0-9a-f-]{36})\/v2\.0\/?$/i.exec(body.issuer)?.[1];
  } catch {
    return undefined;
  }
}
