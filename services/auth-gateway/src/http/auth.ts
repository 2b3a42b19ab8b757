import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Models } from '@outlook-connect/shared';
import { bearerToken, hashApiKey } from '../workspaces/api-keys';
import { ApiError } from './api-error';

const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'Send the workspace API key as `Authorization: Bearer <key>`.');

const resolved = new WeakMap<FastifyRequest, string>();

/** Resolves the workspace of the request's API key (once per request); every /v1 resource is scoped to it. */
export async function workspaceOf(models: Pick<Models, 'Workspace'>, request: FastifyRequest): Promise<string> {
  const known = resolved.get(request);
  if (known) return known;
  const key = bearerToken(request.headers.authorization);
  if (!key) throw unauthorized();
  // Read from the store on every request (no cache), so a revoked key stops working at once; older workspaces keep apiKeyHashes.
  const hash = hashApiKey(key);
  const ws = await models.Workspace.findOne(
    { $or: [{ 'apiKeys.hash': hash }, { apiKeyHashes: hash }] },
    { _id: 1 },
  ).lean();
  if (!ws) throw unauthorized();
  resolved.set(request, ws._id);
  return ws._id;
}

/** The API key is checked before the body is validated: a caller without one learns nothing but 401. */
export function requireWorkspaceKeyFirst(app: FastifyInstance, models: Pick<Models, 'Workspace'>): void {
  app.addHook('preValidation', async (request) => {
    const url = request.routeOptions.url ?? '';
    // /v1/graph/*: Microsoft's push calls, checked per item against the subscription's clientState instead.
    if (url.startsWith('/v1/') && url !== '/v1/workspaces' && !url.startsWith('/v1/graph/'))
      await workspaceOf(models, request);
  });
}

/** Constant-time check of the admin token (POST /v1/workspaces); refused when none is configured. */
export function requireAdmin(adminToken: string | undefined, request: FastifyRequest): void {
  const given = bearerToken(request.headers.authorization);
  if (!adminToken || !given) throw new ApiError(401, 'unauthorized', 'An admin token is required.');
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(adminToken).digest();
  if (!timingSafeEqual(a, b)) throw new ApiError(401, 'unauthorized', 'An admin token is required.');
}
