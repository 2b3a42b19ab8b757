-- Shared by the gate scripts (put before each, after the constants of gate-layout.ts): KEYS[1] is the mailbox's
-- sorted set; its layout is described in gate-layout.ts.
local MINUTE = 60000
local function num(x) return string.format('%.0f', x) end

-- Reads the members scored above lo (ascending, at most limit) in one command: the sends of the minute, the live
-- leases and the markers. A reply cut short by limit (many expired leases, a full window) is read again exactly.
local function look(key, now, lo, limit, day)
  local g = { sends = 0, leases = 0, paused = 0, ttl = 0, trimmed = 0, used = 0, days = {} }
  local r = redis.call('ZRANGEBYSCORE', key, '(' .. num(lo), '+inf', 'WITHSCORES', 'LIMIT', 0, limit)
  if #r < 2 * limit then
    for i = 1, #r, 2 do
      local m, score = r[i], tonumber(r[i + 1])
      if score < 0 then
        g.sends = g.sends + 1
        if not g.firstSend then g.firstSend = score + SEND_BASE end
      elseif score < MARK then
        if score > now then
          g.leases = g.leases + 1
          if not g.firstLease then g.firstLease = score end
        end
      elseif m == '~pause' then g.paused = score - MARK
      elseif m == '~ttl' then g.ttl = score - MARK
      elseif m == '~trim' then g.trimmed = score - MARK
      elseif string.sub(m, 1, 3) == '~r:' then g.days[string.sub(m, 4)] = score - MARK end
    end
    g.used = g.days[day] or 0
    return g
  end
  if lo < 0 then
    g.sends = redis.call('ZCOUNT', key, '(' .. num(lo), '(0')
    local first = redis.call('ZRANGEBYSCORE', key, '(' .. num(lo), '(0', 'WITHSCORES', 'LIMIT', 0, 1)
    if first[2] then g.firstSend = tonumber(first[2]) + SEND_BASE end
  end
  g.leases = redis.call('ZCOUNT', key, '(' .. num(now), '(' .. num(MARK))
  local first = redis.call('ZRANGEBYSCORE', key, '(' .. num(now), '(' .. num(MARK), 'WITHSCORES', 'LIMIT', 0, 1)
  if first[2] then g.firstLease = tonumber(first[2]) end
  local s = redis.call('ZMSCORE', key, '~pause', '~ttl', '~trim', '~r:' .. day)
  if s[1] then g.paused = tonumber(s[1]) - MARK end
  if s[2] then g.ttl = tonumber(s[2]) - MARK end
  if s[3] then g.trimmed = tonumber(s[3]) - MARK end
  if s[4] then g.used = tonumber(s[4]) - MARK end
  return g
end

-- Writes members (score, member, ...) in one ZADD. Once a minute it first removes expired leases, sends out of the
-- window and past days' counters (those before staleDay). The key's expiry is pushed out (to need + slack) only when
-- the one it has (the ~ttl marker) is earlier than need, so a key with a live member never expires.
local function commit(key, now, g, zargs, need, slack, staleDay)
  if now - g.trimmed >= MINUTE or g.trimmed > now + MINUTE then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', num(now - MINUTE - SEND_BASE))
    redis.call('ZREMRANGEBYSCORE', key, 0, num(now))
    for day in pairs(g.days) do
      if day < staleDay then redis.call('ZREM', key, '~r:' .. day) end
    end
    table.insert(zargs, num(now + MARK))
    table.insert(zargs, '~trim')
  end
  local extend = g.ttl < need
  if extend then
    table.insert(zargs, num(need + slack + MARK))
    table.insert(zargs, '~ttl')
  end
  redis.call('ZADD', key, unpack(zargs))
  if extend then redis.call('PEXPIRE', key, num(need + slack - now)) end
end
