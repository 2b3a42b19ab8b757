/**
 * A return URL is allowed when its origin is on the allow-list (exact origin match; http only for localhost).
 * An entry may also be a full URL prefix ending in `/` to restrict the path.
 */
export function isAllowedReturnUrl(returnUrl: string, allowList: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const localhost = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && localhost)) return false;
  return allowList.some((entry) => {
    try {
      const allowed = new URL(entry);
      if (allowed.origin !== url.origin) return false;
      return allowed.pathname === '/' || (allowed.pathname.endsWith('/') && url.pathname.startsWith(allowed.pathname));
    } catch {
      return false;
    }
  });
}

/** The return URL with the outcome added to its query. */
export function withOutcome(returnUrl: string, params: Record<string, string>): string {
  const url = new URL(returnUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}
