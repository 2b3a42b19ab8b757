import { emitEvents } from '@outlook-connect/queues';
import type { ConnectionDoc } from '@outlook-connect/shared';
import { splitPage, type PagePlan } from './delta-page';
import { pairLegacyRows, type LegacyRow } from './id-migration';
import { legacyRowsFor, removeMessages, removeRows, storedMessages, writeMessages } from './message-store';
import { receivedEvent } from './received-events';
import { replyLookupRequest, type SendsLookup } from './reply-lookup';
import type { RowInserts } from './row-inserts';
import type { SyncRunDeps } from './sync-run';

// What one delta page writes before the run saves its pageLink: its rows, its removals and the events of its new
// arrivals. Whatever fails, every write of the page has settled before the error goes up (nothing runs on unseen).

type Conn = Pick<ConnectionDoc, '_id' | 'workspaceId' | 'mailbox' | 'createdAt'>;

export interface PageWritten {
  inserted: number;
  /** Rows updated or found unchanged. */
  updated: number;
  removed: number;
  rekeyed: number;
  outsideWindow: number;
  events: number;
}

export interface PageContext {
  generation: number;
  /** The one-time id migration pass: rows re-key the REST-id rows of the same internetMessageId. */
  migrating: boolean;
  sendsLookup: SendsLookup;
  /** The process's insert lane for new rows (row-inserts.ts). */
  insertRows: RowInserts;
}

/**
 * Two streams at once (the store answers them in turn, but neither waits for the other's round trips): the history
 * (`direct`) goes straight to insertMany, while the messages that may need an event are looked up (one `_id` query,
 * then the reply links of those not stored yet), their events emitted in one round trip and only then their rows
 * written. Events go out before their rows: a crash in between re-emits under the same id (delivered once) instead of
 * storing a message whose event was never sent.
 */
export async function writePage(
  deps: Pick<SyncRunDeps, 'models' | 'queues' | 'inboxPolicy' | 'now'>,
  conn: Conn,
  plan: PagePlan,
  ctx: PageContext,
): Promise<PageWritten> {
  const { models } = deps;
  const split = splitPage(plan.upserts, conn, deps.now(), deps.inboxPolicy.mirrorDays, ctx.migrating);
  const [direct, held] = await allSettledOrThrow([
    writeMessages(models, conn, split.direct, new Map(), ctx.generation, ctx.insertRows),
    writeHeld(deps, conn, plan, split, ctx),
  ]);
  const removed = await removeMessages(models, conn, plan.removedIds);
  return {
    inserted: direct.inserted + held.written.inserted,
    updated: direct.updated + direct.unchanged + held.written.updated + held.written.unchanged,
    removed,
    rekeyed: held.rekeyed,
    outsideWindow: held.outsideWindow,
    events: held.events,
  };
}

async function writeHeld(
  deps: Pick<SyncRunDeps, 'models' | 'queues'>,
  conn: Conn,
  plan: PagePlan,
  split: ReturnType<typeof splitPage>,
  ctx: PageContext,
) {
  const { models } = deps;
  const { candidates, outside, held } = split;
  const stored = await storedMessages(models, conn, [...candidates, ...outside]);
  // The id migration: a message stored under its REST id is the same message (same internetMessageId), not news.
  const legacy: Map<string, LegacyRow> = ctx.migrating
    ? pairLegacyRows(plan.upserts, await legacyRowsFor(models, conn, plan.upserts, ctx.generation))
    : new Map();
  const known = (m: { graphId: string }) => stored.has(m.graphId) || legacy.has(m.graphId);
  // Outside the mirror window a message is only kept up to date when already stored (never added, never removed).
  const keptOutside = outside.filter(known);
  const arrivals = candidates.filter((m) => !known(m));
  if (arrivals.length > 0) {
    const sends = await ctx.sendsLookup(replyLookupRequest(conn._id, arrivals));
    await emitEvents(
      deps.queues,
      arrivals.map((m) => {
        const e = receivedEvent(conn, m, sends);
        return {
          type: e.type,
          subject: { workspaceId: e.workspaceId, connectionId: e.connectionId },
          data: e.data,
          opts: { id: e.id, occurredAt: e.occurredAt },
        };
      }),
    );
  }
  const kept = [...held, ...keptOutside];
  const written = await writeMessages(models, conn, kept, stored, ctx.generation, ctx.insertRows);
  // The old row goes only once its re-keyed copy is written (a crash in between finds it again on the replay).
  const rekeyed = await removeRows(
    models,
    kept.flatMap((m) => legacy.get(m.graphId)?._id ?? []),
  );
  return { written, rekeyed, outsideWindow: outside.length - keptOutside.length, events: arrivals.length };
}

/** Promise.all that waits for every promise to settle before it rejects (with the first rejection). */
async function allSettledOrThrow<T extends readonly unknown[]>(
  promises: readonly [...{ [K in keyof T]: Promise<T[K]> }],
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
