// Lua for the gate: each decision reads and writes a mailbox's keys atomically. Times are epoch ms from the caller's
// clock (all our processes share NTP time; the lease length dwarfs any skew).

/** KEYS: slots, pausedUntil. ARGV: now, leaseId, leaseExpiresAt, max, keyTtlMs. -> {1} | {0, why, retryHint}. */
export const ACQUIRE_SLOT = `
local now = tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {0, 'paused', paused} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, 'concurrency', tonumber(first[2])}
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1}
`;

/** KEYS: slots. ARGV: leaseId, leaseExpiresAt, keyTtlMs. Extends a lease still held; a reclaimed one stays gone. */
export const RENEW_SLOT = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
`;

/** KEYS: pausedUntil. ARGV: until, now. A pause only ever extends. */
export const PAUSE = `
local untilMs = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs <= current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, untilMs - tonumber(ARGV[2])))
return untilMs
`;

/**
 * KEYS: sendWindow (sorted set of the last minute's sends), recipients (today's counter).
 * ARGV: now, sendId, sendsPerMinute, dailyRecipientCap, recipients, nextMidnight.
 * -> {1} | {0, 'send_rate', oldestSendMs} | {0, 'daily_recipients', nextMidnight}
 */
export const RESERVE_SEND = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, 'send_rate', tonumber(first[2])}
end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + tonumber(ARGV[5]) > tonumber(ARGV[4]) then return {0, 'daily_recipients', tonumber(ARGV[6])} end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], 61000)
redis.call('INCRBY', KEYS[2], ARGV[5])
redis.call('PEXPIREAT', KEYS[2], tonumber(ARGV[6]) + 3600000)
return {1}
`;
