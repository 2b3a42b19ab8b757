import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisConnection } from '@outlook-connect/queues';
import { gateLuaConstants } from './gate-layout';

// The runtime's Lua scripts live in ./lua and are read once; each Redis connection gets them with defineCommand, so
// they run by hash (EVALSHA, ioredis loads a script the server does not know) instead of being sent whole each call.
// The mailbox gate's scripts (`gate: true`) each start with the layout's constants and gate.lua's shared functions.

const SCRIPTS = {
  ocAcquireSlot: { file: 'acquire-slot.lua', keys: 2 },
  ocGateAcquire: { file: 'gate-acquire.lua', keys: 1, gate: true },
  ocGateAcquireSend: { file: 'gate-acquire-send.lua', keys: 1, gate: true },
  ocGateReserveSend: { file: 'gate-reserve-send.lua', keys: 1, gate: true },
  ocGateRenew: { file: 'gate-renew.lua', keys: 1, gate: true },
  ocGatePause: { file: 'gate-pause.lua', keys: 1, gate: true },
  ocReleaseLease: { file: 'release-lease.lua', keys: 1 },
  ocExtendLease: { file: 'extend-lease.lua', keys: 1 },
} as const;

export type CommandName = keyof typeof SCRIPTS;
type Arg = string | number;
export type RuntimeCommands = { [K in CommandName]: (...keysThenArgs: Arg[]) => Promise<unknown> };

const read = (file: string) => readFileSync(join(__dirname, 'lua', file), 'utf8');
const gatePrelude = gateLuaConstants + read('gate.lua');
const lua = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, spec]) => [
    name,
    ('gate' in spec && spec.gate ? gatePrelude : '') + read(spec.file),
  ]),
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
