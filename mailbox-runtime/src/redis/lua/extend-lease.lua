-- KEYS: the lease. ARGV: our token, ttl ms. Keeps the lease only while it still holds our token.
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end
