-- KEYS: slots, pausedUntil. ARGV: now, leaseId, leaseExpiresAt, max, keyTtlMs[, trim]. -> {1} | {0, why, retryHint}.
-- Expired leases (a crashed holder's) never count; removing them is left to one call in a few (trim '0' skips it).
local now = tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {0, 'paused', paused} end
local live = '(' .. ARGV[1]
if ARGV[6] ~= '0' then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
if redis.call('ZCOUNT', KEYS[1], live, '+inf') >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGEBYSCORE', KEYS[1], live, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return {0, 'concurrency', tonumber(first[2])}
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1}
