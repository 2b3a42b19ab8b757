import type { QueueClient } from '@outlook-connect/queues';
import type { ConnectionDoc, Models } from '@outlook-connect/shared';
import type { AccessTokenSeed, MailboxGraph } from '@outlook-connect/mailbox-runtime';
import { fullPassRequest, isFullPass, planDeltaPage, runStart, type DeltaPage, type RunStart } from './delta-page';
import { messageSelect } from './graph-message';
import type { InboxPolicy } from './inbox-policy';
import { isMigrationPass } from './id-migration';
import { removeOlderGenerations } from './message-store';
import { writePage } from './page-writes';
import { createSendsLookup, type SendsLookup } from './reply-lookup';
import { createRowInserts, type RowInserts } from './row-inserts';
import {
  beginFullPass,
  completePass,
  fullPassStartSet,
  markAttempt,
  passCompletionSet,
  passStartCanWait,
  savePageProgress,
} from './sync-state';

// One run of a mailbox's inbox sync: up to maxPagesPerRun delta pages, each applied to the store before the next.

export interface SyncRunDeps {
  models: Pick<Models, 'InboxMessage' | 'Send' | 'ReplyKey' | 'Connection'>;
  queues: Pick<QueueClient, 'emitMany'>;
  graph: MailboxGraph;
  inboxPolicy: InboxPolicy;
  now: () => number;
  /** The process's reply-link lookup (shared by the runs in flight); absent: one of the run's own. */
  sendsLookup?: SendsLookup;
  /** The process's insert lane for new rows (shared by the runs in flight); absent: one of the run's own. */
  rowInserts?: RowInserts;
  /** The token the run's connection was read with (AccessTokens.get): its first Graph request uses it. */
  seed?: AccessTokenSeed;
  /** Called between pages (keeps the run's lock alive). */
  onPage?: () => Promise<void>;
  /** When the run's attempt started: written with its first store write (beginFullPass's, else on its own). */
  attemptAt?: Date;
  /**
   * The run's success, written with its last cursor write (the completed pass's cursor, or the pageLink where the
   * page budget cut it) instead of one write of its own: called just before that write, with whether the pass
   * completed; returns the fields to add (sync-connection: lastSuccessAt, the next sync).
   */
  finish?: (passCompleted: boolean) => Promise<Record<string, unknown>>;
}

export interface SyncRunResult {
  start: RunStart;
  full: boolean;
  pages: number;
  added: number;
  updated: number;
  removed: number;
  /** Messages of older generations a completed full (unfiltered) pass removed: Outlook no longer has them. */
  purged: number;
  /** Messages outside the mirror window, not stored (never removes a stored row). */
  outsideWindow: number;
  /** REST-id rows re-keyed to the message's immutable id (the one-time id migration pass). */
  rekeyed: number;
  events: number;
  /** False when the run stopped at its page budget; the pass resumes from the stored pageLink. */
  passCompleted: boolean;
}

type Conn = Pick<ConnectionDoc, '_id' | 'workspaceId' | 'mailbox' | 'createdAt' | 'sync'>;

export async function runInboxSync(
  deps: SyncRunDeps,
  conn: Conn,
  force: 'resync' | 'requested' | null,
): Promise<SyncRunResult> {
  const { models, inboxPolicy: policy } = deps;
  const start = runStart(conn.sync, force);
  const full = isFullPass(start);
  const client = deps.graph(conn._id, deps.seed);
  const prefer = `odata.maxpagesize=${policy.pageSize}`;
  const sendsLookup = deps.sendsLookup ?? createSendsLookup(models);
  const insertRows = deps.rowInserts ?? createRowInserts(models);
  const result: SyncRunResult = {
    start,
    full,
    pages: 0,
    added: 0,
    updated: 0,
    removed: 0,
    purged: 0,
    outsideWindow: 0,
    rekeyed: 0,
    events: 0,
    passCompleted: false,
  };

  let page: Promise<DeltaPage>;
  const migrating =
    full && ((start.kind === 'full' && start.reason === 'ids') || isMigrationPass(conn.sync, start.generation));
  // Fields the run's first progress write carries: a never-synced connection's pass start (passStartCanWait).
  let pending: Record<string, unknown> = {};
  // The first page is asked for while the run's start is written (neither needs the other); nothing of it is written
  // before that write is done, so a pass's generation is still recorded before any of its rows.
  if (start.kind === 'full') {
    const req = fullPassRequest(messageSelect(policy.readHeaders));
    const migratingIds = start.reason === 'ids';
    const waits = passStartCanWait(conn.sync, start);
    if (waits) pending = fullPassStartSet(start.generation, migratingIds, deps.attemptAt);
    const begun = waits ? null : beginFullPass(models, conn._id, start.generation, migratingIds, deps.attemptAt);
    page = settledLater(client.api(req.path).select(req.select).header('Prefer', prefer).get() as Promise<DeltaPage>);
    await begun;
  } else {
    const link = start.link;
    const marked = deps.attemptAt ? markAttempt(models, conn._id, deps.attemptAt) : null;
    page = settledLater(client.api(link).header('Prefer', prefer).get() as Promise<DeltaPage>);
    await marked;
  }

  while (result.pages < policy.maxPagesPerRun) {
    const plan = planDeltaPage(await page);
    result.pages += 1;
    // The next page is requested now and written after this one: its Graph round trip overlaps this page's store
    // writes (2 of the mailbox's 4 Graph slots at most). The pass still applies pages in order, and the pageLink is
    // saved only once this page is written; a failure of the early request surfaces when the loop reaches it, as before.
    const prefetched =
      plan.next.kind === 'next' && result.pages < policy.maxPagesPerRun
        ? settledLater(client.api(plan.next.link).header('Prefer', prefer).get() as Promise<DeltaPage>)
        : null;
    // Its rows, removals and events (page-writes.ts): the history written at once, while new arrivals are looked up.
    const written = await writePage(deps, conn, plan, {
      generation: start.generation,
      migrating,
      sendsLookup,
      insertRows,
    });
    result.added += written.inserted;
    result.updated += written.updated;
    result.removed += written.removed;
    result.rekeyed += written.rekeyed;
    result.outsideWindow += written.outsideWindow;
    result.events += written.events;
    let storedDelta = written.inserted - written.removed - written.rekeyed;

    if (plan.next.kind === 'next') {
      const link = plan.next.link;
      if (!prefetched) {
        // The page budget is spent: the run ends with this write (a next run resumes from the link).
        const finished = (await deps.finish?.(false)) ?? {};
        await savePageProgress(models, conn._id, link, storedDelta, { ...pending, ...finished });
        break;
      }
      await savePageProgress(models, conn._id, link, storedDelta, pending);
      pending = {};
      await deps.onPage?.();
      page = prefetched;
      continue;
    }
    // A complete unfiltered pass saw the whole Inbox: what it did not see is gone from Outlook. Purge before installing
    // the cursor: a crash in between replays the last page and purges again (idempotent).
    // Before any pass completed (generation 0), every stored row is of this pass's generation: nothing to purge.
    if (full && (conn.sync?.generation ?? 0) > 0)
      result.purged = await removeOlderGenerations(models, conn, start.generation);
    storedDelta -= result.purged;
    const completion = passCompletionSet(full, start.generation, plan.next.deltaLink, new Date(deps.now()));
    const finished = (await deps.finish?.(true)) ?? {};
    await completePass(models, conn._id, { ...pending, ...completion, ...finished }, storedDelta);
    result.passCompleted = true;
    break;
  }
  return result;
}

/** The promise as is, with its rejection marked handled until awaited (an early request the run may never reach). */
function settledLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
