export interface RequestLogEntry {
  at: number; // ms epoch (emulator clock) when the request arrived
  method: string;
  path: string;
  status: number; // 0 = connection dropped
  email?: string;
  retryAfterSec?: number;
  fault?: string;
}

const MAX_ENTRIES = 20_000;

/** Bounded log of requests, so tests can check e.g. "no request before Retry-After". */
export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(email?: string): RequestLogEntry[] {
    const lower = email?.toLowerCase();
    return this.entries.filter((e) => !lower || e.email === lower).map((e) => ({ ...e }));
  }

  clear(): void {
    this.entries = [];
  }
}
