import type { GatewayDeps } from '../clients';
import type { GatewayApp } from '../http/gateway-app';

export function healthRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.route({ method: 'GET', url: '/healthz', schema: { hide: true }, handler: async () => ({ ok: true }) });
  app.route({
    method: 'GET',
    url: '/readyz',
    schema: { hide: true },
    handler: async (_req, reply) => {
      const [store, redis] = await Promise.all([
        deps.store.db ? deps.store.db.admin().ping().then(() => true, () => false) : false,
        deps.redis.ping().then((r) => r === 'PONG', () => false),
      ]);
      return reply.code(store && redis ? 200 : 503).send({ ok: store && redis, store, redis });
    },
  });
}
