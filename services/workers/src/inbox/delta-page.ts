import type { SyncState } from '@outlook-connect/shared';
import { toInboxMessage, type GraphMessage, type InboxMessageFields } from './graph-message';
import type { InboxPolicy } from './inbox-policy';

// Pure decisions of a delta pass: where a run starts, what one page asks of the store, where the pass goes next.

export const INBOX_DELTA_PATH = "/me/mailFolders('inbox')/messages/delta";
const DAY_MS = 24 * 3600_000;

export class InvalidDeltaPageError extends Error {
  override name = 'InvalidDeltaPageError';
}

export interface DeltaPage {
  value?: unknown;
  '@odata.nextLink'?: unknown;
  '@odata.deltaLink'?: unknown;
}

export type PageNext = { kind: 'next'; link: string } | { kind: 'done'; deltaLink: string };

export interface PagePlan {
  upserts: InboxMessageFields[];
  removedIds: string[];
  next: PageNext;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One page -> upserts, removals and the next link. An id listed twice in a page keeps its last state (a message
 * changed then removed is removed). A page with neither link is not a delta page: fail rather than lose the cursor.
 */
export function planDeltaPage(page: DeltaPage): PagePlan {
  const nextLink = page['@odata.nextLink'];
  const deltaLink = page['@odata.deltaLink'];
  let next: PageNext;
  if (typeof nextLink === 'string' && nextLink) next = { kind: 'next', link: nextLink };
  else if (typeof deltaLink === 'string' && deltaLink) next = { kind: 'done', deltaLink };
  else throw new InvalidDeltaPageError('delta page carries neither @odata.nextLink nor @odata.deltaLink');
  if (page.value !== undefined && !Array.isArray(page.value)) throw new InvalidDeltaPageError('delta page value is not an array');

  const last = new Map<string, { removed: true } | { removed: false; message: InboxMessageFields }>();
  for (const item of (page.value as unknown[] | undefined) ?? []) {
    if (!isRecord(item) || typeof item.id !== 'string' || !item.id) throw new InvalidDeltaPageError('delta item without an id');
    last.delete(item.id); // keeps Map order = order of each id's last appearance
    if (item['@removed'] !== undefined) last.set(item.id, { removed: true });
    else last.set(item.id, { removed: false, message: toInboxMessage(item as unknown as GraphMessage) });
  }
  const upserts: InboxMessageFields[] = [];
  const removedIds: string[] = [];
  for (const [id, entry] of last) {
    if (entry.removed) removedIds.push(id);
    else upserts.push(entry.message);
  }
  return { upserts, removedIds, next };
}

/** The first request of a full pass: the Inbox from windowStart on, with the fields we store. */
export interface FullPassRequest {
  path: string;
  select: string[];
  filter: string;
}

export function fullPassRequest(windowStart: Date, select: string[]): FullPassRequest {
  const at = windowStart.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { path: INBOX_DELTA_PATH, select, filter: `receivedDateTime ge ${at}` };
}

/**
 * How far back a full pass reaches: the policy's window, or further back to the oldest message already stored, so a
 * resync after a lost cursor re-confirms everything we hold instead of dropping what aged out of the window.
 */
export function fullPassWindowStart(nowMs: number, policy: Pick<InboxPolicy, 'initialWindowDays'>, oldestStoredAt: Date | null): Date {
  const windowStart = nowMs - policy.initialWindowDays * DAY_MS;
  return new Date(oldestStoredAt ? Math.min(windowStart, oldestStoredAt.getTime()) : windowStart);
}

export type RunStart =
  /** Continue a pass a previous run (or a crashed one) left at pageLink. */
  | { kind: 'resume'; link: string; full: boolean; generation: number }
  | { kind: 'incremental'; link: string; generation: number }
  | { kind: 'full'; reason: 'initial' | 'resync' | 'requested'; generation: number };

export type SyncCursor = Pick<SyncState, 'deltaLink' | 'generation' | 'pageLink' | 'pendingGeneration'>;

/**
 * Where a run starts. A full pass writes generation+1 (kept as pendingGeneration until it completes), so the messages
 * of the previous generation stay readable, and the old deltaLink stays, until the pass has seen the whole Inbox.
 */
export function runStart(sync: SyncCursor, force: 'resync' | 'requested' | null): RunStart {
  const pending = sync.pendingGeneration ?? null;
  if (force) return { kind: 'full', reason: force, generation: pending ?? sync.generation + 1 };
  if (sync.pageLink) {
    return pending !== null
      ? { kind: 'resume', link: sync.pageLink, full: true, generation: pending }
      : { kind: 'resume', link: sync.pageLink, full: false, generation: sync.generation };
  }
  if (pending !== null) return { kind: 'full', reason: sync.deltaLink ? 'resync' : 'initial', generation: pending };
  if (sync.deltaLink) return { kind: 'incremental', link: sync.deltaLink, generation: sync.generation };
  return { kind: 'full', reason: 'initial', generation: sync.generation + 1 };
}

/** True when the pass this run belongs to replaces the store's contents (old generations go at its end). */
export function isFullPass(start: RunStart): boolean {
  return start.kind === 'full' || (start.kind === 'resume' && start.full);
}
