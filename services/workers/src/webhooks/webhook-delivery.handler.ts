import { deliveryJobId, handlerFor, postpone } from '@outlook-connect/queues';
import {
  webhookSecretContext,
  type WebhookAttempt,
  type WebhookDeliveryDoc,
  type WebhookEndpointDoc,
} from '@outlook-connect/shared';
import type { ServiceDeps } from '../worker-deps';
import { attemptOutcome } from './attempt-outcome';
import { recordAttemptMetrics } from './delivery-metrics';
import { acquireEndpointSlot } from './endpoint-slots';
import { postWebhook } from './post-webhook';
import { noteEndpointHealth, recordAttempt } from './record-attempt';
import { nextRetryDelayMs } from './retry-schedule';
import { webhookHeaders } from './sign-webhook';

type Deps = Pick<ServiceDeps, 'models' | 'box' | 'queues' | 'redis' | 'logger' | 'now' | 'webhookPolicy'>;

/** The secrets that sign now: the current one, and the one before it during a rotation's overlap. */
function signingSecrets(deps: Deps, endpoint: WebhookEndpointDoc, now: number): string[] {
  const secrets = [deps.box.decrypt(endpoint.secretEnc, webhookSecretContext(endpoint._id, 'secret'))];
  if (
    endpoint.previousSecretEnc &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt.getTime() > now
  ) {
    secrets.push(deps.box.decrypt(endpoint.previousSecretEnc, webhookSecretContext(endpoint._id, 'previousSecret')));
  }
  return secrets;
}

const notSent = (at: Date, error: string): WebhookAttempt => ({
  at,
  outcome: 'refused',
  durationMs: 0,
  statusCode: null,
  responseBody: null,
  error,
});

/** Delivers one event to one endpoint: one signed POST per run of the job, postponed along the retry schedule. */
export function webhookDeliveryRegistration(deps: Deps) {
  const policy = deps.webhookPolicy;
  return handlerFor(
    'webhook-delivery',
    async ({ deliveryId }, ctx) => {
      const delivery = (await deps.models.WebhookDelivery.findById(deliveryId).lean()) as WebhookDeliveryDoc | null;
      if (!delivery || delivery.status !== 'pending') return { skipped: delivery ? delivery.status : 'missing' };
      // A replay started a new run with its own job: this one (still delayed from the old run) must not send too.
      if (ctx.job.id !== deliveryJobId(delivery._id, delivery.run)) return { skipped: 'superseded by a replay' };
      ctx.log.setBindings({ endpointId: delivery.endpointId, eventId: delivery.eventId });
      const endpoint = (await deps.models.WebhookEndpoint.findById(
        delivery.endpointId,
      ).lean()) as WebhookEndpointDoc | null;
      if (!endpoint || !endpoint.enabled) {
        await recordAttempt(
          deps,
          delivery,
          notSent(new Date(deps.now()), endpoint ? 'endpoint is disabled: not sent' : 'endpoint was deleted: not sent'),
          { status: 'failed' },
        );
        return { outcome: 'endpoint_unavailable' };
      }

      const slot = await acquireEndpointSlot({
        redis: deps.redis,
        prefix: deps.queues.prefix,
        endpointId: endpoint._id,
        leaseId: `${ctx.job.id}`,
        max: policy.endpointConcurrency,
        leaseMs: policy.timeoutMs + 5_000,
        now: deps.now(),
      });
      if (!slot.ok) throw await postpone(ctx, slot.retryAt);
      const at = new Date(deps.now());
      let sent;
      try {
        const body = JSON.stringify(delivery.event);
        const headers = webhookHeaders(delivery.eventId, body, signingSecrets(deps, endpoint, at.getTime()), at);
        sent = await postWebhook({
          url: endpoint.url,
          headers,
          body,
          timeoutMs: policy.timeoutMs,
          maxResponseBytes: policy.maxResponseBytes,
          allow: policy.allow,
          now: deps.now,
        });
      } finally {
        await slot.release();
      }

      const outcome = attemptOutcome(sent.result);
      const attempt: WebhookAttempt = {
        at,
        outcome,
        durationMs: sent.durationMs,
        statusCode: sent.result.kind === 'response' ? sent.result.statusCode : null,
        responseBody: sent.responseBody === null ? null : sent.responseBody.slice(0, policy.keptResponseBytes),
        error: sent.result.kind === 'response' ? null : sent.result.error,
      };
      await recordAttemptMetrics(deps.redis, deps.queues.prefix, outcome, sent.durationMs);
      const { disabled } = await noteEndpointHealth(deps, endpoint, outcome === 'delivered', at);
      if (outcome === 'delivered') {
        await recordAttempt(deps, delivery, attempt, { status: 'delivered' });
        return { outcome, statusCode: attempt.statusCode };
      }
      const retryAfter = sent.result.kind === 'response' ? sent.result.retryAfterMs : null;
      const delay =
        outcome === 'retry' && !disabled
          ? nextRetryDelayMs(policy.schedule, delivery.attemptsInRun + 1, policy.random(), retryAfter)
          : null;
      ctx.log.info(
        { outcome, statusCode: attempt.statusCode, error: attempt.error, retryInMs: delay },
        'webhook attempt failed',
      );
      if (delay === null) {
        await recordAttempt(deps, delivery, attempt, { status: 'failed' });
        return { outcome, statusCode: attempt.statusCode };
      }
      const retryAt = at.getTime() + delay;
      await recordAttempt(deps, delivery, attempt, { status: 'pending', nextAttemptAt: new Date(retryAt) });
      throw await postpone(ctx, retryAt);
    },
    // Many deliveries wait on the network at once; the per-endpoint slots keep one endpoint from taking them all.
    50,
  );
}
