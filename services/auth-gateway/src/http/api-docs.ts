import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { GatewayApp } from './gateway-app';
import './schemas'; // registers the ApiError component before the document is built

/**
 * The OpenAPI document (/openapi.json), built from the zod schemas the routes validate and answer with, and the
 * interactive reference at /docs, served with its assets from this gateway (no CDN: it works offline).
 */
export async function installApiDocs(app: GatewayApp, publicUrl: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'outlook-connect auth-gateway',
        version: '1.0.0',
        description:
          'Outlook / Microsoft 365 connections for the CRM: OAuth apps, connecting mailboxes, sends, the inbox and the calendar. ' +
          "Every /v1 resource belongs to the workspace of the API key; another workspace's ids answer 404.",
      },
      servers: [{ url: publicUrl }],
      tags: [
        { name: 'Workspaces', description: 'For operators (ADMIN_TOKEN)' },
        { name: 'API keys', description: "The workspace's own API keys: rotate and revoke" },
        { name: 'OAuth apps', description: 'Azure app registrations mailboxes connect through' },
        { name: 'Connect', description: 'Connecting a mailbox through Microsoft sign-in' },
        { name: 'Connections', description: 'Connected mailboxes and their health' },
        { name: 'Sends', description: 'Emails sent from a connected mailbox (queued, idempotent)' },
        { name: 'Calendar', description: 'Meetings and free/busy of full_calendar connections' },
        { name: 'Webhooks', description: 'Events delivered to the CRM as signed Standard Webhooks' },
        { name: 'Push', description: 'Microsoft Graph change notifications (called by Microsoft, not the CRM)' },
        { name: 'Health', description: 'Liveness and readiness for the orchestrator' },
      ],
      components: {
        securitySchemes: {
          workspaceApiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'The workspace API key (ock_...), returned once by POST /v1/workspaces.',
          },
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description: "The gateway's ADMIN_TOKEN (operators only): creates workspaces.",
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) => {
      const out = jsonSchemaTransformObject(doc);
      // Only answers carry ApiError; its input twin is never referenced.
      if ('components' in out) delete (out.components?.schemas as Record<string, unknown> | undefined)?.ApiErrorInput;
      return out;
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
    // Everything the page loads comes from here.
    staticCSP:
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
