-- KEYS: the lease. ARGV: our token. Deletes it only if it still holds our token: a lease that expired and was
-- taken by another process is not ours to free.
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
