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
import { MARK, PAUSE_MEMBER } from '../redis/gate-layout';

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
const HOUR_MS = 3600_000;

/** The mailbox gate in Redis: one semaphore, pause and send budget per mailbox, shared by every worker process. */
export function createMailboxGate(opts: MailboxGateOptions): MailboxGate {
  const { redis, prefix } = opts;
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const maxConcurrent = opts.maxConcurrent ?? DEFAULT_MAILBOX_LIMITS.maxConcurrent;
  const leaseMs = opts.leaseMs ?? 30_000;
  const acquireWaitMs = opts.acquireWaitMs ?? 2_000;
  const concurrencyRetryMs = opts.concurrencyRetryMs ?? 500;
  /** How far past what it must outlive the gate key's expiry is set (so it is set again only now and then). */
  const slackMs = leaseMs * 4;

  const lua = commands(redis);
  const gateKey = (connectionId: string) => redisKeys.mailbox(prefix, connectionId).gate;
  /** Today (the recipients counted) and the first day still kept (a past day's counter outlives it by an hour). */
  const days = (t: number) => [utcDay(t), utcDay(t - HOUR_MS)] as const;

  /** One attempt: a lease id, or why not (paused -> until when). */
  async function tryAcquire(
    connectionId: string,
  ): Promise<{ leaseId: string } | { why: 'paused' | 'concurrency'; until: number }> {
    const leaseId = randomBytes(8).toString('hex');
    const t = now();
    const [ok, why, hint] = (await lua.ocGateAcquire(
      gateKey(connectionId),
      t,
      leaseId,
      t + leaseMs,
      maxConcurrent,
      slackMs,
      ...days(t),
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
    const leaseId = randomBytes(8).toString('hex');
    const t = now();
    const midnight = nextUtcMidnight(t);
    const [ok, why, hint] = (await lua.ocGateAcquireSend(
      gateKey(connectionId),
      t,
      leaseId,
      t + leaseMs,
      maxConcurrent,
      slackMs,
      `${t}-${leaseId}`,
      limits.sendsPerMinute,
      limits.dailyRecipientCap,
      recipients,
      midnight,
      ...days(t),
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
    const key = gateKey(connectionId);
    const renew = setInterval(
      () => {
        const t = now();
        lua.ocGateRenew(key, leaseId, t + leaseMs, t, slackMs).catch(() => undefined);
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await redis.zrem(key, leaseId).catch(() => undefined);
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
      await lua.ocGatePause(gateKey(connectionId), Math.ceil(untilMs), now(), slackMs);
    },

    async pausedUntil(connectionId) {
      const score = await redis.zscore(gateKey(connectionId), PAUSE_MEMBER);
      const value = score === null ? NaN : Number(score) - MARK;
      return Number.isFinite(value) && value > now() ? value : null;
    },

    async reserveSend(connectionId, recipients, limits) {
      if (exceedsDailyCap(recipients, limits)) {
        throw new RecipientsOverDailyCapError(
          `${recipients} recipients exceed the daily cap of ${limits.dailyRecipientCap}`,
        );
      }
      const t = now();
      const midnight = nextUtcMidnight(t);
      const member = `${t}-${randomBytes(6).toString('hex')}`;
      const [ok, why, hint] = (await lua.ocGateReserveSend(
        gateKey(connectionId),
        t,
        member,
        limits.sendsPerMinute,
        limits.dailyRecipientCap,
        recipients,
        midnight,
        slackMs,
        ...days(t),
      )) as ScriptReply;
      if (ok === 1) return;
      if (why === 'send_rate') throw new MailboxBusyError(connectionId, sendRateRetryAt(Number(hint), t), 'send_rate');
      throw new MailboxBusyError(connectionId, midnight, 'daily_recipients');
    },
  };
  return gate;
}
