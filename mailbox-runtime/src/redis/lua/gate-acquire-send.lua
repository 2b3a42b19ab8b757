-- The send call's one gate step: the pause, a concurrency slot and the send budget checked and taken together.
-- KEYS: gate. ARGV: now, leaseId, leaseExpiresAt, maxConcurrent, slackMs, sendMember, sendsPerMinute,
--       dailyRecipientCap, recipients, nextMidnight, day, staleDay.
-- -> {1} | {0, 'paused', until} | {0, 'concurrency', firstLeaseExpiry} | {0, 'send_rate', oldestSendMs}
--    | {0, 'daily_recipients', nextMidnight}. A refusal takes nothing: no slot, no budget.
-- The send rate comes before the slots: a send over it is told at once, not after waiting for a slot.
local now, max, perMinute = tonumber(ARGV[1]), tonumber(ARGV[4]), tonumber(ARGV[7])
local g = look(KEYS[1], now, now - MINUTE - SEND_BASE, perMinute + max + 8, ARGV[11])
if g.paused > now then return {0, 'paused', g.paused} end
if g.sends >= perMinute then return {0, 'send_rate', g.firstSend} end
if g.leases >= max then return {0, 'concurrency', g.firstLease} end
local used = g.used + tonumber(ARGV[9])
if used > tonumber(ARGV[8]) then return {0, 'daily_recipients', tonumber(ARGV[10])} end
-- The day's counter must outlive its day by an hour (a caller whose clock is behind still sees it).
local need = math.max(tonumber(ARGV[3]), tonumber(ARGV[10]) + 3600000)
local zargs = {ARGV[3], ARGV[2], num(now - SEND_BASE), 's' .. ARGV[6], num(used + MARK), '~r:' .. ARGV[11]}
commit(KEYS[1], now, g, zargs, need, tonumber(ARGV[5]), ARGV[12])
return {1}
