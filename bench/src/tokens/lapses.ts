import { percentile } from '../lib/stats';

// Did every connection get a new access token before the one it held expired? Judged from the token grants the
// emulator (Microsoft's side) recorded, not from our own bookkeeping.

export interface GrantSeen {
  email: string;
  grantType: 'authorization_code' | 'refresh_token';
  at: number;
  accessTokenExpiresAt: number;
}

export interface WatchedConnection {
  email: string;
  /** Expiry of the access token it held when the run started. */
  expiresAt: number;
}

export interface LapseReport {
  connections: number;
  /** Connections that held an expired access token at some moment up to `until` (refreshed late, or not at all). */
  lapsed: number;
  lapsedEmails: string[];
  refreshes: number;
  /** Connections refreshed at least twice (their first new token was replaced in turn). */
  refreshedTwice: number;
  /** How long before the held token's expiry each refresh came (negative: late), in seconds. */
  marginSec: { min: number | null; p1: number | null; p50: number | null };
}

export function lapseReport(
  watched: readonly WatchedConnection[],
  grants: readonly GrantSeen[],
  until: number,
): LapseReport {
  const byEmail = new Map<string, GrantSeen[]>();
  for (const g of grants) {
    if (g.grantType !== 'refresh_token') continue;
    const list = byEmail.get(g.email);
    if (list) list.push(g);
    else byEmail.set(g.email, [g]);
  }
  const lapsedEmails: string[] = [];
  const margins: number[] = [];
  let refreshes = 0;
  let refreshedTwice = 0;
  for (const c of watched) {
    const mine = (byEmail.get(c.email.toLowerCase()) ?? []).filter((g) => g.at <= until).sort((a, b) => a.at - b.at);
    let heldUntil = c.expiresAt;
    let lapsed = false;
    for (const g of mine) {
      margins.push((heldUntil - g.at) / 1000);
      if (g.at > heldUntil) lapsed = true;
      heldUntil = g.accessTokenExpiresAt;
    }
    if (heldUntil <= until) lapsed = true;
    if (lapsed) lapsedEmails.push(c.email);
    refreshes += mine.length;
    if (mine.length >= 2) refreshedTwice++;
  }
  return {
    connections: watched.length,
    lapsed: lapsedEmails.length,
    lapsedEmails: lapsedEmails.slice(0, 20),
    refreshes,
    refreshedTwice,
    marginSec: {
      min: margins.length ? Math.min(...margins) : null,
      p1: percentile(margins, 1),
      p50: percentile(margins, 50),
    },
  };
}
