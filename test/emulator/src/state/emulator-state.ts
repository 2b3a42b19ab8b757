import { createPrivateKey, createPublicKey } from 'node:crypto';
import { Clock } from '../clock';
import type { EmulatorContext } from '../context';
import type { SigningKey } from '../crypto/jwt';
import { selfSignedCertDer } from '../crypto/signing-cert';
import { Mailbox } from '../mailbox/mailbox';
import type { Subscription } from '../notifications/subscription';
import { Directory } from './directory';
import { Grants } from './grants';
import { decodeSnapshot, encodeSnapshot, SnapshotError, type ClassRegistry } from './snapshot-codec';

export const STATE_FORMAT = 'outlook-connect/ms-emulator-state';
export const STATE_VERSION = 1;

/**
 * What survives a restart: the directory (tenants, users, apps and secrets, consents), grants (codes, refresh
 * tokens, serials), mailboxes (messages, events, delta bookkeeping), change-notification subscriptions, the clock
 * offset and the token signing key. Not kept: faults, counters, request log, limiter windows, sign-in pages left open,
 * notifications waiting for delivery, and settings (start options win).
 */
interface PersistedState {
  directory: Directory;
  grants: Grants;
  mailboxes: Map<string, Mailbox>;
  clock: Clock;
  signingKey: { kid: string; privateKeyPem: string; certDer?: string };
  /** Change-notification subscriptions (absent in files written before they existed). */
  subscriptions?: Map<string, Subscription>;
}

function registryFor(ctx: EmulatorContext): ClassRegistry {
  return {
    Directory: { create: () => new Directory(() => ctx.clock.now()) },
    Grants: { create: () => new Grants() },
    Mailbox: { create: () => Object.create(Mailbox.prototype) as object },
    // The clock keeps its injected time source; only the offset is state.
    Clock: { create: () => ctx.clock },
  };
}

const exportKey = (key: SigningKey): PersistedState['signingKey'] => ({
  kid: key.kid,
  privateKeyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  certDer: key.certDer.toString('base64'),
});

/** The emulator's state as a JSON text (stable for an unchanged state, so callers can skip identical writes). */
export function serializeState(ctx: EmulatorContext): string {
  const state: PersistedState = {
    directory: ctx.directory,
    grants: ctx.grants,
    mailboxes: ctx.mailboxes,
    clock: ctx.clock,
    signingKey: exportKey(ctx.key),
    subscriptions: ctx.changeNotifications.subscriptions,
  };
  return JSON.stringify({
    format: STATE_FORMAT,
    version: STATE_VERSION,
    state: encodeSnapshot(state, registryFor(ctx)),
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Replaces ctx's state with the saved one. Throws SnapshotError (naming what is wrong) on anything unexpected. */
export function restoreState(ctx: EmulatorContext, text: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SnapshotError(
      `not valid JSON (${err instanceof Error ? err.message : String(err)}); the file is corrupt or was cut short`,
    );
  }
  if (!isRecord(doc) || doc.format !== STATE_FORMAT)
    throw new SnapshotError(`not an emulator state file (format is not "${STATE_FORMAT}")`);
  if (doc.version !== STATE_VERSION)
    throw new SnapshotError(
      `state version ${String(doc.version)} is not supported (this emulator reads version ${STATE_VERSION})`,
    );
  const state = decodeSnapshot(doc.state, registryFor(ctx));
  if (!isRecord(state)) throw new SnapshotError('the state is not an object');
  const { directory, grants, mailboxes, clock, signingKey, subscriptions } = state;
  if (!(directory instanceof Directory)) throw new SnapshotError('state.directory is missing');
  if (!(grants instanceof Grants)) throw new SnapshotError('state.grants is missing');
  if (!(mailboxes instanceof Map) || [...mailboxes.values()].some((m) => !(m instanceof Mailbox)))
    throw new SnapshotError('state.mailboxes must be a Map of mailboxes');
  if (!(clock instanceof Clock)) throw new SnapshotError('state.clock is missing');
  if (subscriptions !== undefined && !(subscriptions instanceof Map))
    throw new SnapshotError('state.subscriptions must be a Map of subscriptions');
  if (!isRecord(signingKey) || typeof signingKey.kid !== 'string' || typeof signingKey.privateKeyPem !== 'string')
    throw new SnapshotError('state.signingKey is missing');
  let privateKey;
  try {
    privateKey = createPrivateKey(signingKey.privateKeyPem);
  } catch (err) {
    throw new SnapshotError(
      `state.signingKey is not a private key (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  directory.backfill();
  for (const mailbox of mailboxes.values()) (mailbox as Mailbox).backfill();
  ctx.directory = directory;
  ctx.grants = grants;
  ctx.mailboxes = mailboxes as Map<string, Mailbox>;
  if (subscriptions) ctx.changeNotifications.restore(subscriptions as Map<string, Subscription>);
  // The published certificate (x5c) stays the same across restarts; a state saved before it existed gets one now.
  const certDer =
    typeof signingKey.certDer === 'string' ? Buffer.from(signingKey.certDer, 'base64') : selfSignedCertDer(privateKey);
  ctx.key = { kid: signingKey.kid, privateKey, publicKey: createPublicKey(privateKey), certDer };
}
