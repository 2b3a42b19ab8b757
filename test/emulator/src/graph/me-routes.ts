import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import { graphRoute } from './graph-route';
import { project } from './odata';

const ME_SCOPES = ['User.Read', 'User.ReadBasic.All', 'User.ReadWrite', 'Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic', 'Mail.Send'] as const;

/** GET /me. */
export function registerMeRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, {
    method: 'GET', path: '/me', scopes: ME_SCOPES,
    handler: (call) => {
      const [given, ...rest] = call.user.displayName.split(' ');
      const full = {
        '@odata.context': `${ctx.urls.graphUrl}/$metadata#users/$entity`,
        businessPhones: [],
        displayName: call.user.displayName,
        givenName: given ?? null,
        jobTitle: null,
        mail: call.user.email,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: 'en-US',
        surname: rest.join(' ') || null,
        userPrincipalName: call.user.email,
        id: call.user.id,
      };
      const select = typeof call.query.$select === 'string' ? call.query.$select.split(',') : undefined;
      return { status: 200, body: select ? project(full, select, []) : full };
    },
  });
}
