import path from 'node:path';
import type { LimitsConfig } from './graph/limits';

export interface StartOptions {
  port?: number;
  host?: string;
  caDir?: string;
  interactive?: boolean;
  /** Fixed access-token lifetime for tests; default random 3600-5400 s (Microsoft: 60-90 minutes). */
  accessTokenLifetimeSec?: number;
  refreshTokenInactivitySec?: number;
  /** Authorization code lifetime (Microsoft: about 10 minutes). */
  codeLifetimeSec?: number;
  limits?: Partial<LimitsConfig>;
  /**
   * How long a message sent through Graph stays in transit (in Drafts) before it lands in Sent Items and reaches
   * emulated recipients: a fixed ms, or random in [minMs, maxMs] per message. Default 100-800 ms, never zero unless asked.
   */
  sendDelayMs?: number | { minMs?: number; maxMs?: number };
  logger?: (line: object) => void;
  /**
   * Folder the emulator's state persists in (tenants, users, apps, consents, grants, mailboxes, signing key, clock
   * offset): loaded at start, saved after changes and on close. Absent = in memory only.
   */
  stateDir?: string;
  /** SANDBOX: also serve the browser-facing pages over plain HTTP on 127.0.0.1 at this port (0 = any free port). */
  httpPort?: number;
  /**
   * Change notifications. `allowHttpLoopback` (SANDBOX ONLY, default off): accept http:// notification URLs on
   * 127.0.0.1 / localhost. The timeouts (10 s validation, 3 s delivery) may be shortened for tests, never lengthened.
   */
  changeNotifications?: { allowHttpLoopback?: boolean; validationTimeoutMs?: number; deliveryTimeoutMs?: number };
  /** Injectable clock (ms epoch); `control.advanceClock` adds an offset on top. */
  now?: () => number;
}

/** <repo root>/.local/emulator-ca: this file sits at <root>/test/emulator/src. */
export const defaultCaDir = (): string =>
  process.env.OC_EMULATOR_CA_DIR ?? path.resolve(__dirname, '..', '..', '..', '.local', 'emulator-ca');

export const DAY_SEC = 24 * 3600;
