import { z } from 'zod';
import type { GatewayDeps } from '../clients';
import { attemptView } from '../connect/attempt-view';
import { completeAdminConsent } from '../connect/admin-consent';
import { adminConsentPage, refusedCallbackPage } from '../connect/callback-page';
import { completeConnect } from '../connect/complete-connect';
import { consumeConnectState } from '../connect/consume-state';
import { withOutcome } from '../connect/return-url';
import { startConnect } from '../connect/start-connect';
import { tenantSchema } from '../connect/tenant';
import { notFound } from '../http/api-error';
import { workspaceOf } from '../http/auth';
import type { GatewayApp } from '../http/gateway-app';
import { apiErrors, idParams, scopePresetSchema, workspaceApiKey } from '../http/schemas';
import { attemptViewSchema, connectStartedSchema } from '../http/views';

const tags = ['Connect'];
const security = workspaceApiKey;

// A lone surrogate survives JSON.parse but not encodeURIComponent: refuse it here, naming the field.
// U+FFFD is what invalid UTF-8 bytes in the body decode to; no login hint or URL legitimately holds one.
const NOT_WELL_FORMED = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\uFFFD/;
const wellFormed = (v: string): boolean => !NOT_WELL_FORMED.test(v);
const WELL_FORMED = 'must be well-formed unicode (valid UTF-8, no lone surrogates)';

export const connectBody = z.object({
  appId: z.string().regex(/^app_[a-f0-9]{24}$/, 'must be an app_ id'),
  scopePreset: scopePresetSchema,
  tenant: tenantSchema.optional().describe("default: the app's default tenant"),
  returnUrl: z
    .string()
    .max(2000)
    .url()
    .refine(wellFormed, WELL_FORMED)
    .describe('where the browser goes back to; must be on the allow-list'),
  loginHint: z.string().trim().max(320).refine(wellFormed, WELL_FORMED).optional(),
  connectionId: z
    .string()
    .regex(/^conn_[a-f0-9]{24}$/, 'must be a conn_ id')
    .optional()
    .describe('reconnect this connection'),
});

export function connectRoutes(app: GatewayApp, deps: GatewayDeps): void {
  app.route({
    method: 'POST',
    url: '/v1/connect',
    // Above the gateway's 256 KiB: an oversized field (a 1 MB login hint) is answered as that field's 400.
    bodyLimit: 2 * 1024 * 1024,
    schema: {
      tags,
      security,
      summary: 'Start connecting a mailbox',
      description:
        "Records a connect attempt and returns Microsoft's authorize URL: send the user's browser there. It comes back through /oauth/callback to returnUrl with the outcome.",
      body: connectBody,
      // 400 also for a tenant Microsoft does not know (tenant_not_found) or the app cannot use (app_single_tenant),
      // with remediation; 502/503 when Microsoft cannot be asked.
      response: { 200: connectStartedSchema, ...apiErrors({ body: true }, 404, 502, 503) },
    },
    handler: async (req) => startConnect(deps, { workspaceId: await workspaceOf(deps.models, req), ...req.body }),
  });

  app.route({
    method: 'GET',
    url: '/v1/connect/attempts/:id',
    schema: {
      tags,
      security,
      summary: 'Get a connect attempt',
      description:
        'The outcome of a connect: pending, succeeded (with the connectionId), failed (code, message, remediation) or expired.',
      params: idParams('att'),
      response: { 200: attemptViewSchema, ...apiErrors({ params: true }) },
    },
    handler: async (req) => {
      const workspaceId = await workspaceOf(deps.models, req);
      const attempt = await deps.models.ConnectAttempt.findOne({ _id: req.params.id, workspaceId }).lean();
      if (!attempt) throw notFound('connect attempt');
      return attemptView(attempt, deps.now());
    },
  });

  app.route({
    method: 'GET',
    url: '/oauth/callback',
    schema: {
      tags,
      summary: "Microsoft's redirect after sign-in",
      description:
        "For the browser, not the CRM: redirects (302) to the attempt's returnUrl with status=connected&connectionId= or status=error&code=; an unknown, used or expired state answers a 400 HTML page. An administrator's return from the admin-consent URL (admin_consent=True) is redirected (302) to a page saying whether consent was granted.",
      querystring: z.object({
        state: z.string().max(500).optional(),
        code: z.string().max(8000).optional(),
        error: z.string().max(200).optional(),
        error_description: z.string().max(4000).optional(),
        error_subcode: z.string().max(200).optional(),
        error_uri: z.string().max(2000).optional(),
        session_state: z.string().max(500).optional(),
        client_info: z.string().max(2000).optional(),
        // The admin-consent endpoint's return (v2-admin-consent): admin_consent=True&tenant&scope&state, or with error.
        admin_consent: z.string().max(10).optional(),
        tenant: z.string().max(200).optional(),
        scope: z.string().max(4000).optional(),
      }),
      response: {
        302: z
          .undefined()
          .describe("To the attempt's returnUrl with the outcome in its query (admin consent: to its result page)"),
        400: {
          description: 'HTML page: the state is unknown, used or expired, or the admin consent was refused',
          content: { 'text/html': { schema: z.string() } },
        },
      },
    },
    handler: async (req, reply) => {
      const attempt = await consumeConnectState(deps.models, req.query.state ?? '', deps.now());
      if (!attempt) {
        deps.logger.warn({ event: 'connect_state_refused' }, 'callback with an unknown, used or expired state');
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(refusedCallbackPage('It was already used, has expired, or was not issued by us.'));
      }
      if (attempt.kind === 'admin_consent' || req.query.admin_consent !== undefined) {
        if (attempt.kind !== 'admin_consent') {
          return reply
            .code(400)
            .type('text/html; charset=utf-8')
            .send(refusedCallbackPage('It is an admin-consent answer for a sign-in link.'));
        }
        await completeAdminConsent(deps, attempt, req.query);
        // The admin lands on a page of ours that says what happened (the attempt id is the unguessable key to it).
        return reply.redirect(`/oauth/admin-consent/${attempt._id}`, 302);
      }
      const outcome = await completeConnect(deps, attempt, req.query);
      const params: Record<string, string> = outcome.connectionId
        ? { status: 'connected', connectionId: outcome.connectionId, attemptId: attempt._id }
        : { status: 'error', code: outcome.errorCode ?? 'unknown', attemptId: attempt._id };
      return reply.redirect(withOutcome(attempt.returnUrl, params), 302);
    },
  });

  // The administrator's result page after admin consent (a browser page, not part of the CRM's API).
  app.route({
    method: 'GET',
    url: '/oauth/admin-consent/:id',
    schema: { hide: true, params: idParams('att') },
    handler: async (req, reply) => {
      const attempt = await deps.models.ConnectAttempt.findOne({
        _id: req.params.id,
        kind: 'admin_consent',
        status: { $in: ['succeeded', 'failed'] },
      }).lean();
      if (!attempt)
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(refusedCallbackPage('There is no admin consent answer under this link.'));
      const app = await deps.models.OAuthApp.findOne(
        { _id: attempt.appId, workspaceId: attempt.workspaceId },
        { name: 1 },
      ).lean();
      const granted = attempt.status === 'succeeded';
      const o = attempt.outcome ?? {};
      const page = adminConsentPage({
        granted,
        appName: app?.name ?? 'The app',
        ...(o.adminConsentTenant ? { tenant: o.adminConsentTenant } : {}),
        ...(!granted ? { code: o.errorCode ?? 'unknown', remediation: o.remediation ?? '' } : {}),
      });
      return reply
        .code(granted ? 200 : 400)
        .type('text/html; charset=utf-8')
        .send(page);
    },
  });
}
