import type { Models, OAuthAppDoc } from '@outlook-connect/shared';

// The OAuth app of a scheduled refresh, read from the store at most once per APP_CACHE_MS per process: every
// refresh of an app's connections needs it, and it changes rarely. A secret read just before it changed only costs a
// failure that is retried (ConnectionHealth compares the failure's secret version with the app's current one), and
// recovery after a secret update always reads the app afresh.

export const APP_CACHE_MS = 5_000;

type Entry = { at: number; app: Promise<OAuthAppDoc | null> };
const caches = new WeakMap<Models['OAuthApp'], Map<string, Entry>>();

export function cachedOAuthApp(
  models: Pick<Models, 'OAuthApp'>,
  appId: string,
  now: number,
  fresh = false,
): Promise<OAuthAppDoc | null> {
  let cache = caches.get(models.OAuthApp);
  if (!cache) {
    cache = new Map();
    caches.set(models.OAuthApp, cache);
  }
  const hit = cache.get(appId);
  if (!fresh && hit && now - hit.at < APP_CACHE_MS) return hit.app;
  const app = models.OAuthApp.findById(appId).lean<OAuthAppDoc>().exec();
  const entry = { at: now, app };
  cache.set(appId, entry);
  // A failed or empty read is not kept.
  app.then(
    (a) => (a ? undefined : forget(cache, appId, entry)),
    () => forget(cache, appId, entry),
  );
  return app;
}

function forget(cache: Map<string, Entry>, appId: string, entry: Entry): void {
  if (cache.get(appId) === entry) cache.delete(appId);
}

/** After a failure that may come from the app's credentials, the next refresh reads the app again. */
export function forgetOAuthApp(models: Pick<Models, 'OAuthApp'>, appId: string): void {
  caches.get(models.OAuthApp)?.delete(appId);
}
