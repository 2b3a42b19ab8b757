import {
  isDuplicateKeyError,
  type ActivityType,
  type ConnectionDoc,
  type Logger,
  type Models,
} from '@outlook-connect/shared';
import { createGroupWriter, createLingeringWriter, type GroupWriter, type LingeringWriter } from './group-writer';

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

/** How long a line nobody waits for is held to be written with others (see `recordActivityLater`). */
export const ACTIVITY_LINGER_MS = 500;

const lingering = new Map<Models['ConnectionActivity'], LingeringWriter<ActivityLine>>();

/**
 * A line the caller does not wait for (a scheduled refresh: the token is stored, the line is for operators): written
 * with the others of the next ACTIVITY_LINGER_MS in one insert. On FerretDB every write is serialized, so a refresh's
 * own insert would hold up the next refresh's compare-and-set. A failed insert is logged; `flushActivityLines`
 * writes what is held (a stopping process calls it before closing the store).
 */
export function recordActivityLater(
  deps: { models: Pick<Models, 'ConnectionActivity'>; logger: Pick<Logger, 'warn'> },
  conn: Pick<ConnectionDoc, '_id' | 'workspaceId'>,
  type: ActivityType,
  at: Date,
  detail: Record<string, unknown>,
): void {
  writeActivityLineLater(deps, { workspaceId: conn.workspaceId, connectionId: conn._id, type, at, detail });
}

/** `recordActivityLater` for a whole line (one with a stable id: held twice, it is still stored once). */
export function writeActivityLineLater(
  deps: { models: Pick<Models, 'ConnectionActivity'>; logger: Pick<Logger, 'warn'> },
  line: ActivityLine,
): void {
  const model = deps.models.ConnectionActivity;
  let writer = lingering.get(model);
  if (!writer) {
    writer = createLingeringWriter<ActivityLine>(
      async (lines) => {
        try {
          await model.insertMany(lines, { ordered: false });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      },
      {
        lingerMs: ACTIVITY_LINGER_MS,
        onError: (err, lines) => deps.logger.warn({ err, lines }, 'could not write activity lines'),
      },
    );
    lingering.set(model, writer);
  }
  writer.add(line);
}

/** Writes every line `recordActivityLater` still holds (before a process closes its store). */
export async function flushActivityLines(): Promise<void> {
  await Promise.all([...lingering.values()].map((w) => w.flush()));
}
