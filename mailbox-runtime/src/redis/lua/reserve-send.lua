-- KEYS: sendWindow (sorted set of the last minute's sends), recipients (today's counter).
-- ARGV: now, sendId, sendsPerMinute, dailyRecipientCap, recipients, nextMidnight[, trim].
-- -> {1} | {0, 'send_rate', oldestSendMs} | {0, 'daily_recipients', nextMidnight}
-- Sends older than the minute never count; removing them is left to one call in a few (trim '0' skips it).
local now = tonumber(ARGV[1])
local since = string.format('%d', now - 60000)
if ARGV[7] ~= '0' then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since) end
if redis.call('ZCOUNT', KEYS[1], '(' .. since, '+inf') >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. since, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return {0, 'send_rate', tonumber(first[2])}
end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used + tonumber(ARGV[5]) > tonumber(ARGV[4]) then return {0, 'daily_recipients', tonumber(ARGV[6])} end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], 61000)
-- Today's counter gets its expiry when this reservation created it (the key names the day: the expiry never changes).
if redis.call('INCRBY', KEYS[2], ARGV[5]) == tonumber(ARGV[5]) then
  redis.call('PEXPIREAT', KEYS[2], tonumber(ARGV[6]) + 3600000)
end
return {1}
