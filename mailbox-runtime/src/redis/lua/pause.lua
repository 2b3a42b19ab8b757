-- KEYS: pausedUntil. ARGV: until, now. A pause only ever extends.
local untilMs = tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs <= current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, untilMs - tonumber(ARGV[2])))
return untilMs
