-- Extends a lease still held; a reclaimed one stays gone. KEYS: gate. ARGV: leaseId, leaseExpiresAt, now, slackMs.
local s = redis.call('ZMSCORE', KEYS[1], ARGV[1], '~ttl')
if not s[1] then return 0 end
local need, now = tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl = s[2] and tonumber(s[2]) - MARK or 0
if ttl >= need then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
else
  local at = need + tonumber(ARGV[4])
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1], num(at + MARK), '~ttl')
  redis.call('PEXPIRE', KEYS[1], num(at - now))
end
return 1
