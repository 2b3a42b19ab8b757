import type { SyncState } from '@outlook-connect/shared';
import { toInboxMessage, type GraphMessage, type InboxMessageFields } from './graph-message';
import { needsIdMigration } from './id-migration';
import { isNewArrival } from './received-events';

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
  if (page.value !== undefined && !Array.isArray(page.value))
    throw new InvalidDeltaPageError('delta page value is not an array');

  const last = new Map<string, { removed: true } | { removed: false; message: InboxMessageFields }>();
  for (const item of (page.value as unknown[] | undefined) ?? []) {
    if (!isRecord(item) || typeof item.id !== 'string' || !item.id)
      throw new InvalidDeltaPageError('delta item without an id');
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

/**
 * The first request of a full pass: the whole Inbox, never filtered. Delta with $filter returns at most 5,000
 * messages ("Get incremental changes to messages"), so a filtered pass cannot see a large Inbox; the mirror window
 * is applied to what is stored instead (inWindow).
 */
export interface FullPassRequest {
  path: string;
  select: string[];
}

export function fullPassRequest(select: string[]): FullPassRequest {
  return { path: INBOX_DELTA_PATH, select };
}

/** True when a message belongs to the mirror window (null = every message). */
export function inWindow(receivedAt: Date, nowMs: number, mirrorDays: number | null): boolean {
  return mirrorDays === null || receivedAt.getTime() >= nowMs - mirrorDays * DAY_MS;
}

/**
 * A page's upserts by what they need before their rows are written. `direct`: in the window and older than the
 * connection (the history a first pass mirrors): no event, no lookup, written at once (a row already stored shows up
 * as a duplicate key and is updated). `candidates`: in the window and arrived while connected: looked up by `_id`,
 * and those not stored get their `message.received` event before their rows. `outside`: outside the mirror window,
 * looked up and kept up to date only when stored. `held`: the window's rows written after the lookup (the candidates;
 * during the id migration pass every row of the window, since each may re-key an old row).
 */
export interface PageSplit {
  direct: InboxMessageFields[];
  held: InboxMessageFields[];
  candidates: InboxMessageFields[];
  outside: InboxMessageFields[];
}

export function splitPage(
  upserts: InboxMessageFields[],
  conn: { createdAt: Date },
  nowMs: number,
  mirrorDays: number | null,
  migrating: boolean,
): PageSplit {
  const split: PageSplit = { direct: [], held: [], candidates: [], outside: [] };
  for (const m of upserts) {
    if (!inWindow(m.receivedAt, nowMs, mirrorDays)) split.outside.push(m);
    else if (isNewArrival(m, conn)) {
      split.candidates.push(m);
      split.held.push(m);
    } else (migrating ? split.held : split.direct).push(m);
  }
  return split;
}

export type RunStart =
  /** Continue a pass a previous run (or a crashed one) left at pageLink. */
  | { kind: 'resume'; link: string; full: boolean; generation: number }
  | { kind: 'incremental'; link: string; generation: number }
  /** `ids`: the one-time pass that moves a connection synced before immutable ids onto them (id-migration). */
  | { kind: 'full'; reason: 'initial' | 'resync' | 'requested' | 'ids'; generation: number };

export type SyncCursor = Pick<SyncState, 'deltaLink' | 'generation' | 'pageLink' | 'pendingGeneration'> &
  Partial<Pick<SyncState, 'idType' | 'idMigrationGeneration'>>;

/**
 * Where a run starts. A full pass writes generation+1 (kept as pendingGeneration until it completes), so the messages
 * of the previous generation stay readable, and the old deltaLink stays, until the pass has seen the whole Inbox.
 */
export function runStart(sync: SyncCursor, force: 'resync' | 'requested' | null): RunStart {
  const pending = sync.pendingGeneration ?? null;
  // Rows (or a pass in progress) under REST ids: a new generation re-keys them, whatever was pending.
  if (needsIdMigration({ ...sync, idType: sync.idType ?? null }))
    return { kind: 'full', reason: 'ids', generation: Math.max(pending ?? 0, sync.generation) + 1 };
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

/**
 * True when the pass this run belongs to is a complete, unfiltered look at the Inbox: at its end, stored rows it did
 * not see are gone from Outlook (old generations removed). The only removal besides an @removed entry.
 */
export function isFullPass(start: RunStart): boolean {
  return start.kind === 'full' || (start.kind === 'resume' && start.full);
}
