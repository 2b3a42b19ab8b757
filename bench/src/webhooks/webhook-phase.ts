import { emitEvent, eventId, startWorkers } from '@outlook-connect/queues';
import { generateWebhookSecret, newId, webhookSecretContext } from '@outlook-connect/shared';
import { registrationsFor } from '@outlook-connect/workers';
import { progress } from '../lib/progress';
import { ratio, summarizeLatencies, type LatencySummary } from '../lib/stats';
import type { BenchEnv } from '../setup/bench-env';
import { barePostLoop, startBenchReceiver } from './receiver';

export interface WebhookPhaseResult {
  events: number;
  /** In flight at once: the endpoint's concurrency cap, and the baseline loop's. */
  concurrency: number;
  eventsPerSec: number | null;
  baselinePostsPerSec: number | null;
  ratio: number | null;
  /** Emit (events queue) -> the receiver has it: fan-out, delivery job, signing, POST. */
  latency: LatencySummary;
  delivered: number;
}

/**
 * Events emitted on the events queue and delivered, signed, by the real fan-out and delivery handlers (in this
 * process) to a local receiver, against a bare POST loop to the same receiver in the same run.
 */
export async function runWebhookPhase(
  env: BenchEnv,
  opts: { events: number; concurrency: number; timeoutMs: number },
): Promise<WebhookPhaseResult> {
  const { deps } = env.clients;
  const receiver = await startBenchReceiver();
  const workspaceId = newId('ws');
  const endpointId = newId('whep');
  deps.webhookPolicy = { ...deps.webhookPolicy, allow: new Set(['127.0.0.1']), endpointConcurrency: opts.concurrency };
  await deps.models.WebhookEndpoint.create({
    _id: endpointId,
    workspaceId,
    url: receiver.url,
    secretEnc: deps.box.encrypt(generateWebhookSecret(), webhookSecretContext(endpointId, 'secret')),
  });
  const served = ['events', 'webhook-delivery'] as const;
  const workers = startWorkers({
    registrations: registrationsFor(deps, served),
    served,
    connection: env.clients.workerRedis,
    prefix: env.iso.queuePrefix,
    logger: deps.logger,
    defaultConcurrency: opts.concurrency,
  });
  try {
    progress(`webhooks: ${opts.events} events to a local receiver (${opts.concurrency} in flight)`);
    const emitted = new Map<string, number>();
    const started = Date.now();
    for (let i = 0; i < opts.events; i++) {
      const connectionId = `conn_${i}`;
      const id = eventId('connection.disconnected', connectionId, 1);
      emitted.set(id, Date.now());
      await emitEvent(
        deps.queues,
        'connection.disconnected',
        { workspaceId, connectionId },
        { mailbox: `u${i}@bench.test` },
        { id },
      );
    }
    const deadline = started + opts.timeoutMs;
    while (receiver.arrivals.size < opts.events && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const arrivals = [...receiver.arrivals.entries()].filter(([id]) => emitted.has(id));
    const last = Math.max(...arrivals.map(([, at]) => at));
    const eventsPerSec = arrivals.length ? (arrivals.length * 1000) / (last - started) : null;
    const latency = summarizeLatencies(arrivals.map(([id, at]) => at - emitted.get(id)!));

    progress('webhooks: bare POST loop baseline');
    const body = JSON.stringify({
      id: 'connection.disconnected_conn_0_1',
      type: 'connection.disconnected',
      workspaceId,
      occurredAt: new Date().toISOString(),
      data: { mailbox: 'u0@bench.test' },
    });
    const baselinePostsPerSec = await barePostLoop(receiver.url, opts.events, opts.concurrency, body);
    return {
      events: opts.events,
      concurrency: opts.concurrency,
      eventsPerSec,
      baselinePostsPerSec,
      ratio: ratio(eventsPerSec, baselinePostsPerSec),
      latency,
      delivered: arrivals.length,
    };
  } finally {
    await workers.close();
    await receiver.close();
  }
}
