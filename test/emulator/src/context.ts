import type { Clock } from './clock';
import type { SigningKey } from './crypto/jwt';
import type { Faults } from './faults/faults';
import type { LimitsConfig, Limiter } from './graph/limits';
import { Mailbox } from './mailbox/mailbox';
import type { ChangeNotifications } from './notifications/change-notifications';
import type { Counters } from './observe/counters';
import type { RequestLog } from './observe/request-log';
import type { Directory } from './state/directory';
import type { Grants } from './state/grants';
import type { User } from './state/model';
import type { SendDelay, Transport } from './transport/transport';

export interface EmulatorSettings {
  interactive: boolean;
  /** Access tokens live a random whole number of seconds in [accessTokenSec, accessTokenMaxSec]. */
  accessTokenSec: number;
  accessTokenMaxSec: number;
  refreshTokenInactivitySec: number;
  codeLifetimeSec: number;
  limits: LimitsConfig;
  /** How long a submitted message stays in transit before Sent Items (`sendDelayMs`, control `setSendDelay`). */
  sendDelay: SendDelay;
}

export interface EmulatorUrls {
  url: string;
  /** Base URL of the pages a browser visits: the plain-HTTP listener when there is one, else `url`. */
  interactiveUrl: string;
  graphUrl: string;
  knownAuthority: string;
}

/** A sign-in waiting for the user on the interactive page. */
export interface PendingAuthorize {
  id: string;
  kind: 'authorize' | 'adminconsent' | 'return';
  tenantSegment: string;
  params: Record<string, string>;
  createdAt: number;
  /** kind 'return': where the held redirect to the app goes (the "Need admin approval" page's way back). */
  redirectUri?: string;
  responseMode?: 'query' | 'fragment' | 'form_post';
  appName?: string;
}

/** Everything the routes share: one per emulator instance. */
export interface EmulatorContext {
  urls: EmulatorUrls;
  clock: Clock;
  key: SigningKey;
  settings: EmulatorSettings;
  directory: Directory;
  grants: Grants;
  mailboxes: Map<string, Mailbox>;
  counters: Counters;
  requestLog: RequestLog;
  faults: Faults;
  limiter: Limiter;
  changeNotifications: ChangeNotifications;
  transport: Transport;
  pending: Map<string, PendingAuthorize>;
  log: (line: object) => void;
}

export function mailboxOf(ctx: EmulatorContext, user: User): Mailbox {
  let mailbox = ctx.mailboxes.get(user.id);
  if (!mailbox) {
    mailbox = new Mailbox({ id: user.id, email: user.mail ?? user.email, displayName: user.displayName });
    ctx.mailboxes.set(user.id, mailbox);
  }
  const box = mailbox;
  // Wiring is not persisted: a mailbox restored from the state file gets its listener on first use.
  box.changeListener ??= (change) => ctx.changeNotifications.messageChanged(box, change);
  return box;
}

/** One access token's lifetime: Microsoft's vary between 60 and 90 minutes. */
export const accessTokenLifetimeSec = (
  s: Pick<EmulatorSettings, 'accessTokenSec' | 'accessTokenMaxSec'>,
  random: () => number = Math.random,
): number =>
  s.accessTokenSec + Math.floor(random() * (Math.max(s.accessTokenMaxSec, s.accessTokenSec) - s.accessTokenSec + 1));

export const nowIso = (ctx: EmulatorContext): string => new Date(ctx.clock.now()).toISOString();
