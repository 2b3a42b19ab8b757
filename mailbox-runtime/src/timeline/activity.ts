import { isDuplicateKeyError, type ActivityType, type ConnectionDoc, type Models } from '@outlook-connect/shared';
import { createGroupWriter, type GroupWriter } from './group-writer';

export type ActivityLine = {
  /** A stable id for a line that a retry may write again (`sent` of a send): written twice, it is stored once. */
  _id?: string;
  workspaceId: string;
  connectionId: string;
  type: ActivityType;
  at: Date;
  detail: Record<string, unknown>;
};

// One group writer per store (per models instance): lines written together by concurrent jobs of this process go out
// in one insert, and each caller still awaits its own line.
const writers = new WeakMap<Models['ConnectionActivity'], GroupWriter<ActivityLine>>();

function writerFor(model: Models['ConnectionActivity']): GroupWriter<ActivityLine> {
  let writer = writers.get(model);
  if (!writer) {
    writer = createGroupWriter<ActivityLine>(async (lines) => {
      try {
        await model.insertMany(lines, { ordered: false });
      } catch (err) {
        // Unordered: every other line went in; a line refused only for its stable id is already there.
        if (!isDuplicateKeyError(err)) throw err;
      }
    });
    writers.set(model, writer);
  }
  return writer;
}

/** Writes one line on a connection's timeline (resolves once written). */
export function writeActivityLine(models: Pick<Models, 'ConnectionActivity'>, line: ActivityLine): Promise<void> {
  return writerFor(models.ConnectionActivity).add(line);
}

/** One line on a connection's timeline (operators' view). Never carries a token or secret. */
export async function recordActivity(
  models: Pick<Models, 'ConnectionActivity'>,
  conn: Pick<ConnectionDoc, '_id' | 'workspaceId'>,
  type: ActivityType,
  at: Date,
  detail: Record<string, unknown>,
): Promise<void> {
  await writeActivityLine(models, { workspaceId: conn.workspaceId, connectionId: conn._id, type, at, detail });
}
