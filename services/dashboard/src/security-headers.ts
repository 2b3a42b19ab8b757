import type { FastifyInstance } from 'fastify';

/** No page of ours may be framed (clickjacking): X-Frame-Options for old browsers, frame-ancestors for the rest. */
export function installAntiFraming(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-frame-options', 'DENY');
    const csp = reply.getHeader('content-security-policy');
    if (typeof csp !== 'string' || !csp) reply.header('content-security-policy', "frame-ancestors 'none'");
    else if (!/frame-ancestors/.test(csp)) reply.header('content-security-policy', `${csp}; frame-ancestors 'none'`);
    return payload;
  });
}
