// The mailbox gate keeps all of one mailbox's state in one sorted set (redisKeys.mailbox(...).gate), so that taking
// a slot and the send budget is one read and one write. Scores keep its kinds of member apart:
//   a concurrency lease       leaseId            -> when it expires (ms; live while > now)
//   a send of the last minute 's' + member       -> its time - SEND_BASE (always < 0)
//   the pause                 '~pause'           -> until + MARK
//   the day's recipients      '~r:' + UTC day    -> recipients counted that day + MARK
//   the key's own expiry      '~ttl'             -> the expiry last set (ms) + MARK; the key's TTL is only set with it
//   the last trim             '~trim'            -> when expired leases and old sends were last removed + MARK
// Times are the callers' clocks (ms since 1970, below 2^44: the year 2527); every score stays an exact integer.

/** Subtracted from a send's time: sends sort below 0, before every lease. */
export const SEND_BASE = 2 ** 44;
/** Added to every marker: markers sort after every lease. */
export const MARK = 2 ** 45;

/** The constants as Lua, put before every gate script (one definition for TypeScript and Lua). */
export const gateLuaConstants = `local SEND_BASE = ${SEND_BASE}\nlocal MARK = ${MARK}\n`;

/** The pause's member (its score is the pause's end + MARK). */
export const PAUSE_MEMBER = '~pause';
