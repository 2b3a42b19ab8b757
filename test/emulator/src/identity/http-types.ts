import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type App = FastifyInstance;
export type Req = FastifyRequest;
export type Reply = FastifyReply;

/** Query or form fields as plain strings (first value wins). */
export function fields(value: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof value !== 'object' || value === null) return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
    else if (typeof first === 'number' || typeof first === 'boolean') out[k] = String(first);
  }
  return out;
}

export const param = (req: Req, name: string): string => fields(req.params)[name] ?? '';
