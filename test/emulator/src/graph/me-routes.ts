import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import { graphRoute } from './graph-route';
import { project } from './odata';

// "Get user" permissions: User.Read is the least privileged; mail permissions do not allow /me.
const ME_SCOPES = [
  'User.Read',
  'User.ReadWrite',
  'User.ReadBasic.All',
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
] as const;

/** GET /me. */
export function registerMeRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me',
    scopes: ME_SCOPES,
    handler: (call) => {
      const [given, ...rest] = call.user.displayName.split(' ');
      const full = {
        '@odata.context': `${ctx.urls.graphUrl}/$metadata#users/$entity`,
        businessPhones: [],
        displayName: call.user.displayName,
        givenName: given ?? null,
        jobTitle: null,
        mail: call.user.mail,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: 'en-US',
        surname: rest.join(' ') || null,
        userPrincipalName: call.user.upn,
        id: call.user.id,
      };
      const select = typeof call.query.$select === 'string' ? call.query.$select.split(',') : undefined;
      return { status: 200, body: select ? project(full, select, []) : full };
    },
  });
}
