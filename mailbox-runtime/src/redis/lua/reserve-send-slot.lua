-- The send call's one gate step: the pause, a concurrency slot and the send budget checked and taken together.
-- KEYS: slots, pausedUntil, sendWindow, recipients (today's counter); one mailbox, one hash tag.
-- ARGV: now, leaseId, leaseExpiresAt, maxConcurrent, keyTtlMs, sendMember, sendsPerMinute, dailyRecipientCap,
--       recipients, nextMidnight, trim.
-- -> {1} | {0, 'paused', until} | {0, 'concurrency', firstLeaseExpiry} | {0, 'send_rate', oldestSendMs}
--    | {0, 'daily_recipients', nextMidnight}. A refusal takes nothing: no slot, no budget.
-- Expired leases and sends older than the minute never count; removing them is left to one call in a few (trim '0').
local now = tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {0, 'paused', paused} end
local trim = ARGV[11] ~= '0'
-- The send rate first: a send over it is told at once, not after waiting for a slot.
local since = string.format('%d', now - 60000)
if trim then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', since) end
if redis.call('ZCOUNT', KEYS[3], '(' .. since, '+inf') >= tonumber(ARGV[7]) then
  local first = redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. since, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return {0, 'send_rate', tonumber(first[2])}
end
local live = '(' .. ARGV[1]
if trim then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now) end
if redis.call('ZCOUNT', KEYS[1], live, '+inf') >= tonumber(ARGV[4]) then
  local first = redis.call('ZRANGEBYSCORE', KEYS[1], live, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return {0, 'concurrency', tonumber(first[2])}
end
-- The day's recipients are counted first and given back when over (one command on the way that goes through).
local recipients = tonumber(ARGV[9])
local used = redis.call('INCRBY', KEYS[4], recipients)
if used > tonumber(ARGV[8]) then
  if used == recipients then redis.call('DEL', KEYS[4]) else redis.call('DECRBY', KEYS[4], recipients) end
  return {0, 'daily_recipients', tonumber(ARGV[10])}
end
-- Today's counter gets its expiry when this reservation created it (the key names the day: the expiry never changes).
if used == recipients then redis.call('PEXPIREAT', KEYS[4], tonumber(ARGV[10]) + 3600000) end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[3], now, ARGV[6])
redis.call('PEXPIRE', KEYS[3], 61000)
return {1}
