import { UnrecoverableError } from 'bullmq';
import { handlerFor, outgoingMessageSchema, postpone, type HandlerRegistration, type JobContext } from '@outlook-connect/queues';
import type { ConnectionDoc, SendDoc } from '@outlook-connect/shared';
import { ConnectionUnusableError, type AccessTokenSeed } from '@outlook-connect/mailbox-runtime';
import { type WorkerDeps } from '../worker-deps';
import { connectionUnusableOf, mailboxBusyOf, microsoftFailureOf, RecipientsOverDailyCapError } from '@outlook-connect/mailbox-runtime';
import { DraftGoneError, sendViaDraft, sendViaSendMail, SUBMITTED_EARLIER, type AttemptState } from './send-attempt';
import { DEFAULT_SEND_POLICY, dispositionFor, reconnectWait, sendModeFor, type SendPolicy, type SentIds } from './send-policy';
import { activity, backToQueued, beginAttempt, emitOutcome, markFailed, markSent, noteWaiting, submittedEarlier, type SendError } from './send-records';

export type SendDeps = Pick<WorkerDeps, 'models' | 'queues' | 'graph' | 'gate' | 'health' | 'tokens' | 'now' | 'logger'> & { sendPolicy?: SendPolicy; concurrency?: number };

/** A decided failure, already recorded (status failed, send.failed emitted): no further queue attempts. */
class SendFailed extends UnrecoverableError {}

const isLastAttempt = (ctx: JobContext) => ctx.job.attemptsMade + 1 >= (ctx.job.opts.attempts ?? 1);

/** Sends one email at most once: see README.md in this folder for the protocol and its trade-offs. */
export function createSendHandler(deps: SendDeps): HandlerRegistration<'send'> {
  const policy = deps.sendPolicy ?? DEFAULT_SEND_POLICY;

  async function fail(sendId: string, error: SendError, ctx: JobContext): Promise<never> {
    await markFailed(deps, sendId, error);
    ctx.log.warn({ sendId, code: error.code }, 'send failed');
    throw new SendFailed(`send ${sendId} failed: ${error.code}`);
  }

  /** The connection cannot be used: wait (bounded) for a reconnect, then fail with the connection's reason. */
  async function waitForReconnect(send: SendDoc, ctx: JobContext): Promise<never> {
    const conn = (await deps.models.Connection.findById(send.connectionId).lean()) as ConnectionDoc | null;
    if (!conn) return fail(send._id, { kind: 'permanent', code: 'connection_not_found', message: `connection ${send.connectionId} no longer exists` }, ctx);
    const reason = conn.statusReason;
    const code = reason?.code ?? conn.status;
    const detail = reason ? `${reason.message} ${reason.remediation}`.trim() : `the connection is ${conn.status}`;
    const due = Math.max(send.sendAt?.getTime() ?? 0, new Date(send.createdAt).getTime());
    const decision = reconnectWait(due, deps.now(), policy.waitForReconnectMs, policy.reconnectCheckMs);
    if (decision.action === 'fail') {
      return fail(send._id, { kind: 'reconnect_required', code, message: `not sent: the connection is ${conn.status} (${detail})` }, ctx);
    }
    await backToQueued(deps, send._id, null);
    await noteWaiting(deps, send._id, {
      kind: 'connection_unusable',
      code,
      message: `waiting for the connection to be reconnected (it is ${conn.status}: ${detail}); fails after ${new Date(due + policy.waitForReconnectMs).toISOString()}`,
    });
    throw await postpone(ctx, decision.untilMs);
  }

  /**
   * The connection and a valid token in one store read. Any other trouble getting the token (a transient refresh
   * failure, the store) is left to the attempt's first Graph request, which asks again and reports it as before.
   */
  async function tokenSeed(connectionId: string): Promise<AccessTokenSeed | 'unusable' | null> {
    try {
      return await deps.tokens.get(connectionId);
    } catch (err) {
      return err instanceof ConnectionUnusableError ? 'unusable' : null;
    }
  }

  /** It went out: the record must say so (a send_only retry could not find out), so a busy store gets a few tries here. */
  async function recordSent(sendId: string, ids: SentIds): Promise<void> {
    for (let tries = 1; ; tries += 1) {
      try {
        await markSent(deps, sendId, ids);
        return;
      } catch (err) {
        if (tries >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * tries));
      }
    }
  }

  async function onError(err: unknown, send: SendDoc, mode: 'draft' | 'send_mail', state: AttemptState, ctx: JobContext): Promise<never> {
    const undo = () => (state.irreversible ? Promise.resolve() : backToQueued(deps, send._id));
    const busy = mailboxBusyOf(err);
    if (busy) {
      await undo();
      throw await postpone(ctx, busy.retryAtMs);
    }
    if (connectionUnusableOf(err)) return waitForReconnect(send, ctx);
    if (err instanceof RecipientsOverDailyCapError) return fail(send._id, { kind: 'permanent', code: 'recipients_over_daily_cap', message: err.message }, ctx);
    if (err instanceof DraftGoneError) {
      await backToQueued(deps, send._id);
      throw err;
    }
    // Classified once, at the Graph call (callGraph in send-graph.ts).
    const failure = microsoftFailureOf(err);
    if (!failure) {
      // Our own trouble (the store busy, Redis): not Microsoft's verdict on the send. Retry; lookups keep it exactly once.
      const error: SendError = { kind: 'internal', code: 'internal_error', message: err instanceof Error ? err.message : String(err) };
      if (isLastAttempt(ctx)) return fail(send._id, error, ctx);
      throw err;
    }
    if (mode === 'send_mail' && state.irreversible) {
      return fail(send._id, { kind: 'permanent', code: 'delivery_unknown', message: `sendMail got no clear answer (${failure.code}); a send_only connection cannot check Sent Items, so it is not sent again` }, ctx);
    }
    const disposition = dispositionFor(failure, deps.now());
    const error: SendError = { kind: failure.kind, code: failure.code, message: failure.message };
    switch (disposition.action) {
      case 'postpone':
        await activity(deps, send, 'throttled', { code: failure.code, status: failure.status, retryAfterMs: failure.retryAfterMs });
        await undo();
        throw await postpone(ctx, disposition.untilMs);
      case 'retry':
        if (isLastAttempt(ctx)) return fail(send._id, error, ctx);
        if (!state.irreversible) await backToQueued(deps, send._id, error);
        throw err;
      case 'reconnect':
        await deps.health.reportFailure(send.connectionId, failure);
        return waitForReconnect(send, ctx);
      default:
        return fail(send._id, error, ctx);
    }
  }

  return handlerFor(
    'send',
    async ({ sendId }, ctx) => {
      const record = (await deps.models.Send.findById(sendId).lean()) as SendDoc | null;
      if (!record) return { skipped: 'missing' };
      // The payload names only the send: bind the connection so every line of this job carries it.
      ctx.log.setBindings({ connectionId: record.connectionId, sendId });
      if (record.status === 'sent' || record.status === 'failed' || record.status === 'canceled') {
        await emitOutcome(deps, record); // heals a crash between the status write and the event
        return { status: record.status };
      }
      // Checked again on the way out: a record written by an older producer must not reach Graph malformed.
      const message = outgoingMessageSchema.safeParse(record.message);
      if (!message.success) return fail(sendId, { kind: 'permanent', code: 'invalid_message', message: message.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ') }, ctx);
      if (record.sendAt && record.sendAt.getTime() > deps.now()) throw await postpone(ctx, record.sendAt.getTime());
      // One read of the connection serves both the checks below and the first Graph request's token.
      const seed = await tokenSeed(record.connectionId);
      if (seed === 'unusable') return waitForReconnect(record, ctx);
      const conn = seed?.connection ?? ((await deps.models.Connection.findById(record.connectionId).lean()) as ConnectionDoc | null);
      if (!conn) return fail(sendId, { kind: 'permanent', code: 'connection_not_found', message: `connection ${record.connectionId} no longer exists` }, ctx);
      if (conn.status !== 'active') return waitForReconnect(record, ctx);
      const mode = sendModeFor(conn.grantedScopes);
      if (mode === 'none') {
        return fail(sendId, { kind: 'permanent', code: 'scope_missing', message: `the connection (preset ${conn.scopePreset}) was not granted Mail.Send; reconnect it with a preset that can send` }, ctx);
      }
      const paused = await deps.gate.pausedUntil(conn._id);
      if (paused) throw await postpone(ctx, paused);
      const send = await beginAttempt(deps, sendId, { claimSubmission: mode === 'send_mail' });
      if (!send) {
        if (mode === 'send_mail' && (await submittedEarlier(deps, sendId))) return fail(sendId, { kind: 'permanent', code: 'delivery_unknown', message: SUBMITTED_EARLIER }, ctx);
        return { status: 'not_open' };
      }
      const state: AttemptState = { irreversible: false };
      try {
        const token = seed ?? undefined;
        const ids = mode === 'draft' ? await sendViaDraft(deps, send, conn, state, token) : await sendViaSendMail(deps, send, conn, state, token);
        await recordSent(sendId, ids);
        return { status: 'sent', mode };
      } catch (err) {
        return onError(err, send, mode, state, ctx);
      }
    },
    deps.concurrency,
  );
}

/** For the handler map: the send policy comes parsed from the workers' config (clients.ts). */
export const sendRegistration = (deps: SendDeps): HandlerRegistration<'send'> => createSendHandler(deps);
