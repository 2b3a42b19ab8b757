import type { QueueClient } from '@outlook-connect/queues';
import { CALENDAR_OPEN_SCHEDULE, SEND_OPEN_SCHEDULE, type Models } from '@outlook-connect/shared';
import type { Model } from 'mongoose';
import { followUpSweep, type FollowUpSweepDeps, type FollowUpSweepResult } from './follow-up-sweep';
import { openOperationPass, readByIds } from './operation-pass';
import { openLookAt, type OpenRecord } from './operation-schedule';

// The store is the source of truth for sends and calendar operations, as it is for refreshes and syncs: an open record
// whose job is gone (Redis flushed, an enqueue that failed while Redis was down, a job that gave up) gets it back.
// Each record is filed on its kind's schedule when it is created (the producers, `queues/src/sends.ts`,
// `calendar.ts`); a pass reads the buckets of its window by `_id`, then those records by `_id $in`, so it costs what
// needs a look now, not the stored sends (on FerretDB any other filter decodes the whole collection). The job id is the
// record id, so re-adding a job that exists is a no-op. Sends already submitted get their Sent Items follow-up back the
// same way (follow-up-sweep.ts).

export interface OperationSweepDeps extends FollowUpSweepDeps {
  models: Pick<Models, 'Send' | 'CalendarOperation' | 'Connection' | 'ScheduleBucket' | 'ScheduleCursor'>;
}

export interface OperationSweepResult {
  /** Open records whose job was checked. */
  checked: number;
  /** Open records without a job, given one. */
  enqueued: number;
  /** Open records whose job had finished (completed or failed) without finishing them: the job was run again. */
  revived: number;
  /** Schedule entries read (both kinds), and those dropped (their record finished or gone). */
  read: number;
  dropped: number;
  /** Submitted sends whose Sent Items follow-up was lost or overdue. */
  followUps: FollowUpSweepResult;
}

type Record_ = OpenRecord & { _id: string };

interface Kind {
  queue: 'send' | 'calendar';
  schedule: string;
  model: Model<Record<string, unknown>>;
  open: string[];
  enqueue(queues: QueueClient, record: Record_, nowMs: number): Promise<unknown>;
}

const KINDS = (models: OperationSweepDeps['models']): Kind[] => [
  {
    queue: 'send',
    schedule: SEND_OPEN_SCHEDULE,
    model: models.Send as unknown as Model<Record<string, unknown>>,
    open: ['queued', 'scheduled', 'sending'],
    // A scheduled send's job waits until it is due, as the producer's did.
    enqueue: (queues, r, nowMs) =>
      queues.enqueue(
        'send',
        { sendId: r._id },
        { jobId: r._id, delay: r.sendAt ? Math.max(0, new Date(r.sendAt).getTime() - nowMs) : 0 },
      ),
  },
  {
    queue: 'calendar',
    schedule: CALENDAR_OPEN_SCHEDULE,
    model: models.CalendarOperation as unknown as Model<Record<string, unknown>>,
    open: ['queued', 'running'],
    enqueue: (queues, r) => queues.enqueue('calendar', { operationId: r._id }, { jobId: r._id }),
  },
];

const FINISHED_JOB = new Set(['completed', 'failed']);

async function sweepKind(deps: OperationSweepDeps, kind: Kind, result: Omit<OperationSweepResult, 'followUps'>) {
  const now = deps.now();
  const batch = deps.maintenancePolicy.operationSweepBatch;
  let records = new Map<string, Record_>();
  const pass = await openOperationPass(deps.models, kind.schedule, {
    nowMs: now,
    dueAt: async (ids) => {
      records = await readByIds<Record_>(kind.model, ids, { status: 1, updatedAt: 1, sendAt: 1 }, batch);
      return new Map(
        ids.map((id) => [id, openLookAt(records.get(id), kind.open, deps.maintenancePolicy.operationGraceMs)]),
      );
    },
  });
  result.read += pass.ids.length;
  result.dropped += pass.dropped;
  const queue = deps.queues.queue(kind.queue);
  for (const id of pass.plan.due) {
    const record = records.get(id)!;
    result.checked++;
    const state = await queue.getJobState(id);
    if (state === 'unknown') {
      await kind.enqueue(deps.queues, record, deps.now());
      result.enqueued++;
    } else if (FINISHED_JOB.has(state)) {
      // Read again: the job may have finished the record since the read (then it emitted the event; leave it).
      const current = (await kind.model.findById(id, { status: 1 }).lean()) as { status: string } | null;
      if (!current || !kind.open.includes(current.status)) continue;
      await queue.remove(id);
      await kind.enqueue(deps.queues, record, deps.now());
      result.revived++;
    }
  }
  await pass.commit();
}

export async function operationSweep(deps: OperationSweepDeps): Promise<OperationSweepResult> {
  const result = { checked: 0, enqueued: 0, revived: 0, read: 0, dropped: 0 };
  for (const kind of KINDS(deps.models)) await sweepKind(deps, kind, result);
  if (result.enqueued || result.revived)
    deps.logger.warn(result, 'operation sweep gave open sends or calendar operations their job back');
  return { ...result, followUps: await followUpSweep(deps) };
}
