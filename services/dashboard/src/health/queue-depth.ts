import type { Queue } from 'bullmq';
import type { RedisConnection } from '@outlook-connect/queues';
import type { QueueName } from '@outlook-connect/queues';
import type { Models } from '@outlook-connect/shared';
import {
  emptyDepth,
  MAILBOX_QUEUES,
  mailboxRefOf,
  tallyDepth,
  type DepthState,
  type MailboxDepth,
  type MailboxQueue,
  type ResolvedJob,
} from './depth-tally';

// Cost (see README): one rebuild reads the ids of waiting + prioritized + delayed jobs of the four mailbox queues
// (capped at scanLimit per state), one pipelined HGET of the `data` field per job (CHUNK per round trip), and one
// indexed `_id $in` store query per CHUNK send / calendar jobs. The result is kept for ttlMs and shared by every
// page view, so looking at N connections costs one scan, not N.

const CHUNK = 1000;

export interface QueueDepthSnapshot {
  builtAt: number;
  /** True when a queue had more waiting/delayed jobs than the scan reads: counts are then lower bounds. */
  truncated: boolean;
  byConnection: Map<string, MailboxDepth>;
}

export interface QueueDepthOptions {
  queue: (name: QueueName) => Queue;
  redis: RedisConnection;
  models: Pick<Models, 'Send' | 'CalendarOperation'>;
  scanLimit: number;
  ttlMs?: number;
  now?: () => number;
}

export interface QueueDepthIndex {
  depthFor(connectionId: string): Promise<{ depth: MailboxDepth; truncated: boolean; builtAt: number }>;
  snapshot(): Promise<QueueDepthSnapshot>;
}

export function createQueueDepthIndex(opts: QueueDepthOptions): QueueDepthIndex {
  const ttlMs = opts.ttlMs ?? 5000;
  const now = opts.now ?? Date.now;
  let current: QueueDepthSnapshot | null = null;
  let building: Promise<QueueDepthSnapshot> | null = null;

  const snapshot = async (): Promise<QueueDepthSnapshot> => {
    if (current && now() - current.builtAt < ttlMs) return current;
    // One rebuild in flight at a time; concurrent page views wait for it.
    building ??= build(opts, now()).finally(() => {
      building = null;
    });
    current = await building;
    return current;
  };

  return {
    snapshot,
    async depthFor(connectionId) {
      const s = await snapshot();
      return { depth: s.byConnection.get(connectionId) ?? emptyDepth(), truncated: s.truncated, builtAt: s.builtAt };
    },
  };
}

async function build(opts: QueueDepthOptions, builtAt: number): Promise<QueueDepthSnapshot> {
  let truncated = false;
  const pending: Array<{ queue: MailboxQueue; state: DepthState; data: unknown }> = [];
  for (const name of MAILBOX_QUEUES) {
    const queue = opts.queue(name);
    const ranges: Array<[DepthState, 'waiting' | 'prioritized' | 'delayed']> = [
      ['waiting', 'waiting'],
      ['waiting', 'prioritized'],
      ['delayed', 'delayed'],
    ];
    for (const [state, type] of ranges) {
      const ids = await queue.getRanges([type], 0, opts.scanLimit - 1);
      if (ids.length >= opts.scanLimit) truncated = true;
      for (const data of await readData(opts.redis, queue, ids)) pending.push({ queue: name, state, data });
    }
  }
  const refs = pending.map((p) => ({ ...p, ref: mailboxRefOf(p.queue, p.data) }));
  const sendOwners = await ownersOf(
    opts.models.Send,
    refs.flatMap((r) => (r.ref?.by === 'send' ? [r.ref.sendId] : [])),
  );
  const calendarOwners = await ownersOf(
    opts.models.CalendarOperation,
    refs.flatMap((r) => (r.ref?.by === 'calendar' ? [r.ref.operationId] : [])),
  );
  const resolved: ResolvedJob[] = refs.map(({ queue, state, ref }) => ({
    queue,
    state,
    connectionId:
      ref?.by === 'connection'
        ? ref.connectionId
        : ref?.by === 'send'
          ? (sendOwners.get(ref.sendId) ?? null)
          : ref?.by === 'calendar'
            ? (calendarOwners.get(ref.operationId) ?? null)
            : null,
  }));
  return { builtAt, truncated, byConnection: tallyDepth(resolved) };
}

/** The `data` field of each job, parsed; null for jobs removed since their id was read. */
async function readData(redis: RedisConnection, queue: Queue, ids: string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(i, i + CHUNK)) pipeline.hget(queue.toKey(id), 'data');
    const results = (await pipeline.exec()) ?? [];
    for (const [err, raw] of results) out.push(err || typeof raw !== 'string' ? null : safeJson(raw));
  }
  return out;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

interface OwnedModel {
  find(filter: object, projection: object): { lean(): PromiseLike<unknown[]> };
}

async function ownersOf(model: OwnedModel, ids: string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const docs = (await model.find({ _id: { $in: unique.slice(i, i + CHUNK) } }, { connectionId: 1 }).lean()) as Array<{
      _id: string;
      connectionId: string;
    }>;
    for (const d of docs) owners.set(d._id, d.connectionId);
  }
  return owners;
}
