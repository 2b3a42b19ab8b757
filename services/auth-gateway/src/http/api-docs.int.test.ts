import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { MAX_SEND_REQUEST_BYTES } from '@outlook-connect/queues';
import { repoRoot } from '@outlook-connect/stack';
import { chromium } from 'playwright-core';
import { call } from '../testing/http';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';

// The API explains itself: /openapi.json describes every operation from the zod schemas the routes run, and /docs
// serves an interactive reference whose every asset comes from the gateway itself (it works offline).

jest.setTimeout(60_000);

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
};
type Operation = {
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description?: string; content?: Record<string, { schema: Schema }> }>;
};
type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, { type: string; scheme: string }> };
};

const API_ERROR = '#/components/schemas/ApiError';

let h: GatewayHarness;
let doc: OpenApi;
const operations: Array<{ key: string; path: string; op: Operation }> = [];

beforeAll(async () => {
  h = await startGatewayHarness('apidocs');
  const res = await call<OpenApi>(h, 'GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods))
      operations.push({ key: `${method.toUpperCase()} ${path}`, path, op });
  }
});

afterAll(async () => {
  await h?.close();
});

const bodyOf = (op: Operation) => op.requestBody?.content['application/json']?.schema;

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI document (checked by an OpenAPI validator)', async () => {
    const result = await validate(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it('documents every route the CRM uses', () => {
    const keys = operations.map((o) => o.key);
    for (const expected of [
      'POST /v1/workspaces',
      'POST /v1/oauth-apps',
      'GET /v1/oauth-apps',
      'GET /v1/oauth-apps/{id}',
      'PATCH /v1/oauth-apps/{id}',
      'DELETE /v1/oauth-apps/{id}',
      'POST /v1/connect',
      'GET /v1/connect/attempts/{id}',
      'GET /oauth/callback',
      'GET /v1/connections',
      'GET /v1/connections/{id}',
      'POST /v1/connections/{id}/disconnect',
      'POST /v1/connections/{id}/change-scope',
      'POST /v1/connections/{id}/test-email',
      'GET /v1/connections/{id}/messages',
      'POST /v1/connections/{id}/sends',
      'GET /v1/sends/{id}',
      'POST /v1/sends/{id}/cancel',
      'POST /v1/connections/{id}/calendar/events',
      'PATCH /v1/connections/{id}/calendar/events/{eventId}',
      'POST /v1/connections/{id}/calendar/events/{eventId}/cancel',
      'PATCH /v1/calendar/operations/{id}/event',
      'POST /v1/calendar/operations/{id}/event/cancel',
      'GET /v1/calendar/operations/{id}',
      'POST /v1/connections/{id}/calendar/free-busy',
      'POST /v1/connections/{id}/attachments',
      'GET /v1/attachments/{id}',
      'GET /healthz',
      'GET /readyz',
    ]) {
      expect(keys).toContain(expected);
    }
  });

  it('gives every operation a summary and a tag', () => {
    for (const { key, op } of operations) {
      expect({ key, summary: op.summary?.trim() ? 'ok' : 'missing', tags: op.tags?.length ? 'ok' : 'missing' }).toEqual(
        { key, summary: 'ok', tags: 'ok' },
      );
    }
  });

  it('documents a success for every operation, with a non-empty schema for every 2xx', () => {
    for (const { key, op } of operations) {
      const success = Object.entries(op.responses).filter(([code]) => /^[23]/.test(code));
      expect({ key, successes: success.length > 0 }).toEqual({ key, successes: true });
      for (const [code, answer] of success.filter(([c]) => c.startsWith('2'))) {
        const schema = answer.content?.['application/json']?.schema;
        expect({
          key,
          code,
          // The push routes' 200 is the validation handshake: the token echoed as text.
          shaped: Boolean(
            schema &&
            (schema.$ref ||
              Object.keys(schema.properties ?? {}).length > 0 ||
              (key.startsWith('POST /v1/graph/') && code === '200' && schema.type === 'string')),
          ),
        }).toEqual({ key, code, shaped: true });
      }
    }
  });

  it('answers every error with the one ApiError body, and documents what each kind of route can answer', () => {
    expect(doc.components.schemas.ApiError?.properties).toEqual(
      expect.objectContaining({ error: expect.anything(), message: expect.anything(), issues: expect.anything() }),
    );
    for (const { key, path, op } of operations) {
      const codes = Object.keys(op.responses);
      const isV1 = path.startsWith('/v1/');
      const expected = [
        ...(isV1 ? ['401', '429', '500', '503'] : []),
        ...(bodyOf(op) ? ['400', '413', '415'] : []),
        ...(isV1 && op.parameters?.some((p) => p.in === 'path') ? ['400', '404'] : []),
      ];
      expect({ key, missing: expected.filter((c) => !codes.includes(c)) }).toEqual({ key, missing: [] });
      if (!isV1) continue; // /oauth/callback answers the browser (HTML), /readyz its readiness
      for (const [code, answer] of Object.entries(op.responses).filter(([c]) => /^[45]/.test(c))) {
        expect({
          key,
          code,
          ref: answer.content?.['application/json']?.schema.$ref,
          described: Boolean(answer.description),
        }).toEqual({ key, code, ref: API_ERROR, described: true });
      }
    }
  });

  it('tells apart the successes of a route that has two (e.g. queued vs the original for a repeated key)', () => {
    for (const { key, op } of operations) {
      const success = Object.entries(op.responses).filter(([code]) => /^2/.test(code));
      if (success.length < 2) continue;
      const descriptions = success.map(([, answer]) => answer.description);
      expect({
        key,
        distinct: new Set(descriptions).size === descriptions.length,
        generic: descriptions.includes('Default Response'),
      }).toEqual({ key, distinct: true, generic: false });
    }
  });

  it('documents the answers each route can give beyond the common ones', () => {
    const codes = (key: string) => Object.keys(operations.find((o) => o.key === key)!.op.responses);
    expect(codes('POST /v1/connections/{id}/sends')).toEqual(expect.arrayContaining(['200', '201', '409']));
    expect(codes('POST /v1/sends/{id}/cancel')).toContain('409');
    expect(codes('POST /v1/connections/{id}/calendar/events')).toEqual(expect.arrayContaining(['200', '202', '409']));
    expect(codes('POST /v1/connections/{id}/calendar/free-busy')).toEqual(
      expect.arrayContaining(['403', '409', '429', '503']),
    );
    expect(codes('POST /v1/connections/{id}/test-email')).toEqual(expect.arrayContaining(['202', '409']));
    expect(codes('DELETE /v1/oauth-apps/{id}')).toContain('409');
    expect(codes('GET /oauth/callback')).toEqual(expect.arrayContaining(['302', '400']));
  });

  it('describes request bodies with their real fields', () => {
    const body = (key: string) => bodyOf(operations.find((o) => o.key === key)!.op)!;
    const send = body('POST /v1/connections/{id}/sends');
    expect(Object.keys(send.properties!)).toEqual(
      expect.arrayContaining(['idempotencyKey', 'message', 'source', 'sendAt', 'metadata']),
    );
    expect(send.required).toEqual(expect.arrayContaining(['message', 'source']));
    expect(send.required).not.toContain('idempotencyKey'); // it may come as the Idempotency-Key header
    expect(Object.keys(send.properties!.message!.properties!)).toEqual(
      expect.arrayContaining(['to', 'cc', 'bcc', 'subject', 'body', 'attachments', 'replyToMessageId']),
    );
    expect(Object.keys(body('POST /v1/connections/{id}/calendar/events').properties!)).toEqual(
      expect.arrayContaining(['idempotencyKey', 'subject', 'attendees', 'start', 'end', 'isOnlineMeeting', 'metadata']),
    );
    expect(Object.keys(body('PATCH /v1/calendar/operations/{id}/event').properties!)).toEqual(
      expect.arrayContaining(['idempotencyKey', 'changes']),
    );
    expect(Object.keys(body('POST /v1/calendar/operations/{id}/event/cancel').properties!)).toEqual(
      expect.arrayContaining(['idempotencyKey', 'comment']),
    );
    expect(Object.keys(body('POST /v1/connections/{id}/calendar/free-busy').properties!)).toEqual(
      expect.arrayContaining(['schedules', 'start', 'end', 'intervalMinutes']),
    );
    expect(Object.keys(body('POST /v1/connect').properties!)).toEqual(
      expect.arrayContaining(['appId', 'scopePreset', 'returnUrl']),
    );
    for (const { key, op } of operations) {
      const schema = bodyOf(op);
      if (schema)
        expect({ key, fields: Object.keys(schema.properties ?? {}).length > 0 }).toEqual({ key, fields: true });
    }
    const header = operations
      .find((o) => o.key === 'POST /v1/connections/{id}/sends')!
      .op.parameters!.find((p) => p.in === 'header');
    expect(header?.name).toBe('idempotency-key');
  });

  it('documents the admin token on /v1/workspaces and the workspace API key on every other /v1 route', () => {
    expect(doc.components.securitySchemes).toEqual({
      workspaceApiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      adminToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    for (const { key, path, op } of operations.filter((o) => o.path.startsWith('/v1/'))) {
      expect({ key, security: op.security }).toEqual({
        key,
        // /v1/graph/*: called by Microsoft, which has no API key (clientState is checked per item).
        security: path.startsWith('/v1/graph/')
          ? []
          : [path === '/v1/workspaces' ? { adminToken: [] } : { workspaceApiKey: [] }],
      });
    }
  });
});

describe('the answers match the document', () => {
  const documented = (key: string, status: number) =>
    Object.keys(operations.find((o) => o.key === key)!.op.responses).includes(String(status));
  const conn = `conn_${'0'.repeat(24)}`;

  it('a body that is not JSON, too large, malformed, without a key or for an unknown connection: each a documented code with the ApiError body', async () => {
    const url = `/v1/connections/${conn}/sends`;
    const valid = {
      idempotencyKey: 'k',
      source: 'other',
      message: { to: ['a@example.com'], subject: 's', body: { contentType: 'text', content: 'c' } },
    };
    const answers = [
      await call(h, 'POST', url, { rawBody: '<send/>', headers: { ...h.auth, 'content-type': 'application/xml' } }),
      await call(h, 'POST', url, {
        rawBody: JSON.stringify({ pad: 'x'.repeat(MAX_SEND_REQUEST_BYTES) }),
        headers: h.auth,
      }),
      await call(h, 'POST', url, { rawBody: '{"message":', headers: h.auth }),
      await call(h, 'POST', url, { body: valid, headers: { authorization: 'Bearer nope' } }),
      await call(h, 'POST', url, { body: valid, headers: h.auth }),
    ];
    // Without a valid key, a bad body is still 401: the key is checked before the body.
    answers.push(await call(h, 'POST', url, { body: { message: 'nope' }, headers: { authorization: 'Bearer nope' } }));
    answers.push(await call(h, 'POST', url, { body: { message: 'nope' } }));
    expect(answers.map((a) => a.status)).toEqual([415, 413, 400, 401, 404, 401, 401]);
    // The limit is the largest request the send schema allows, and the 413 names it.
    expect(answers[1]?.body).toMatchObject({ error: 'body_too_large', limitBytes: MAX_SEND_REQUEST_BYTES });
    for (const a of answers) {
      expect({ status: a.status, documented: documented('POST /v1/connections/{id}/sends', a.status) }).toEqual({
        status: a.status,
        documented: true,
      });
      expect(a.body).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String) }));
    }
  });
});

describe('/docs', () => {
  it('answers HTML whose every asset comes from the gateway itself', async () => {
    const page = await call(h, 'GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const url = new URL(asset, `${h.baseUrl}/docs`);
      expect(url.origin).toBe(h.baseUrl);
      expect({ asset, status: (await fetch(url)).status }).toEqual({ asset, status: 200 });
    }
  });

  it('renders the reference in headless Chromium without a request leaving the gateway', async () => {
    const artifacts = join(repoRoot, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      expect((await page.goto(`${h.baseUrl}/docs`))?.status()).toBe(200);
      await page.getByText('Queue an email from this mailbox').first().waitFor();
      await page.getByText('Create a workspace and its API key').first().waitFor();
      await page.screenshot({ path: join(artifacts, 'gateway-docs.png'), fullPage: false });
      expect(failed).toEqual([]);
      expect(requested.filter((u) => !u.startsWith('data:') && new URL(u).origin !== h.baseUrl)).toEqual([]);
      expect(requested.some((u) => u.endsWith('/docs/json'))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
