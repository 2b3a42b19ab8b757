-- A concurrency slot of the mailbox (any Graph call). KEYS: gate.
-- ARGV: now, leaseId, leaseExpiresAt, maxConcurrent, slackMs, day, staleDay.
-- -> {1} | {0, 'paused', until} | {0, 'concurrency', firstLeaseExpiry}. Expired leases never count.
local now, max = tonumber(ARGV[1]), tonumber(ARGV[4])
local g = look(KEYS[1], now, now, max + 8, ARGV[6])
if g.paused > now then return {0, 'paused', g.paused} end
if g.leases >= max then return {0, 'concurrency', g.firstLease} end
commit(KEYS[1], now, g, {ARGV[3], ARGV[2]}, tonumber(ARGV[3]), tonumber(ARGV[5]), ARGV[7])
return {1}
