import { createCalendarClient, createSendClient } from '@outlook-connect/queues';
import { newId } from '@outlook-connect/shared';
import { startWorkerStack, type WorkerStack } from '../testing/worker-stack';
import { operationSweep, type OperationSweepResult } from './operation-sweep';

// The operation sweep's pass costs what needs a look, not what is stored: the same pass over the same open records
// sends the store the same commands, every one filtered by `_id` (FerretDB's one indexed filter), with 0 or 5,000 old
// sends (and 500 old calendar operations) stored. "Examined" models FerretDB: a filter on a top-level `_id` reads the
// ids it names, any other filter decodes every document of its collection.

jest.setTimeout(120_000);

const OLD_SENDS = 5_000;
const OLD_OPERATIONS = 500;
let stack: WorkerStack;

beforeAll(async () => {
  stack = await startWorkerStack('opcost');
});
afterAll(() => stack?.close());

interface Command {
  collection: string;
  method: string;
  filterKeys: string[];
  /** Documents the store decodes for it on FerretDB: the ids an `_id` filter names, else the whole collection. */
  examined: number;
}

const READS = ['find', 'findOne', 'countDocuments', 'aggregate', 'distinct', 'deleteMany', 'updateMany'];

function idsNamed(filter: Record<string, unknown>): number {
  const id = filter._id as { $in?: unknown[] } | string;
  return typeof id === 'object' && id !== null && Array.isArray(id.$in) ? id.$in.length : 1;
}

/** Every filtered command the store is sent while `fn` runs, with what it examines. */
async function costOf(fn: () => Promise<OperationSweepResult>) {
  const { models } = stack.clients.deps;
  const conn = models.Send.db;
  const seen: Array<{ collection: string; method: string; filter: Record<string, unknown> }> = [];
  conn.set('debug', (collection: string, method: string, filter: unknown) => {
    if (READS.includes(method)) seen.push({ collection, method, filter: (filter ?? {}) as Record<string, unknown> });
  });
  let result: OperationSweepResult;
  try {
    result = await fn();
  } finally {
    conn.set('debug', false);
  }
  const commands: Command[] = [];
  for (const c of seen) {
    const filterKeys = Object.keys(c.filter).sort();
    // FerretDB (with our pushdown patch) serves a filter whose top-level `_id` is a value or `$in` from its index.
    const byId = filterKeys.includes('_id');
    const examined = byId ? idsNamed(c.filter) : await conn.collection(c.collection).countDocuments();
    commands.push({ collection: c.collection, method: c.method, filterKeys, examined });
  }
  return { result, commands, examined: commands.reduce((n, c) => n + c.examined, 0) };
}

it('a pass reads the same by _id with 0 or 5,000 old sends stored', async () => {
  const { deps } = stack.clients;
  const { connection } = await stack.connect('full_calendar', 'cost');
  const sends = createSendClient({ models: deps.models, queues: deps.queues });
  const calendar = createCalendarClient({ models: deps.models, queues: deps.queues });
  // Open records with their jobs waiting (no worker runs here): each pass checks them, none needs its job back.
  for (let i = 0; i < 5; i++)
    await sends.enqueueSend({
      workspaceId: stack.workspaceId,
      connectionId: connection._id,
      idempotencyKey: `cost-${i}`,
      source: 'sequence',
      message: { to: [`lead-${i}@example.com`], subject: `Cost ${i}`, body: { contentType: 'text', content: 'Hi' } },
    });
  await calendar.createEvent({
    workspaceId: stack.workspaceId,
    connectionId: connection._id,
    idempotencyKey: 'cost-cal',
    metadata: {},
    event: {
      subject: 'Cost',
      start: { dateTime: '2031-05-01T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2031-05-01T10:30:00', timeZone: 'UTC' },
    },
  });

  let clock = Date.now() + deps.maintenancePolicy.operationGraceMs + 5_000;
  const sweepDeps = { ...deps, now: () => clock };
  const first = await operationSweep(sweepDeps);
  expect(first).toMatchObject({ checked: 6, enqueued: 0, revived: 0 });

  clock += 120_000;
  const before = await costOf(() => operationSweep(sweepDeps));

  const old = new Date(clock - 30 * 86_400_000);
  const stored = Array.from({ length: OLD_SENDS }, (_, i) => ({
    _id: newId('send'),
    workspaceId: stack.workspaceId,
    connectionId: connection._id,
    idempotencyKey: `old-${i}`,
    status: 'sent',
    sentItemsStatus: 'seen',
    sentAt: old,
    createdAt: old,
    updatedAt: old,
  }));
  for (let i = 0; i < stored.length; i += 1_000)
    await deps.models.Send.collection.insertMany(stored.slice(i, i + 1_000) as never[]);
  await deps.models.CalendarOperation.collection.insertMany(
    Array.from({ length: OLD_OPERATIONS }, (_, i) => ({
      _id: newId('cal'),
      workspaceId: stack.workspaceId,
      connectionId: connection._id,
      idempotencyKey: `old-cal-${i}`,
      status: 'succeeded',
      createdAt: old,
      updatedAt: old,
    })) as never[],
  );

  clock += 120_000;
  const after = await costOf(() => operationSweep(sweepDeps));

  process.stdout.write(
    `operation sweep pass: ${before.commands.length} filtered commands, ${before.examined} documents examined with ` +
      `0 old sends; ${after.commands.length} and ${after.examined} with ${OLD_SENDS} old sends and ` +
      `${OLD_OPERATIONS} old calendar operations\n`,
  );
  for (const r of [before.result, after.result])
    expect(r).toMatchObject({ checked: 6, enqueued: 0, revived: 0, followUps: { checked: 0 } });
  expect(after.commands).toEqual(before.commands);
  expect(after.examined).toBe(before.examined);
  for (const c of after.commands) expect(c.filterKeys).toContain('_id');
  // The six open records and the buckets of the windows (3 schedules x 8 minutes x 8 shards), not the collections.
  expect(after.examined).toBeLessThan(300);
});
