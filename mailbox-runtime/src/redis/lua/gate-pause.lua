-- Pauses the mailbox until a time; a pause only ever extends. KEYS: gate. ARGV: until, now, slackMs. -> the pause's end.
local untilMs, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local s = redis.call('ZMSCORE', KEYS[1], '~pause', '~ttl')
local current = s[1] and tonumber(s[1]) - MARK or 0
if untilMs <= current or untilMs <= now then return current end
local ttl = s[2] and tonumber(s[2]) - MARK or 0
if ttl >= untilMs then
  redis.call('ZADD', KEYS[1], num(untilMs + MARK), '~pause')
else
  local at = untilMs + tonumber(ARGV[3])
  redis.call('ZADD', KEYS[1], num(untilMs + MARK), '~pause', num(at + MARK), '~ttl')
  redis.call('PEXPIRE', KEYS[1], num(at - now))
end
return untilMs
