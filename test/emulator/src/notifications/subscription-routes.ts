import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import { GraphError, notFound } from '../graph/graph-error';
import { graphRoute, type GraphCall } from '../graph/graph-route';
import { MAIL_READ } from '../graph/message-routes';
import { ownerOf } from './change-notifications';
import type { MessageResource } from './resource-path';
import { subscriptionJson } from './subscription';
import { parseCreateRequest, parsePatchRequest } from './subscription-request';

/**
 * "Create subscription" permissions for message: Mail.ReadBasic, Mail.Read (Mail.ReadWrite includes Mail.Read).
 * The same for get, update, delete and reauthorize; without one: 403 ErrorAccessDenied (the code is assumed).
 */
const SUBSCRIPTION_SCOPES = MAIL_READ;

/**
 * Delegated permissions reach only the signed-in user's mailbox ("Delete subscription", "contact, event, and
 * message"): `users/{someone else}` is 403 (assumed code), an unknown folder 404.
 */
function watchedFolder(call: GraphCall, target: MessageResource): string | undefined {
  if (target.user !== 'me') {
    const ref = target.user.ref;
    const user = call.ctx.directory.user(ref) ?? call.ctx.directory.findUserByEmail(ref);
    if (user?.id !== call.user.id)
      throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  }
  if (target.folder === undefined) return undefined;
  const folder = call.mailbox.folder(target.folder);
  if (!folder) throw notFound();
  return folder.id;
}

const entityContext = (ctx: EmulatorContext): string => `${ctx.urls.graphUrl}/$metadata#subscriptions/$entity`;

/** POST/GET/PATCH/DELETE /subscriptions[/{id}] and POST /subscriptions/{id}/reauthorize. */
export function registerSubscriptionRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const hub = ctx.changeNotifications;
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/subscriptions',
    scopes: SUBSCRIPTION_SCOPES,
    handler: async (call) => {
      const req = parseCreateRequest(call.body, ctx.clock.now(), hub.settings);
      const sub = await hub.create(req, ownerOf(call.principal), watchedFolder(call, req.target), call.idType);
      return {
        status: 201,
        body: { '@odata.context': entityContext(ctx), ...subscriptionJson(sub, { withClientState: true }) },
      };
    },
  });
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/subscriptions',
    scopes: SUBSCRIPTION_SCOPES,
    handler: (call) => ({
      status: 200,
      body: {
        '@odata.context': `${ctx.urls.graphUrl}/$metadata#subscriptions`,
        value: hub.list(ownerOf(call.principal)).map((s) => subscriptionJson(s, { withClientState: false })),
      },
    }),
  });
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/subscriptions/:id',
    scopes: SUBSCRIPTION_SCOPES,
    handler: (call) => ({
      status: 200,
      body: {
        '@odata.context': entityContext(ctx),
        ...subscriptionJson(hub.owned(call.params.id ?? '', ownerOf(call.principal)), { withClientState: true }),
      },
    }),
  });
  graphRoute(app, ctx, {
    method: 'PATCH',
    path: '/subscriptions/:id',
    scopes: SUBSCRIPTION_SCOPES,
    handler: async (call) => {
      const owner = ownerOf(call.principal);
      hub.owned(call.params.id ?? '', owner);
      const patch = parsePatchRequest(call.body, ctx.clock.now(), hub.settings);
      const sub = await hub.renew(call.params.id ?? '', owner, patch);
      return {
        status: 200,
        body: { '@odata.context': entityContext(ctx), ...subscriptionJson(sub, { withClientState: true }) },
      };
    },
  });
  graphRoute(app, ctx, {
    method: 'DELETE',
    path: '/subscriptions/:id',
    scopes: SUBSCRIPTION_SCOPES,
    handler: (call) => {
      hub.delete(call.params.id ?? '', ownerOf(call.principal));
      return { status: 204 };
    },
  });
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/subscriptions/:id/reauthorize',
    scopes: SUBSCRIPTION_SCOPES,
    handler: (call) => {
      hub.reauthorize(call.params.id ?? '', ownerOf(call.principal));
      return { status: 204 };
    },
  });
}
