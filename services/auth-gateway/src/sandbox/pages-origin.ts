/**
 * SANDBOX only: the origin a browser opens Microsoft's sign-in pages on, read from the same metadata MSAL reads
 * (openid-configuration's authorization_endpoint). The emulator serves them over plain HTTP there, so the admin
 * consent link the page shows must point there too rather than at the https login URL.
 */
export function pagesOriginLoader(
  loginUrl: string,
  warn: (obj: object, msg: string) => void,
): () => Promise<string | undefined> {
  let known: string | undefined;
  return async () => {
    if (known) return known;
    try {
      const res = await fetch(`${loginUrl.replace(/\/+$/, '')}/common/v2.0/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(3000),
      });
      const meta = (await res.json()) as { authorization_endpoint?: unknown };
      if (typeof meta.authorization_endpoint !== 'string') throw new Error('no authorization_endpoint in the metadata');
      known = new URL(meta.authorization_endpoint).origin;
    } catch (err) {
      warn(
        { event: 'sandbox_pages_origin_unknown', err: err instanceof Error ? err.message : String(err) },
        'could not read the sign-in pages origin',
      );
    }
    return known;
  };
}
