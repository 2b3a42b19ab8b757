import { redisKeys, type RedisConnection } from '@outlook-connect/queues';
import { MARK, PAUSE_MEMBER, SEND_BASE } from '../redis/gate-layout';
import { MINUTE_MS } from './limits';

export interface GateState {
  /** Concurrency leases not yet expired. */
  liveLeases: number;
  /** Sends counted in the minute before `now`. */
  sendsInMinute: number;
  /** Recipients counted on the UTC day asked for (0 when none). */
  recipientsOn: number;
  pausedUntil: number | null;
  /** Whether the mailbox has a gate key at all (a refusal of a fresh mailbox writes none). */
  exists: boolean;
}

/** What a mailbox's gate key holds (gate-layout.ts), read apart: for tests and operators, not the gate's own path. */
export async function readGateState(
  redis: RedisConnection,
  prefix: string,
  connectionId: string,
  now: number,
  day: string,
): Promise<GateState> {
  const key = redisKeys.mailbox(prefix, connectionId).gate;
  const [liveLeases, sendsInMinute, scores, exists] = await Promise.all([
    redis.zcount(key, `(${now}`, `(${MARK}`),
    redis.zcount(key, `(${now - MINUTE_MS - SEND_BASE}`, '(0'),
    redis.zmscore(key, PAUSE_MEMBER, `~r:${day}`),
    redis.exists(key),
  ]);
  const [paused, recipients] = scores.map((s) => (s === null ? null : Number(s) - MARK));
  return {
    liveLeases,
    sendsInMinute,
    recipientsOn: recipients ?? 0,
    pausedUntil: paused != null && paused > now ? paused : null,
    exists: exists === 1,
  };
}
