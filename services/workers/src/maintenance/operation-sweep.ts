import type { QueueClient } from '@outlook-connect/queues';
import type { Models } from '@outlook-connect/shared';
import type { Model } from 'mongoose';
import { followUpSweep, type FollowUpSweepDeps, type FollowUpSweepResult } from './follow-up-sweep';
import { sweepPage } from './sweep-page';

// The store is the source of truth for sends and calendar operations, as it is for refreshes and syncs: an open record
// whose job is gone (Redis flushed, an enqueue that failed while Redis was down, a job that gave up) gets it back.
// One pass checks at most `batch` open records of each kind, oldest update first, continuing from a cursor kept in
// Redis; the job id is the record id, so re-adding a job that exists is a no-op (BullMQ dedupes by job id). Sends
// already submitted get their Sent Items follow-up back the same way (follow-up-sweep.ts).

export interface OperationSweepDeps extends FollowUpSweepDeps {
  models: Pick<Models, 'Send' | 'CalendarOperation' | 'Connection'>;
}

export interface OperationSweepResult {
  checked: number;
  /** Open records without a job, given one. */
  enqueued: number;
  /** Open records whose job had finished (completed or failed) without finishing them: the job was run again. */
  revived: number;
  /** Submitted sends whose Sent Items follow-up was lost or overdue. */
  followUps: FollowUpSweepResult;
}

interface OpenRecord {
  _id: string;
  status: string;
  updatedAt: Date;
  sendAt?: Date | null;
}

interface Kind {
  queue: 'send' | 'calendar';
  model: Model<Record<string, unknown>>;
  open: string[];
  enqueue(queues: QueueClient, record: OpenRecord, nowMs: number): Promise<unknown>;
}

const KINDS = (models: OperationSweepDeps['models']): Kind[] => [
  {
    queue: 'send',
    model: models.Send as unknown as Model<Record<string, unknown>>,
    open: ['queued', 'scheduled', 'sending'],
    // A scheduled send's job waits until it is due, as the producer's did.
    enqueue: (queues, r, nowMs) =>
      queues.enqueue(
        'send',
        { sendId: r._id },
        { jobId: r._id, delay: r.sendAt ? Math.max(0, r.sendAt.getTime() - nowMs) : 0 },
      ),
  },
  {
    queue: 'calendar',
    model: models.CalendarOperation as unknown as Model<Record<string, unknown>>,
    open: ['queued', 'running'],
    enqueue: (queues, r) => queues.enqueue('calendar', { operationId: r._id }, { jobId: r._id }),
  },
];

const FINISHED_JOB = new Set(['completed', 'failed']);

async function sweepKind(
  deps: OperationSweepDeps,
  kind: Kind,
  result: Omit<OperationSweepResult, 'followUps'>,
): Promise<void> {
  const page = await sweepPage<OpenRecord>(
    deps,
    kind.queue,
    kind.model,
    { status: { $in: kind.open } },
    { status: 1, sendAt: 1 },
    deps.maintenancePolicy.operationSweepBatch,
  );
  const queue = deps.queues.queue(kind.queue);
  for (const record of page.records) {
    result.checked++;
    const state = await queue.getJobState(record._id);
    if (state === 'unknown') {
      await kind.enqueue(deps.queues, record, deps.now());
      result.enqueued++;
    } else if (FINISHED_JOB.has(state)) {
      // Read again: the job may have finished the record since the query (then it emitted the event; leave it).
      const current = (await kind.model.findById(record._id, { status: 1 }).lean()) as { status: string } | null;
      if (!current || !kind.open.includes(current.status)) continue;
      await queue.remove(record._id);
      await kind.enqueue(deps.queues, record, deps.now());
      result.revived++;
    }
  }
  await page.done();
}

export async function operationSweep(deps: OperationSweepDeps): Promise<OperationSweepResult> {
  const result = { checked: 0, enqueued: 0, revived: 0 };
  for (const kind of KINDS(deps.models)) await sweepKind(deps, kind, result);
  if (result.enqueued || result.revived)
    deps.logger.warn(result, 'operation sweep gave open sends or calendar operations their job back');
  return { ...result, followUps: await followUpSweep(deps) };
}
