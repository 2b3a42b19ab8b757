-- KEYS: sendWindow (sorted set of the last minute's sends), recipients (today's counter).
-- ARGV: now, sendId, sendsPerMinute, dailyRecipientCap, recipients, nextMidnight.
-- -> {1} | {0, 'send_rate', oldestSendMs} | {0, 'daily_recipients', nextMidnight}
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
