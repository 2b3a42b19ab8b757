import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { ApiError } from '../http/api-error';
import { apiErrors } from '../http/schemas';
import type { GatewayApp } from '../http/gateway-app';
import {
  changeNotificationsBody,
  lifecycleNotificationsBody,
  parsed,
  validationQuery,
} from '../push/notification-bodies';
import { takeChangeNotifications, takeLifecycleNotifications, type IntakeResult } from '../push/notification-intake';

// Microsoft's calls (no workspace API key): the validation handshake and change / lifecycle notifications. Each item
// must name a subscription we hold and carry its clientState; the answer is quick and only enqueues.

const tags = ['Push'];
const accepted = z.object({ accepted: z.number().int() }).describe('Taken: the mailboxes named are synced now');
const description = (what: string) =>
  `Called by Microsoft Graph, not by the CRM (no API key). With \`?validationToken=\` (the handshake when a subscription is created): answers 200 text/plain with the token. Otherwise a JSON batch \`{value: [...]}\` of ${what}; each item must name a subscription this deployment holds and carry its clientState (compared in constant time), or it is dropped and counted. Answers 202 at once; a batch whose every item has a wrong clientState answers 401 (counted against the address like a wrong API key). Bad bodies answer 400 naming the field.`;

/** Every body is taken as text first: the handshake has none (or text/plain); JSON is parsed here, errors named. */
function bodyOf(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'invalid_request', 'body: not JSON (a batch {"value": [...]} was expected)', {
      issues: [{ field: 'body', reason: 'not JSON' }],
    });
  }
}

export function graphNotificationRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    const endpoint = (url: string, what: string, take: (body: unknown) => Promise<IntakeResult>) =>
      scope.route({
        method: 'POST',
        url,
        schema: {
          tags,
          summary: `Graph ${what}`,
          description: description(what),
          querystring: validationQuery,
          // Microsoft's call: no API key (each item's clientState is checked instead).
          security: [],
          response: {
            200: z.string().describe('The validationToken, echoed (text/plain)'),
            202: accepted,
            ...apiErrors({ body: true, query: true }),
          },
        },
        handler: async (request, reply) => {
          const { validationToken } = parsed(validationQuery, request.query, 'querystring');
          if (validationToken !== undefined)
            return reply
              .code(200)
              .header('content-type', 'text/plain; charset=utf-8')
              .header('x-content-type-options', 'nosniff')
              .serializer((p: unknown) => String(p))
              .send(validationToken);
          const result = await take(bodyOf(request.body));
          if (result.accepted === 0 && result.rejected.client_state > 0 && result.rejected.unknown_subscription === 0)
            throw new ApiError(401, 'unauthorized', 'clientState does not match the subscription.');
          return reply.code(202).send({ accepted: result.accepted });
        },
      });
    endpoint('/v1/graph/notifications', 'change notifications', (body) =>
      takeChangeNotifications(deps, parsed(changeNotificationsBody, body, 'body').value),
    );
    endpoint('/v1/graph/lifecycle', 'lifecycle notifications', (body) =>
      takeLifecycleNotifications(deps, parsed(lifecycleNotificationsBody, body, 'body').value),
    );
  });
}
