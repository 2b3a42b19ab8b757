import { testIsolation } from '@outlook-connect/shared/testing';
import { MailboxBusyError } from '../contracts';
import { createRedis, deleteKeysMatching, redisKeys, type RedisConnection } from '@outlook-connect/queues';
import { readGateState } from './gate-state';
import { createMailboxGate } from './mailbox-gate';

const iso = testIsolation('mailboxgate');
let redisA: RedisConnection;
let redisB: RedisConnection;

beforeAll(() => {
  redisA = createRedis(iso.redisTarget, 'producer');
  redisB = createRedis(iso.redisTarget, 'producer');
});

afterAll(async () => {
  await deleteKeysMatching(redisA, ...redisKeys.keyPatterns(iso.queuePrefix));
  await Promise.all([redisA.quit(), redisB.quit()]);
});

const stateOf = (conn: string, t: number, day = '1970-01-01') => readGateState(redisA, iso.queuePrefix, conn, t, day);

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('mailbox gate on Redis', () => {
  it('two gates (two processes) never hold more than 4 slots of one mailbox together', async () => {
    const gates = [
      createMailboxGate({ redis: redisA, prefix: iso.queuePrefix }),
      createMailboxGate({ redis: redisB, prefix: iso.queuePrefix }),
    ];
    const conn = 'conn_concurrency';
    let current = 0;
    let peak = 0;
    const work = async () => {
      current += 1;
      peak = Math.max(peak, current);
      await new Promise((r) => setTimeout(r, 15));
      current -= 1;
    };
    let busy = 0;
    const tasks = Array.from({ length: 40 }, (_, i) =>
      gates[i % 2]!.withSlot(conn, work).catch((err) => {
        if (err instanceof MailboxBusyError) busy += 1;
        else throw err;
      }),
    );
    await Promise.all(tasks);
    expect(peak).toBe(4);
    expect(busy).toBe(0);
    expect((await stateOf(conn, Date.now())).liveLeases).toBe(0);
  });

  it('gives up with MailboxBusyError(concurrency) when every slot stays taken, and other mailboxes keep flowing', async () => {
    const gate = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, acquireWaitMs: 50 });
    const other = createMailboxGate({ redis: redisB, prefix: iso.queuePrefix, acquireWaitMs: 50 });
    const hold = deferred();
    const held = Array.from({ length: 4 }, () => gate.withSlot('conn_full', () => hold.promise));
    await new Promise((r) => setTimeout(r, 30));
    const err = await other.withSlot('conn_full', async () => 'ran').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxBusyError);
    expect((err as MailboxBusyError).why).toBe('concurrency');
    expect((err as MailboxBusyError).retryAtMs).toBeGreaterThan(Date.now());
    await expect(other.withSlot('conn_free', async () => 'ran')).resolves.toBe('ran');
    hold.resolve();
    await Promise.all(held);
  });

  it('reclaims the slots of a process that died holding them once their lease expires', async () => {
    let t = 1_000_000;
    // The crashed process's clock stands still, so even a stray renewal cannot move its leases past the survivor's now.
    const crashed = createMailboxGate({
      redis: redisA,
      prefix: iso.queuePrefix,
      now: () => 1_000_000,
      leaseMs: 10_000,
    });
    const survivor = createMailboxGate({
      redis: redisB,
      prefix: iso.queuePrefix,
      now: () => t,
      leaseMs: 10_000,
      acquireWaitMs: 0,
    });
    const never = new Promise<never>(() => undefined);
    // Slots acquired and never released: the "process" stops renewing (its clock no longer moves the leases).
    for (let i = 0; i < 4; i += 1) void crashed.withSlot('conn_crash', () => never);
    await new Promise((r) => setTimeout(r, 30));
    await expect(survivor.withSlot('conn_crash', async () => 'ran')).rejects.toMatchObject({ why: 'concurrency' });
    t += 10_001;
    await expect(survivor.withSlot('conn_crash', async () => 'ran')).resolves.toBe('ran');
  });

  it('counts exactly when the mailbox holds more members than one read returns (many leases, expired ones)', async () => {
    let t = 2_000_000;
    const limits = { sendsPerMinute: 3, dailyRecipientCap: 100 };
    const wide = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, now: () => 2_000_000, maxConcurrent: 30 });
    const gate = createMailboxGate({ redis: redisB, prefix: iso.queuePrefix, now: () => t, acquireWaitMs: 0 });
    const never = new Promise<never>(() => undefined);
    for (let i = 0; i < 20; i += 1) void wide.withSlot('conn_many', () => never);
    await new Promise((r) => setTimeout(r, 30));
    await expect(gate.withSendSlot('conn_many', 1, limits, async () => 'ran')).rejects.toMatchObject({
      why: 'concurrency',
    });
    await gate.pause('conn_many', t + 500, 'http_429');
    await expect(gate.withSendSlot('conn_many', 1, limits, async () => 'ran')).rejects.toMatchObject({ why: 'paused' });
    t += 30_001; // the 20 leases have expired (and still sit in the key until a trim)
    for (let i = 0; i < 3; i += 1)
      await expect(gate.withSendSlot('conn_many', 1, limits, async () => 'sent')).resolves.toBe('sent');
    await expect(gate.withSendSlot('conn_many', 1, limits, async () => 'ran')).rejects.toMatchObject({
      why: 'send_rate',
    });
  });

  it('honours a pause in every process until it ends, and a pause only extends', async () => {
    let t = 5_000_000;
    const a = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, now: () => t });
    const b = createMailboxGate({ redis: redisB, prefix: iso.queuePrefix, now: () => t });
    await a.pause('conn_paused', t + 3_000, 'http_429');
    await a.pause('conn_paused', t + 1_000, 'http_503');
    expect(await b.pausedUntil('conn_paused')).toBe(t + 3_000);
    const err = await b.withSlot('conn_paused', async () => 'ran').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'MailboxBusyError', why: 'paused', retryAtMs: t + 3_000 });
    expect(await b.pausedUntil('conn_other')).toBeNull();
    t += 3_001;
    expect(await b.pausedUntil('conn_paused')).toBeNull();
    await expect(b.withSlot('conn_paused', async () => 'ran')).resolves.toBe('ran');
  });

  it('caps sends per minute across processes and reopens when the oldest leaves the window', async () => {
    let t = 9_000_000;
    const limits = { sendsPerMinute: 3, dailyRecipientCap: 1_000 };
    const a = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, now: () => t });
    const b = createMailboxGate({ redis: redisB, prefix: iso.queuePrefix, now: () => t });
    await a.reserveSend('conn_rate', 1, limits);
    t += 10_000;
    await b.reserveSend('conn_rate', 1, limits);
    await a.reserveSend('conn_rate', 1, limits);
    const err = await b.reserveSend('conn_rate', 1, limits).catch((e: unknown) => e);
    expect(err).toMatchObject({ why: 'send_rate', retryAtMs: 9_000_000 + 60_001 });
    t = 9_000_000 + 60_001;
    await expect(b.reserveSend('conn_rate', 1, limits)).resolves.toBeUndefined();
    await expect(a.reserveSend('conn_rate', 1, limits)).rejects.toMatchObject({ why: 'send_rate' });
  });

  it('caps recipients per UTC day and reopens at midnight', async () => {
    let t = Date.parse('2030-01-01T10:00:00Z');
    const limits = { sendsPerMinute: 100, dailyRecipientCap: 10 };
    const gate = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, now: () => t });
    await gate.reserveSend('conn_daily', 6, limits);
    const err = await gate.reserveSend('conn_daily', 5, limits).catch((e: unknown) => e);
    expect(err).toMatchObject({ why: 'daily_recipients', retryAtMs: Date.parse('2030-01-02T00:00:00Z') });
    await gate.reserveSend('conn_daily', 4, limits);
    await expect(gate.reserveSend('conn_daily', 11, limits)).rejects.toMatchObject({
      name: 'RecipientsOverDailyCapError',
    });
    t = Date.parse('2030-01-02T00:00:01Z');
    await expect(gate.reserveSend('conn_daily', 5, limits)).resolves.toBeUndefined();
  });

  it("keeps a mailbox's key as long as anything in it counts (expiry set now and then), and trims what no longer does", async () => {
    let t = Date.now();
    const key = redisKeys.mailbox(iso.queuePrefix, 'conn_ttl').gate;
    const limits = { sendsPerMinute: 1_000, dailyRecipientCap: 1_000 };
    const gate = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, now: () => t, leaseMs: 10_000 });
    // A pause longer than anything else: the key outlives it (a pause is never lost with the key).
    await gate.pause('conn_ttl', t + 3 * 3600_000, 'http_429');
    expect(await redisA.pttl(key)).toBeGreaterThan(3 * 3600_000 - 1_000);
    t += 3 * 3600_000 + 1;
    for (let i = 0; i < 5; i += 1) await gate.withSendSlot('conn_ttl', 2, limits, async () => 'sent');
    // Today's recipients must outlive the day by an hour: the expiry reaches past that, whatever was set before.
    const midnight = (Math.floor(t / 86_400_000) + 1) * 86_400_000;
    expect(await redisA.pttl(key)).toBeGreaterThan(midnight + 3600_000 - t - 1_000);
    const held = deferred();
    const holding = gate.withSlot('conn_ttl', () => held.promise);
    await new Promise((r) => setTimeout(r, 20));
    expect(await stateOf('conn_ttl', t, new Date(t).toISOString().slice(0, 10))).toMatchObject({
      liveLeases: 1,
      sendsInMinute: 5,
    });
    held.resolve();
    await holding;
    // Two minutes on, the next send trims the old sends (the key keeps only what counts, and its markers).
    t += 120_000;
    await gate.withSendSlot('conn_ttl', 1, limits, async () => 'sent');
    const members = await redisA.zrange(key, '0', '-1');
    expect(members.filter((m) => m.startsWith('s'))).toHaveLength(1);
    expect(members.filter((m) => !m.startsWith('~') && !m.startsWith('s'))).toHaveLength(0);
  });

  describe('withSendSlot: the pause, a slot and the send budget in one step', () => {
    it('takes a slot and the budget together, frees the slot after, and shares the budget with reserveSend', async () => {
      let t = Date.parse('2030-02-01T10:00:00Z');
      const limits = { sendsPerMinute: 3, dailyRecipientCap: 10 };
      const a = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, now: () => t });
      const b = createMailboxGate({ redis: redisB, prefix: iso.queuePrefix, now: () => t });
      let slotsDuring = -1;
      await a.withSendSlot('conn_send', 2, limits, async () => {
        slotsDuring = (await stateOf('conn_send', t)).liveLeases;
      });
      expect(slotsDuring).toBe(1);
      expect((await stateOf('conn_send', t)).liveLeases).toBe(0);
      await b.reserveSend('conn_send', 2, limits);
      await b.withSendSlot('conn_send', 2, limits, async () => 'sent');
      // The minute's 3 sends are taken: refused, and the refusal took no slot and no recipients.
      const err = await a.withSendSlot('conn_send', 1, limits, async () => 'ran').catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'MailboxBusyError', why: 'send_rate', retryAtMs: t + 60_001 });
      expect((await stateOf('conn_send', t)).liveLeases).toBe(0);
      expect((await stateOf('conn_send', t, '2030-02-01')).recipientsOn).toBe(6);
      t += 60_001;
      // 6 of 10 recipients used today: 5 more is over the cap (nothing taken), 4 fits.
      const over = await a.withSendSlot('conn_send', 5, limits, async () => 'ran').catch((e: unknown) => e);
      expect(over).toMatchObject({ why: 'daily_recipients', retryAtMs: Date.parse('2030-02-02T00:00:00Z') });
      expect((await stateOf('conn_send', t, '2030-02-01')).recipientsOn).toBe(6);
      expect((await stateOf('conn_send', t)).sendsInMinute).toBe(0);
      await expect(a.withSendSlot('conn_send', 4, limits, async () => 'sent')).resolves.toBe('sent');
      await expect(a.withSendSlot('conn_send', 11, limits, async () => 'ran')).rejects.toMatchObject({
        name: 'RecipientsOverDailyCapError',
      });
    });

    it('a send over the rate is told at once, even while every slot is taken', async () => {
      const t = 8_000_000;
      const limits = { sendsPerMinute: 1, dailyRecipientCap: 1_000 };
      const gate = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, now: () => t, acquireWaitMs: 60_000 });
      await gate.reserveSend('conn_send_rate', 1, limits);
      const hold = deferred();
      const held = Array.from({ length: 4 }, () => gate.withSlot('conn_send_rate', () => hold.promise));
      await new Promise((r) => setTimeout(r, 30));
      const err = await gate.withSendSlot('conn_send_rate', 1, limits, async () => 'ran').catch((e: unknown) => e);
      expect(err).toMatchObject({ why: 'send_rate', retryAtMs: t + 60_001 });
      hold.resolve();
      await Promise.all(held);
    });

    it('a paused mailbox takes nothing; every slot taken waits, then gives up without reserving', async () => {
      const t = 7_000_000;
      const limits = { sendsPerMinute: 100, dailyRecipientCap: 1_000 };
      const gate = createMailboxGate({ redis: redisA, prefix: iso.queuePrefix, now: () => t, acquireWaitMs: 0 });
      await gate.pause('conn_send_paused', t + 2_000, 'http_429');
      const paused = await gate.withSendSlot('conn_send_paused', 1, limits, async () => 'ran').catch((e: unknown) => e);
      expect(paused).toMatchObject({ why: 'paused', retryAtMs: t + 2_000 });
      expect(await stateOf('conn_send_paused', t)).toMatchObject({ sendsInMinute: 0, liveLeases: 0 });

      const hold = deferred();
      const held = Array.from({ length: 4 }, () => gate.withSlot('conn_send_full', () => hold.promise));
      await new Promise((r) => setTimeout(r, 30));
      const busy = await gate.withSendSlot('conn_send_full', 1, limits, async () => 'ran').catch((e: unknown) => e);
      expect(busy).toMatchObject({ why: 'concurrency' });
      expect(await stateOf('conn_send_full', t)).toMatchObject({ sendsInMinute: 0, liveLeases: 4 });
      hold.resolve();
      await Promise.all(held);
      await expect(gate.withSendSlot('conn_send_full', 1, limits, async () => 'sent')).resolves.toBe('sent');
    });
  });
});
