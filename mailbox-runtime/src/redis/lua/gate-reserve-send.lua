-- The send budget alone (no slot). KEYS: gate.
-- ARGV: now, sendMember, sendsPerMinute, dailyRecipientCap, recipients, nextMidnight, slackMs, day, staleDay.
-- -> {1} | {0, 'send_rate', oldestSendMs} | {0, 'daily_recipients', nextMidnight}. A refusal takes nothing.
local now, perMinute = tonumber(ARGV[1]), tonumber(ARGV[3])
local g = look(KEYS[1], now, now - MINUTE - SEND_BASE, perMinute + 16, ARGV[8])
if g.sends >= perMinute then return {0, 'send_rate', g.firstSend} end
local used = g.used + tonumber(ARGV[5])
if used > tonumber(ARGV[4]) then return {0, 'daily_recipients', tonumber(ARGV[6])} end
local zargs = {num(now - SEND_BASE), 's' .. ARGV[2], num(used + MARK), '~r:' .. ARGV[8]}
commit(KEYS[1], now, g, zargs, tonumber(ARGV[6]) + 3600000, tonumber(ARGV[7]), ARGV[9])
return {1}
