import { outgoingMessageSchema } from '@outlook-connect/queues';
import {
  ConnectionUnusableError,
  microsoftFailureOf,
  RecipientsOverDailyCapError,
  type AccessTokenSeed,
} from '@outlook-connect/mailbox-runtime';
import type { ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import type { Found, OperationKind, Step } from '../operations/run-operation';
import type { OperationPolicy } from '../operations/outcome';
import { persist } from '../operations/persist';
import type { WorkerDeps } from '../worker-deps';
import {
  AttachmentMissingError,
  DraftGoneError,
  InTransitError,
  sendViaDraft,
  sendViaSendMail,
  SUBMITTED_EARLIER,
  type AttemptState,
} from './send-attempt';
import { DEFAULT_SEND_POLICY, sendModeFor, type SendMode, type SendPolicy, type SentRecord } from './send-policy';
import { confirmLater as bookConfirmation } from './send-confirm';
import {
  activity,
  backToQueued,
  beginAttempt,
  claimAttempt,
  emitConfirmed,
  releaseClaim,
  emitOutcome,
  markFailed,
  fileFollowUp,
  markSent,
  noteWaiting,
  submittedEarlier,
} from './send-records';

// The send as a durable operation: at most once (see README.md in this folder for the protocol and its trade-offs).

export type SendDeps = Pick<
  WorkerDeps,
  'models' | 'queues' | 'graph' | 'gate' | 'health' | 'tokens' | 'now' | 'logger' | 'redis'
> & { sendPolicy?: SendPolicy; concurrency?: number };

interface SendWork {
  send: SendDoc;
  conn: ConnectionDoc;
  mode: Exclude<SendMode, 'none'>;
  seed?: AccessTokenSeed;
  state: AttemptState;
}

export const sendOperationPolicy = (p: SendPolicy): OperationPolicy => ({
  reconnectGraceMs: p.waitForReconnectMs,
  reconnectRecheckMs: p.reconnectCheckMs,
  throttle: { when: 'retry_after' },
});

const TERMINAL = ['sent', 'failed', 'canceled'];

/** Connections whose send mode this process has seen (the mode picks the claim's filter before the connection is read). */
const MODES_KEPT = 10_000;

/**
 * How old a view of its connection a send's hot path accepts (status, scopes, limits; the token is checked for
 * validity now either way): a backlog of a mailbox's sends reads its connection about once a second instead of once
 * per send, so the claim and the outcome are a send's only store round trips. Only a view read after the send's job
 * was added (plus SEND_CONNECTION_CLOCK_MARGIN_MS, for clocks that differ between the producer and this process):
 * a send enqueued after a disconnect always reads the store, and a disconnect fails the sends queued before it in
 * their records, which the claim reads. A change of limits or a mark applies to queued sends claimed up to this long
 * after it (the careful path and a 401's renewal always read the store).
 */
const SEND_CONNECTION_MAX_AGE_MS = 1_000;
const SEND_CONNECTION_CLOCK_MARGIN_MS = 500;

/** A send claimed by `open` with its connection read alongside: the runner's connection and prepare steps reuse both. */
interface Claimed {
  found: Found;
  mode: Exclude<SendMode, 'none'>;
}

export function sendKind(deps: SendDeps): OperationKind<SendDoc, SendWork> {
  const policy = deps.sendPolicy ?? DEFAULT_SEND_POLICY;

  /** The follow-up that fills in the ids once Exchange has put the copy in Sent Items. */
  async function confirmLater(send: Pick<SendDoc, '_id' | 'connectionId' | 'sentAt'>): Promise<void> {
    const now = deps.now();
    const due = (send.sentAt?.getTime() ?? now) + policy.confirm.firstCheckMs;
    await bookConfirmation(deps, send.connectionId, send._id, due, now, policy.confirm);
  }

  /** It went out: the record must say so (a send_only retry could not find out), so a store outage is waited out here. */
  async function recordSent(record: SendDoc, ids: SentRecord): Promise<void> {
    const sent = await persist(() => markSent(deps, record, ids));
    if (sent?.sentItemsStatus === 'seen') await emitConfirmed(deps, sent); // a retry found the copy in Sent Items
    if (ids.sentItemsStatus === 'pending')
      await confirmLater({ _id: record._id, connectionId: record.connectionId, sentAt: null });
  }

  const modes = new Map<string, Exclude<SendMode, 'none'>>();
  const claims = new WeakMap<SendDoc, Claimed>();
  const rememberMode = (connectionId: string, mode: Exclude<SendMode, 'none'>) => {
    modes.delete(connectionId);
    modes.set(connectionId, mode);
    if (modes.size > MODES_KEPT) modes.delete(modes.keys().next().value!);
  };

  /**
   * The claim (compare-and-set) with the connection read alongside; null when the careful path must run. The mailbox's
   * pause is not read here: the gate checks it with the first Graph request (for sendMail, in the same Redis call that
   * takes the slot and the budget), and a paused mailbox postpones the send there with nothing sent.
   */
  async function claimWithConnection(
    sendId: string,
    data: { connectionId?: unknown },
    jobAddedAt: number,
  ): Promise<SendDoc | null> {
    const connectionId = typeof data.connectionId === 'string' ? data.connectionId : null;
    const guess = connectionId ? modes.get(connectionId) : undefined;
    if (!connectionId || !guess) return null;
    const [claim, seed] = await Promise.all([
      claimAttempt(deps, sendId, { claimSubmission: guess === 'send_mail' }),
      deps.tokens
        .get(connectionId, {
          maxAgeMs: SEND_CONNECTION_MAX_AGE_MS,
          readAfter: jobAddedAt + SEND_CONNECTION_CLOCK_MARGIN_MS,
        })
        .catch(() => null),
    ]);
    if (!claim) return null;
    const mode = seed ? sendModeFor(seed.connection.grantedScopes) : 'none';
    if (seed && mode !== 'none') rememberMode(connectionId, mode);
    const ready = seed?.connection.status === 'active' && mode === guess;
    if (!seed || !ready || claim.after.connectionId !== connectionId) {
      await persist(() => releaseClaim(deps, claim.before));
      return null;
    }
    claims.set(claim.after, { found: { conn: seed.connection, seed }, mode: guess });
    return claim.after;
  }

  return {
    queue: 'send',
    concurrency: deps.concurrency,
    policy: sendOperationPolicy(policy),

    // The hot path: the claim and the connection (with its token) in one round trip, when the job
    // names its connection and this process knows the connection's send mode. Anything else (a connection not ready,
    // its mode changed, a record not open or not due) undoes the claim and takes the careful path below.
    async open(sendId, ctx) {
      const fast = await claimWithConnection(sendId, ctx.job.data as { connectionId?: unknown }, ctx.job.timestamp);
      if (fast) return { record: fast };
      const record = (await deps.models.Send.findById(sendId).lean()) as SendDoc | null;
      if (!record) return { done: { skipped: 'missing' } };
      if (TERMINAL.includes(record.status)) {
        await emitOutcome(deps, record); // heals a crash between the status write and the event
        // and these: the follow-up's look (Redis) and its entry on the sweep's schedule (store), both lost if the
        // filing next to the `sent` write failed or the process died right after that write
        if (record.status === 'sent' && record.sentItemsStatus === 'pending')
          await Promise.all([confirmLater(record), fileFollowUp(deps, record)]);
        if (record.status === 'sent' && record.sentItemsStatus === 'seen') await emitConfirmed(deps, record);
        return { done: { status: record.status } };
      }
      return { record };
    },

    validate(record) {
      const message = outgoingMessageSchema.safeParse(record.message);
      if (message.success) return null;
      return {
        kind: 'permanent',
        code: 'invalid_message',
        message: message.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; '),
      };
    },

    notBefore: (record, nowMs) => (record.sendAt && record.sendAt.getTime() > nowMs ? record.sendAt.getTime() : null),

    // One read of the connection serves both the checks and the first Graph request's token. Any other trouble getting
    // the token (a transient refresh failure, the store) is left to the first Graph request, which asks again.
    async connection(record) {
      const claimed = claims.get(record);
      if (claimed) return claimed.found;
      let seed: AccessTokenSeed | undefined;
      try {
        seed = await deps.tokens.get(record.connectionId);
      } catch (err) {
        if (!(err instanceof ConnectionUnusableError)) seed = undefined;
      }
      const conn =
        seed?.connection ??
        ((await deps.models.Connection.findById(record.connectionId).lean()) as ConnectionDoc | null);
      if (!conn)
        return {
          fail: {
            kind: 'permanent',
            code: 'connection_not_found',
            message: `connection ${record.connectionId} no longer exists`,
          },
        };
      return seed ? { conn, seed } : { conn };
    },

    async prepare(record, found: Found): Promise<Step<SendWork>> {
      const claimed = claims.get(record);
      if (claimed) {
        const seed = claimed.found.seed;
        return {
          work: {
            send: record,
            conn: found.conn,
            mode: claimed.mode,
            ...(seed ? { seed } : {}),
            state: { irreversible: false },
          },
        };
      }
      const { conn } = found;
      const mode = sendModeFor(conn.grantedScopes);
      if (mode === 'none') {
        return {
          fail: {
            kind: 'permanent',
            code: 'scope_missing',
            message: `the connection (preset ${conn.scopePreset}) was not granted Mail.Send; reconnect it with a preset that can send`,
          },
        };
      }
      rememberMode(conn._id, mode);
      const paused = await deps.gate.pausedUntil(conn._id);
      if (paused) return { obstacle: { type: 'busy', retryAtMs: paused, why: 'paused' } };
      const send = await beginAttempt(deps, record._id, { claimSubmission: mode === 'send_mail' });
      if (!send) {
        if (mode === 'send_mail' && (await submittedEarlier(deps, record._id)))
          return { fail: { kind: 'permanent', code: 'delivery_unknown', message: SUBMITTED_EARLIER } };
        return { done: { status: 'not_open' } };
      }
      return {
        work: { send, conn, mode, ...(found.seed ? { seed: found.seed } : {}), state: { irreversible: false } },
      };
    },

    async perform(record, work) {
      const attempt = { ...deps, sendPolicy: policy };
      const ids =
        work.mode === 'draft'
          ? await sendViaDraft(attempt, work.send, work.conn, work.state, work.seed)
          : await sendViaSendMail(attempt, work.send, work.conn, work.state, work.seed);
      await recordSent(record, ids);
      return { status: 'sent', mode: work.mode };
    },

    async interpret(err, record, work) {
      if (err instanceof AttachmentMissingError)
        return { fail: { kind: 'permanent', code: 'attachment_missing', message: err.message } };
      if (err instanceof RecipientsOverDailyCapError)
        return { fail: { kind: 'permanent', code: 'recipients_over_daily_cap', message: err.message } };
      if (err instanceof InTransitError)
        return { obstacle: { type: 'busy', retryAtMs: err.lookAgainAtMs, why: 'in_transit' } };
      if (err instanceof DraftGoneError) {
        await backToQueued(deps, record._id);
        return { rethrow: err };
      }
      const failure = microsoftFailureOf(err);
      if (failure && work.mode === 'send_mail' && work.state.irreversible) {
        return {
          fail: {
            kind: 'permanent',
            code: 'delivery_unknown',
            message: `sendMail got no clear answer (${failure.code}); a send_only connection cannot check Sent Items, so it is not sent again`,
          },
        };
      }
      return null;
    },

    dueAtMs: (record) => Math.max(record.sendAt?.getTime() ?? 0, new Date(record.createdAt).getTime()),
    runs: (record) => record.attempts,

    async fail(record, error) {
      await markFailed(deps, record._id, error);
    },

    async requeue(record, work, outcome, obstacle) {
      if (outcome.action === 'postpone' && outcome.why === 'needs_reconnect') {
        await backToQueued(deps, record._id, null);
        if (outcome.waiting) await noteWaiting(deps, record._id, outcome.waiting);
        return;
      }
      if (work && outcome.action === 'postpone' && obstacle.type === 'microsoft') {
        const f = obstacle.failure;
        await activity(deps, work.send, 'throttled', { code: f.code, status: f.status, retryAfterMs: f.retryAfterMs });
      }
      if (!work || work.state.irreversible) return; // nothing taken yet, or it may have gone out: the record stays as it is
      if (outcome.action === 'postpone') return backToQueued(deps, record._id);
      // A retry after Microsoft's answer shows it on the record; our own trouble leaves the record to the next attempt.
      if (obstacle.type === 'microsoft') await backToQueued(deps, record._id, outcome.error);
    },
  };
}
