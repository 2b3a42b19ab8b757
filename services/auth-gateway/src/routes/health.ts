import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import type { GatewayApp } from '../http/gateway-app';

const tags = ['Health'];
const readiness = z.object({
  ok: z.boolean(),
  store: z.boolean().describe('the store answers a ping'),
  redis: z.boolean().describe('Redis is connected and answers a ping'),
});
const liveness = z.object({
  ok: z.boolean(),
  storeDownForSec: z.number().describe('how long the store has not answered (0 while it answers)'),
});

export function healthRoutes(app: GatewayApp, deps: GatewayDeps): void {
  const boundMs = deps.env.STORE_DOWN_LIVENESS_SEC * 1000;
  app.route({
    method: 'GET',
    url: '/healthz',
    schema: {
      tags,
      summary: 'Liveness',
      description:
        'The process answers and can recover: 503 once the store has been unreachable longer than STORE_DOWN_LIVENESS_SEC (the orchestrator should restart it). Outages shorter than that show in /readyz only.',
      response: { 200: liveness.describe('Alive'), 503: liveness.describe('Not recovering: restart the process') },
    },
    handler: async (_req, reply) => {
      const downMs = deps.dependencies.storeDownForMs();
      const ok = downMs <= boundMs;
      return reply.code(ok ? 200 : 503).send({ ok, storeDownForSec: Math.round(downMs / 1000) });
    },
  });
  app.route({
    method: 'GET',
    url: '/readyz',
    schema: {
      tags,
      summary: 'Readiness',
      description: 'Ready when the store and Redis both answer (200); otherwise 503 with which does not.',
      response: {
        200: readiness.describe('Ready'),
        503: readiness.describe('Not ready: the store or Redis does not answer'),
      },
    },
    handler: async (_req, reply) => {
      const [{ store }, redis] = await Promise.all([
        deps.dependencies.probe(),
        deps.redis.ping().then(
          (r) => r === 'PONG',
          () => false,
        ),
      ]);
      return reply.code(store && redis ? 200 : 503).send({ ok: store && redis, store, redis });
    },
  });
}
