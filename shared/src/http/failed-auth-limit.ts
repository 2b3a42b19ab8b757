import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface FailedAuthLimit {
  /** Failed attempts a client IP may make per window; the next one answers 429 until the window ends. */
  max: number;
  windowMs: number;
}

/**
 * Slows down key and password guessing (the gateway's API keys, the dashboard's sign-in): each 401 counts against the
 * client IP; once `max` are counted, every request the limit applies to answers 429 with Retry-After (a right guess
 * too, so a locked-out guesser learns nothing). Requests of a client without failures are neither counted nor slowed.
 */
export async function limitFailedAuth(
  app: FastifyInstance,
  limit: FailedAuthLimit,
  applies: (req: FastifyRequest) => boolean,
): Promise<void> {
  await app.register(rateLimit, { global: false });
  const failures = app.createRateLimit({
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (req) => `auth-failures:${req.ip}`,
  });
  app.addHook('onRequest', async (req, reply) => {
    if (!applies(req)) return;
    const state = await failures(req, { increment: false });
    if (state.isAllowed || state.remaining > 0 || state.ttl <= 0) return;
    req.log.warn({ ip: req.ip, retryAfterSec: state.ttlInSeconds }, 'auth: too many failed attempts from this address');
    return reply
      .code(429)
      .header('retry-after', String(Math.max(1, state.ttlInSeconds)))
      .send({
        error: 'too_many_failed_attempts',
        message: `Too many failed sign-in attempts from this address; retry in ${Math.max(1, state.ttlInSeconds)} s.`,
      });
  });
  app.addHook('onResponse', async (req, reply) => {
    if (reply.statusCode === 401 && applies(req)) await failures(req);
  });
}
