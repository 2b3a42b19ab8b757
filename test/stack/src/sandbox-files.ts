import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDir } from './paths';

/** Where the sandbox keeps its data, keys and logs across restarts (SANDBOX_DIR moves it, e.g. for tests). */
export const sandboxDirFrom = (env: NodeJS.ProcessEnv = process.env): string =>
  env.SANDBOX_DIR ?? join(localDir, 'sandbox');

export interface SandboxArgs {
  /** Start clean: remove the store, Redis, the emulator's state and the keys first. */
  reset: boolean;
}

/** `npm start -- [--reset]`: anything else is refused with the usage, not ignored. */
export function parseSandboxArgs(argv: string[]): SandboxArgs {
  const args: SandboxArgs = { reset: false };
  for (const arg of argv) {
    if (arg === '--reset') args.reset = true;
    else
      throw new Error(
        `unknown option ${arg}: usage: npm start [-- --reset]  (--reset starts clean: removes the sandbox's data and keys)`,
      );
  }
  return args;
}

/** Removes everything the sandbox kept (data, keys, logs); returns what it removed. */
export function resetSandbox(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const removed = readdirSync(dir);
  rmSync(dir, { recursive: true, force: true });
  return removed;
}

/** A private file (0600) created once and reused: the sandbox keeps its keys across restarts. */
export function privateValue(dir: string, name: string, make: () => string): { path: string; value: string } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  if (!existsSync(path)) writeFileSync(path, `${make()}\n`, { mode: 0o600 });
  return { path, value: readFileSync(path, 'utf8').trim() };
}

/** The sandbox's persistent secrets, each in its own 0600 file under `dir`. */
export function sandboxSecrets(dir: string) {
  return {
    secretsKeys: privateValue(dir, 'secrets-keys', () => `sandbox1:${randomBytes(32).toString('base64')}`),
    dashboardPassword: privateValue(dir, 'dashboard-password', () => randomBytes(18).toString('base64url')),
    // The same shape as the gateway's own keys (workspaces/api-keys.ts): the gateway stores only its hash.
    apiKey: privateValue(dir, 'api-key', () => `ock_${randomBytes(24).toString('base64url')}`),
    adminToken: privateValue(dir, 'admin-token', () => randomBytes(24).toString('base64url')),
  };
}
