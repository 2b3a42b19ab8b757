import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '@outlook-connect/queues';
import { MailboxBusyError, type MailboxGate, type SendBudgetLimits } from '../contracts';
import {
  concurrencyRetryAt,
  DEFAULT_MAILBOX_LIMITS,
  exceedsDailyCap,
  nextUtcMidnight,
  sendRateRetryAt,
  utcDay,
} from './limits';
import { redisKeys } from '@outlook-connect/queues';
import { commands } from '../redis/commands';

export interface MailboxGateOptions {
  redis: RedisConnection;
  /** The queue prefix (raw or `{tagged}`); gate keys share its hash tag. */
  prefix: string;
  now?: () => number;
  /** Concurrent Graph requests per mailbox, across every process (Outlook allows 4). */
  maxConcurrent?: number;
  /** A lease not renewed for this long is free again (a crashed process's slot). Renewed at a third of it. */
  leaseMs?: number;
  /** How long withSlot keeps trying for a free slot before giving up with MailboxBusyError('concurrency'). */
  acquireWaitMs?: number;
  /** Base of the retry-at handed back when every slot stays taken (jittered up to twice this). */
  concurrencyRetryMs?: number;
  random?: () => number;
}

export class RecipientsOverDailyCapError extends Error {
  override name = 'RecipientsOverDailyCapError';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
type ScriptReply = [number, string?, number?];
const TRIM_EVERY = 8;

/** The mailbox gate in Redis: one semaphore, pause and send budget per mailbox, shared by every worker process. */
export function createMailboxGate(opts: MailboxGateOptions): MailboxGate {
  const { redis, prefix } = opts;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const maxConcurrent = opts.maxConcurrent ?? DEFAULT_MAILBOX_LIMITS.maxConcurrent;
  const leaseMs = opts.leaseMs ?? 30_000;
  const acquireWaitMs = opts.acquireWaitMs ?? 2_000;
  const concurrencyRetryMs = opts.concurrencyRetryMs ?? 500;
  const keyTtlMs = leaseMs * 4;

  const lua = commands(redis);
  /** Expired members never count; one call in TRIM_EVERY also removes them (a Redis command fewer on the others). */
  const trimFlag = () => (random() < 1 / TRIM_EVERY ? '1' : '0');
  const mailboxKeys = redisKeys.mailbox;

  /** One attempt: a lease id, or why not (paused -> until when). */
  async function tryAcquire(
    connectionId: string,
  ): Promise<{ leaseId: string } | { why: 'paused' | 'concurrency'; until: number }> {
    const keys = mailboxKeys(prefix, connectionId);
    const leaseId = randomBytes(8).toString('hex');
    const t = now();
    const [ok, why, hint] = (await lua.ocAcquireSlot(
      keys.slots,
      keys.pausedUntil,
      t,
      leaseId,
      t + leaseMs,
      maxConcurrent,
      keyTtlMs,
      trimFlag(),
    )) as ScriptReply;
    if (ok === 1) return { leaseId };
    if (why === 'paused') return { why, until: Number(hint) };
    return { why: 'concurrency', until: concurrencyRetryAt(t, concurrencyRetryMs, random()) };
  }

  /** One attempt at the send call's step: a slot and the send budget together, or why not (nothing taken then). */
  async function tryAcquireForSend(
    connectionId: string,
    recipients: number,
    limits: SendBudgetLimits,
  ): Promise<{ leaseId: string } | { why: MailboxBusyError['why']; until: number }> {
    const keys = mailboxKeys(prefix, connectionId);
    const leaseId = randomBytes(8).toString('hex');
    const t = now();
    const midnight = nextUtcMidnight(t);
    const [ok, why, hint] = (await lua.ocReserveSendSlot(
      keys.slots,
      keys.pausedUntil,
      keys.sendWindow,
      keys.recipients(utcDay(t)),
      t,
      leaseId,
      t + leaseMs,
      maxConcurrent,
      keyTtlMs,
      `${t}-${leaseId}`,
      limits.sendsPerMinute,
      limits.dailyRecipientCap,
      recipients,
      midnight,
      trimFlag(),
    )) as ScriptReply;
    if (ok === 1) return { leaseId };
    if (why === 'paused') return { why, until: Number(hint) };
    if (why === 'send_rate') return { why, until: sendRateRetryAt(Number(hint), t) };
    if (why === 'daily_recipients') return { why, until: midnight };
    return { why: 'concurrency', until: concurrencyRetryAt(t, concurrencyRetryMs, random()) };
  }

  /** Tries until a slot is free (bounded by acquireWaitMs); any other refusal (paused, over a limit) at once. */
  async function acquire(
    connectionId: string,
    attempt: () => Promise<{ leaseId: string } | { why: MailboxBusyError['why']; until: number }>,
  ): Promise<string> {
    const deadline = now() + acquireWaitMs;
    for (;;) {
      const result = await attempt();
      if ('leaseId' in result) return result.leaseId;
      if (result.why !== 'concurrency' || now() >= deadline)
        throw new MailboxBusyError(connectionId, result.until, result.why);
      await sleep(20 + Math.floor(random() * 60));
    }
  }

  /** Runs fn holding the lease (renewed while it runs), then frees it. */
  async function holding<T>(connectionId: string, leaseId: string, fn: () => Promise<T>): Promise<T> {
    const keys = mailboxKeys(prefix, connectionId);
    const renew = setInterval(
      () => {
        lua.ocRenewSlot(keys.slots, leaseId, now() + leaseMs, keyTtlMs).catch(() => undefined);
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await redis.zrem(keys.slots, leaseId).catch(() => undefined);
    }
  }

  const gate: MailboxGate = {
    async withSlot(connectionId, fn) {
      return holding(connectionId, await acquire(connectionId, () => tryAcquire(connectionId)), fn);
    },

    async withSendSlot(connectionId, recipients, limits, fn) {
      if (exceedsDailyCap(recipients, limits)) {
        throw new RecipientsOverDailyCapError(
          `${recipients} recipients exceed the daily cap of ${limits.dailyRecipientCap}`,
        );
      }
      const leaseId = await acquire(connectionId, () => tryAcquireForSend(connectionId, recipients, limits));
      return holding(connectionId, leaseId, fn);
    },

    async pause(connectionId, untilMs) {
      const keys = mailboxKeys(prefix, connectionId);
      await lua.ocPause(keys.pausedUntil, Math.ceil(untilMs), now());
    },

    async pausedUntil(connectionId) {
      const value = Number(await redis.get(mailboxKeys(prefix, connectionId).pausedUntil));
      return Number.isFinite(value) && value > now() ? value : null;
    },

    async reserveSend(connectionId, recipients, limits) {
      if (exceedsDailyCap(recipients, limits)) {
        throw new RecipientsOverDailyCapError(
          `${recipients} recipients exceed the daily cap of ${limits.dailyRecipientCap}`,
        );
      }
      const keys = mailboxKeys(prefix, connectionId);
      const t = now();
      const midnight = nextUtcMidnight(t);
      const member = `${t}-${randomBytes(6).toString('hex')}`;
      const [ok, why, hint] = (await lua.ocReserveSend(
        keys.sendWindow,
        keys.recipients(utcDay(t)),
        t,
        member,
        limits.sendsPerMinute,
        limits.dailyRecipientCap,
        recipients,
        midnight,
        trimFlag(),
      )) as ScriptReply;
      if (ok === 1) return;
      if (why === 'send_rate') throw new MailboxBusyError(connectionId, sendRateRetryAt(Number(hint), t), 'send_rate');
      throw new MailboxBusyError(connectionId, midnight, 'daily_recipients');
    },
  };
  return gate;
}
