/** One token grant as Microsoft saw it: when, which grant, and until when the access token it issued is valid. */
export interface TokenGrantEntry {
  email: string;
  grantType: 'authorization_code' | 'refresh_token';
  at: number; // ms epoch (emulator clock)
  accessTokenExpiresAt: number; // ms epoch
}

const MAX_GRANT_LOG = 500_000;

export interface CountersSnapshot {
  tokenGrants: Record<string, { authorization_code: number; refresh_token: number }>;
  mailbox: Record<string, { requests: number; peakConcurrency: number; current: number }>;
  sendsByMarker: Record<string, number>;
  requestsWithExpiredToken: number;
}

/** What tests assert on: grants per user, per-mailbox load, sends per marker, expired-token requests. */
export class Counters {
  private tokenGrants = new Map<string, { authorization_code: number; refresh_token: number }>();
  private mailbox = new Map<string, { requests: number; peakConcurrency: number; current: number }>();
  private sendsByMarker = new Map<string, number>();
  private expiredTokenRequests = 0;
  private grants: TokenGrantEntry[] = [];

  grant(email: string, type: 'authorization_code' | 'refresh_token', at: number, accessTokenExpiresAt: number): void {
    const entry = this.tokenGrants.get(email) ?? { authorization_code: 0, refresh_token: 0 };
    entry[type] += 1;
    this.tokenGrants.set(email, entry);
    this.grants.push({ email, grantType: type, at, accessTokenExpiresAt });
    if (this.grants.length > MAX_GRANT_LOG) this.grants.splice(0, this.grants.length - MAX_GRANT_LOG);
  }

  /** Every grant since the last reset (the latest 500,000), oldest first; one user's only when email is given. */
  grantLog(email?: string): TokenGrantEntry[] {
    const lower = email?.toLowerCase();
    return this.grants.filter((g) => !lower || g.email === lower).map((g) => ({ ...g }));
  }

  private mailboxEntry(email: string): { requests: number; peakConcurrency: number; current: number } {
    let entry = this.mailbox.get(email);
    if (!entry) {
      entry = { requests: 0, peakConcurrency: 0, current: 0 };
      this.mailbox.set(email, entry);
    }
    return entry;
  }

  /** A Graph request entered the mailbox; returns the concurrency including it. */
  enter(email: string): number {
    const entry = this.mailboxEntry(email);
    entry.requests += 1;
    entry.current += 1;
    entry.peakConcurrency = Math.max(entry.peakConcurrency, entry.current);
    return entry.current;
  }

  leave(email: string): void {
    const entry = this.mailboxEntry(email);
    entry.current = Math.max(0, entry.current - 1);
  }

  current(email: string): number {
    return this.mailbox.get(email)?.current ?? 0;
  }

  send(markers: string[]): void {
    for (const marker of markers) this.sendsByMarker.set(marker, (this.sendsByMarker.get(marker) ?? 0) + 1);
  }

  expiredToken(): void {
    this.expiredTokenRequests += 1;
  }

  snapshot(): CountersSnapshot {
    return {
      tokenGrants: Object.fromEntries([...this.tokenGrants].map(([k, v]) => [k, { ...v }])),
      mailbox: Object.fromEntries([...this.mailbox].map(([k, v]) => [k, { ...v }])),
      sendsByMarker: Object.fromEntries(this.sendsByMarker),
      requestsWithExpiredToken: this.expiredTokenRequests,
    };
  }

  /** Clears the counts; in-flight concurrency is kept so later decrements stay balanced. */
  reset(): void {
    this.tokenGrants.clear();
    this.grants = [];
    this.sendsByMarker.clear();
    this.expiredTokenRequests = 0;
    for (const [email, entry] of this.mailbox) {
      if (entry.current === 0) this.mailbox.delete(email);
      else this.mailbox.set(email, { requests: 0, peakConcurrency: entry.current, current: entry.current });
    }
  }
}
