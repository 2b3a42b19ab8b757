import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import type { GatewayApp } from '../http/gateway-app';

const tags = ['Health'];
const readiness = z.object({ ok: z.boolean(), store: z.boolean().describe('the store answers a ping'), redis: z.boolean().describe('Redis answers a ping') });

export function healthRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.route({
    method: 'GET',
    url: '/healthz',
    schema: { tags, summary: 'Liveness', description: 'The process answers; it checks nothing else.', response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async () => ({ ok: true as const }),
  });
  app.route({
    method: 'GET',
    url: '/readyz',
    schema: { tags, summary: 'Readiness', description: 'Ready when the store and Redis both answer (200); otherwise 503 with which does not.', response: { 200: readiness.describe('Ready'), 503: readiness.describe('Not ready: the store or Redis does not answer') } },
    handler: async (_req, reply) => {
      const [store, redis] = await Promise.all([
        deps.store.db ? deps.store.db.admin().ping().then(() => true, () => false) : false,
        deps.redis.ping().then((r) => r === 'PONG', () => false),
      ]);
      return reply.code(store && redis ? 200 : 503).send({ ok: store && redis, store, redis });
    },
  });
}
