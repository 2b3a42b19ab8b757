import { Queue, QueueEvents } from 'bullmq';
import pino from 'pino';
import { testIsolation } from '@outlook-connect/shared/testing';
import { emitEvent, eventId, eventsOnQueue, findEvent, type EventGroup } from './events';
import { handOutInboxSyncs, inboxSyncJobId } from './inbox-sync';
import { catalog } from './catalog';
import { createQueueClient, validatePayload } from './queue-client';
import { createRedis, deleteKeysMatching, scanKeys } from './redis';
import { redisKeys } from './redis-keys';
import { handlerFor, startWorkers } from './worker-runtime';

describe('queues on a real Redis', () => {
  const iso = testIsolation('queues');
  const producerRedis = createRedis(iso.redisTarget, 'producer');
  const workerRedis = createRedis(iso.redisTarget, 'worker');
  const client = createQueueClient({ connection: producerRedis, prefix: iso.queuePrefix });
  const logger = pino({ level: 'silent' });

  afterAll(async () => {
    await client.close();
    await deleteKeysMatching(producerRedis, ...redisKeys.keyPatterns(iso.queuePrefix));
    producerRedis.disconnect();
    workerRedis.disconnect();
  });

  it('keeps every key of the queue inside one hash tag', async () => {
    await client.enqueue('send', { sendId: 'send_0123456789abcdef01234567' });
    const keys = await scanKeys(producerRedis, `*${iso.queuePrefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(k.startsWith(`{${iso.queuePrefix}}:`)).toBe(true);
  });

  it('refuses an invalid payload on enqueue and fails one taken off the queue without retry', async () => {
    await expect(client.enqueue('send', { sendId: 'nope' } as never)).rejects.toThrow(/invalid send payload/);

    const seen: string[] = [];
    const workers = startWorkers({
      registrations: [handlerFor('calendar', async (p) => seen.push(p.operationId))],
      served: ['calendar'],
      connection: workerRedis,
      prefix: iso.queuePrefix,
      logger,
    });
    const raw = new Queue('calendar', { connection: producerRedis, prefix: `{${iso.queuePrefix}}` });
    // QueueEvents does not close a connection it was handed: this test does.
    const eventsRedis = createRedis(iso.redisTarget, 'worker');
    const events = new QueueEvents('calendar', { connection: eventsRedis, prefix: `{${iso.queuePrefix}}` });
    await events.waitUntilReady();
    const bad = await raw.add('calendar', { operationId: 42 }, { attempts: 5 });
    const good = await client.enqueue('calendar', { operationId: 'cal_0123456789abcdef01234567' });
    await good.waitUntilFinished(events, 10_000);
    await expect(bad.waitUntilFinished(events, 10_000)).rejects.toThrow(/invalid calendar payload/);
    const failed = await raw.getJob(bad.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(seen).toEqual(['cal_0123456789abcdef01234567']);
    await workers.close();
    await events.close();
    eventsRedis.disconnect();
    await raw.close();
  });

  it('hands out inbox sync jobs: adds the missing, replaces one that failed for good, leaves live ones alone', async () => {
    const [live, lost, done] = [
      'conn_a00000000000000000000001',
      'conn_b00000000000000000000001',
      'conn_c00000000000000000000001',
    ];
    const queue = client.queue('inbox-sync');
    await client.enqueue('inbox-sync', { connectionId: live }, { jobId: inboxSyncJobId(live), delay: 60_000 });
    const liveJob = await queue.getJob(inboxSyncJobId(live));
    // A sync job that failed its attempts keeps its id: the add would be swallowed under it.
    await queue.add('inbox-sync', { connectionId: done }, { jobId: inboxSyncJobId(done), attempts: 1 });
    const workers = startWorkers({
      registrations: [
        handlerFor('inbox-sync', async () => {
          throw new Error('store down');
        }),
      ],
      served: ['inbox-sync'],
      connection: workerRedis,
      prefix: iso.queuePrefix,
      logger,
    });
    for (let i = 0; i < 100 && (await queue.getJobState(inboxSyncJobId(done))) !== 'failed'; i++)
      await new Promise((r) => setTimeout(r, 100));
    await workers.close();
    expect(await queue.getJobState(inboxSyncJobId(done))).toBe('failed');

    const healed = await handOutInboxSyncs(client, [
      { connectionId: live, delayMs: 0, overdue: true },
      { connectionId: lost, delayMs: 5_000, overdue: false },
      { connectionId: done, delayMs: 0, overdue: true },
    ]);
    expect(healed).toBe(1);
    expect(await queue.getJobState(inboxSyncJobId(done))).toBe('waiting');
    expect(await queue.getJobState(inboxSyncJobId(lost))).toBe('delayed');
    expect((await queue.getJob(inboxSyncJobId(lost)))?.opts.delay).toBe(5_000);
    expect((await queue.getJob(inboxSyncJobId(live)))?.timestamp).toBe(liveJob?.timestamp);
    expect(await queue.getJobState(inboxSyncJobId(live))).toBe('delayed');
  });

  it('removes a sync job once it completes, so the next hand-out under its id takes effect', async () => {
    const id = 'conn_d00000000000000000000001';
    const queue = client.queue('inbox-sync');
    await client.enqueue('inbox-sync', { connectionId: id }, { jobId: inboxSyncJobId(id) });
    const workers = startWorkers({
      registrations: [handlerFor('inbox-sync', async () => ({ nextSyncAt: 0 }))],
      served: ['inbox-sync'],
      connection: workerRedis,
      prefix: iso.queuePrefix,
      logger,
    });
    for (let i = 0; i < 100 && (await queue.getJob(inboxSyncJobId(id))); i++)
      await new Promise((r) => setTimeout(r, 100));
    await workers.close();
    expect(await queue.getJob(inboxSyncJobId(id))).toBeUndefined();
    expect(await handOutInboxSyncs(client, [{ connectionId: id, delayMs: 0, overdue: false }])).toBe(0);
    expect(await queue.getJobState(inboxSyncJobId(id))).toBe('waiting');
  });

  it("keeps a handed-out sync job's hash a listpack, yet retries it with the catalog's backoff", async () => {
    const id = 'conn_e00000000000000000000001';
    const queue = client.queue('inbox-sync');
    await handOutInboxSyncs(client, [{ connectionId: id, delayMs: 29_999, overdue: false }]);
    const key = queue.toKey(inboxSyncJobId(id));
    // Every value within hash-max-listpack-value (64 bytes): the job stores its id, delay and attempts, nothing more.
    expect(await producerRedis.object('ENCODING', key)).toBe('listpack');
    const stored = JSON.parse((await producerRedis.hget(key, 'opts'))!) as Record<string, unknown>;
    expect(stored).toEqual({ jobId: inboxSyncJobId(id), delay: 29_999, attempts: catalog['inbox-sync'].attempts });

    await (await queue.getJob(inboxSyncJobId(id)))!.promote();
    const workers = startWorkers({
      registrations: [
        handlerFor('inbox-sync', async () => {
          throw new Error('Graph down');
        }),
      ],
      served: ['inbox-sync'],
      connection: workerRedis,
      prefix: iso.queuePrefix,
      logger,
    });
    for (let i = 0; i < 100 && !(await queue.getJob(inboxSyncJobId(id)))?.attemptsMade; i++)
      await new Promise((r) => setTimeout(r, 100));
    await workers.close();
    // Without a backoff BullMQ would retry at once; the catalog's (exponential, 10 s) puts the retry 10 s out.
    const retried = await queue.getJob(inboxSyncJobId(id));
    expect(retried?.attemptsMade).toBe(1);
    expect(await queue.getJobState(inboxSyncJobId(id))).toBe('delayed');
    expect(retried?.delay).toBe(catalog['inbox-sync'].backoff.delay);
    await queue.remove(inboxSyncJobId(id));
  });

  it('carries the events emitted while a group is being added in the next job, in order; emitted twice, an event is carried twice', async () => {
    const data = (n: number) => ({ sendId: `send_${n}`, idempotencyKey: 'k', source: 'test', metadata: {} });
    const emit = (n: number) =>
      emitEvent(client, 'send.canceled', { workspaceId: 'ws_1', connectionId: 'conn_1' }, data(n), {
        id: eventId('send.canceled', `send_${n}`),
      });
    // The first is added at once, alone; the five emitted meanwhile go together in the next job.
    await Promise.all([1, 2, 3, 4, 5, 1].map(emit));
    const jobs = await client.queue('events').getJobs(['waiting'], 0, -1);
    const groups = jobs
      .sort((a, b) => Number(a.id) - Number(b.id))
      .map((j) => (j.data as EventGroup).events.map((e) => e.data.sendId));
    expect(groups).toEqual([['send_1'], ['send_2', 'send_3', 'send_4', 'send_5', 'send_1']]);
    // The same event twice is not deduplicated here: its webhook delivery is (webhooks.int.test.ts).
    expect(
      (await eventsOnQueue(client.queue('events'))).filter((e) => e.id === eventId('send.canceled', 'send_1')),
    ).toHaveLength(2);
  });

  it('reads a job of one bare event, as added before events came in groups, as a group of one', async () => {
    const event = {
      id: eventId('send.canceled', 'send_legacy'),
      type: 'send.canceled',
      workspaceId: 'ws_1',
      occurredAt: new Date().toISOString(),
      data: { sendId: 'send_legacy', idempotencyKey: 'k', source: 'test', metadata: {} },
    };
    expect(validatePayload('events', event)).toEqual({ events: [event] });
    expect(validatePayload('events', { events: [event] })).toEqual({ events: [event] });
    expect(() => validatePayload('events', { events: [] })).toThrow(/invalid events payload/);
  });

  it('refuses an event whose data does not match its type in the catalog, naming the field', async () => {
    const input = {
      type: 'send.sent' as const,
      workspaceId: 'ws_1',
      data: { sendId: 's' },
      id: eventId('send.sent', 'send_2'),
    };
    await expect(client.emit(input)).rejects.toThrow(/invalid events \(send\.sent\) payload: data\.idempotencyKey/);
    expect(await findEvent(client.queue('events'), eventId('send.sent', 'send_2'))).toBeUndefined();
  });
});
