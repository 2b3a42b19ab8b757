import type { QueueClient, RedisConnection } from '@outlook-connect/queues';
import { SEND_CONFIRM_SCHEDULE, type Logger, type Models, type SendDoc } from '@outlook-connect/shared';
import type { Model } from 'mongoose';
import { bookedLookAt, scheduleConfirmRun, waitForLook } from '../send/send-confirm';
import { confirmSlot, repairFollowUp, type ConfirmPolicy } from '../send/send-confirm-policy';
import { markNotSeenYet } from '../send/send-records';
import type { MaintenancePolicy } from './maintenance-policy';
import { followUpLookAt } from './operation-schedule';
import { openOperationPass, readByIds } from './operation-pass';

// The follow-up after Exchange's 202 keeps which sends wait for a look in Redis (a per-mailbox sorted set) and books
// its runs as `send-confirm` jobs. The store says which sends still wait (`sent`, `sentItemsStatus: pending`), and each
// is filed on the `send-confirm` schedule when it is recorded sent (markSent): a pass reads the entries whose next look
// is overdue by two slots, by `_id`. A send whose look is missing from the set (Redis flushed) or overdue (its run was
// lost, the looks stopped while the connection needed reconnecting) gets it booked again; one past the follow-up is
// `not_seen`, as after its last look.

export interface FollowUpSweepDeps {
  models: Pick<Models, 'Send' | 'Connection' | 'ScheduleBucket' | 'ScheduleCursor'>;
  queues: QueueClient;
  redis: RedisConnection;
  logger: Logger;
  now: () => number;
  maintenancePolicy: MaintenancePolicy;
  sendPolicy: { confirm: ConfirmPolicy };
}

export interface FollowUpSweepResult {
  checked: number;
  /** Sends whose look was missing or overdue: booked again. */
  booked: number;
  /** Sends past the follow-up: `not_seen`. */
  gaveUp: number;
}

type Pending = Pick<
  SendDoc,
  '_id' | 'connectionId' | 'status' | 'sentItemsStatus' | 'sentAt' | 'sentItemsChecks' | 'updatedAt'
>;

export async function followUpSweep(deps: FollowUpSweepDeps): Promise<FollowUpSweepResult> {
  const p = deps.sendPolicy.confirm;
  const result: FollowUpSweepResult = { checked: 0, booked: 0, gaveUp: 0 };
  let records = new Map<string, Pending>();
  const passNow = deps.now();
  const pass = await openOperationPass(deps.models, SEND_CONFIRM_SCHEDULE, {
    nowMs: passNow,
    dueAt: async (ids) => {
      records = await readByIds<Pending>(
        deps.models.Send as unknown as Model<Record<string, unknown>>,
        ids,
        { connectionId: 1, status: 1, sentItemsStatus: 1, sentAt: 1, sentItemsChecks: 1, updatedAt: 1 },
        deps.maintenancePolicy.operationSweepBatch,
      );
      return new Map(ids.map((id) => [id, followUpLookAt(records.get(id), passNow, p)]));
    },
  });
  const usable = new Map<string, boolean>(); // connection id -> active, read once per pass by _id
  const runs = new Set<string>(); // runs booked in this pass (one per mailbox and slot)
  for (const id of pass.plan.due) {
    const send = records.get(id)!;
    result.checked++;
    const now = deps.now();
    let active = usable.get(send.connectionId);
    if (active === undefined) {
      const conn = await deps.models.Connection.findById(send.connectionId, { status: 1 }).lean();
      active = conn?.status === 'active';
      usable.set(send.connectionId, active);
    }
    const bookedAtMs = active ? await bookedLookAt(deps, send.connectionId, send._id) : null;
    const sentAtMs = send.sentAt ? new Date(send.sentAt).getTime() : new Date(send.updatedAt).getTime();
    const repair = repairFollowUp({ sentAtMs, checks: send.sentItemsChecks, bookedAtMs }, active, now, p);
    if (repair.action === 'give_up') {
      await markNotSeenYet(deps, send._id, true);
      result.gaveUp++;
    } else if (repair.action === 'book') {
      if (bookedAtMs === null) await waitForLook(deps, send.connectionId, send._id, repair.dueMs);
      const run = `${send.connectionId}_${confirmSlot(repair.atMs, p)}`;
      if (!runs.has(run)) await scheduleConfirmRun(deps, send.connectionId, repair.atMs, now, p);
      runs.add(run);
      result.booked++;
    }
  }
  await pass.commit();
  if (result.booked || result.gaveUp)
    deps.logger.warn(result, 'operation sweep booked the Sent Items follow-up of sends that had lost it');
  return result;
}
