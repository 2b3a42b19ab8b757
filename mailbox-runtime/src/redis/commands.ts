import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisConnection } from '@outlook-connect/queues';

// The runtime's Lua scripts live in ./lua and are read once; each Redis connection gets them with defineCommand, so
// they run by hash (EVALSHA, ioredis loads a script the server does not know) instead of being sent whole each call.

const SCRIPTS = {
  ocAcquireSlot: { file: 'acquire-slot.lua', keys: 2 },
  ocRenewSlot: { file: 'renew-slot.lua', keys: 1 },
  ocPause: { file: 'pause.lua', keys: 1 },
  ocReserveSend: { file: 'reserve-send.lua', keys: 2 },
  ocReserveSendSlot: { file: 'reserve-send-slot.lua', keys: 4 },
  ocReleaseLease: { file: 'release-lease.lua', keys: 1 },
  ocExtendLease: { file: 'extend-lease.lua', keys: 1 },
} as const;

export type CommandName = keyof typeof SCRIPTS;
type Arg = string | number;
export type RuntimeCommands = { [K in CommandName]: (...keysThenArgs: Arg[]) => Promise<unknown> };

const lua = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, spec]) => [name, readFileSync(join(__dirname, 'lua', spec.file), 'utf8')]),
) as Record<CommandName, string>;

const defined = new WeakSet<RedisConnection>();

/** The connection with the runtime's commands defined on it (once per connection). */
export function commands(redis: RedisConnection): RuntimeCommands {
  if (!defined.has(redis)) {
    for (const [name, spec] of Object.entries(SCRIPTS))
      redis.defineCommand(name, { numberOfKeys: spec.keys, lua: lua[name as CommandName] });
    defined.add(redis);
  }
  return redis as unknown as RuntimeCommands;
}
