import { randomBytes } from 'node:crypto';
import { connectMailbox, seedOAuthApp } from '@outlook-connect/stack';
import { ADMIN_TOKEN, startGatewayHarness, type GatewayHarness } from '../testing/harness';
import {
  badRequests,
  seededRandom,
  type FuzzOperation,
  type FuzzRequest,
  type JsonSchema,
} from '../testing/openapi-fuzz';

// Bad input never answers 5xx: every operation of /openapi.json gets its plausible request broken one place at a
// time, over real HTTP against the real gateway, store, Redis and emulator. Seeded and capped so it stays fast.

jest.setTimeout(120_000);

const SEED = Number(process.env.FUZZ_SEED ?? 17);
const PER_OPERATION = Number(process.env.FUZZ_PER_OPERATION ?? 600);
const CONCURRENCY = 6;
// Destructive operations last, so the connection and app the others use stay in place.
const LAST = /disconnect|DELETE|cancel|change-scope/;

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: FuzzOperation['parameters'];
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
        security?: Array<Record<string, unknown>>;
      }
    >
  >;
  components: { schemas: Record<string, JsonSchema> };
};

let h: GatewayHarness;
let ids: Record<string, string>;

beforeAll(async () => {
  h = await startGatewayHarness('badinput');
  const tenant = h.emulator.control.createTenant();
  const app = await seedOAuthApp({
    models: h.deps.models,
    box: h.deps.box,
    emulator: h.emulator,
    workspaceId: h.workspaceId,
    homeTenantId: tenant.id,
    multiTenant: true,
  });
  const email = `fuzz-${randomBytes(4).toString('hex')}@${tenant.domain}`;
  h.emulator.control.createUser({ tenantId: tenant.id, email });
  const connection = await connectMailbox({
    models: h.deps.models,
    box: h.deps.box,
    emulator: h.emulator,
    workspaceId: h.workspaceId,
    app,
    email,
    preset: 'full_calendar',
  });
  ids = { conn: connection._id, app: app.appId };
});

afterAll(async () => {
  await h?.close();
});

function shuffled<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function send(
  req: FuzzRequest,
  authorization: string | undefined,
): Promise<{ status: number; text: string; json: boolean; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${h.baseUrl}${req.url}`, {
    method: req.method,
    redirect: 'manual',
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(req.contentType ? { 'content-type': req.contentType } : {}),
    },
    ...(req.rawBody !== undefined ? { body: req.rawBody } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: res.status,
    text: (await res.text()).slice(0, 300),
    json: /json/.test(res.headers.get('content-type') ?? ''),
    ms: Date.now() - started,
  };
}

async function inBatches<T>(items: T[], n: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await each(items[next++]!);
    }),
  );
}

describe('bad input against every operation of /openapi.json', () => {
  it('never answers 5xx, and names the field in every 400', async () => {
    const doc = (await (await fetch(`${h.baseUrl}/openapi.json`)).json()) as OpenApi;
    const operations: FuzzOperation[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations.push({
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          body: op.requestBody?.content['application/json']?.schema,
          security: (op.security ?? []).flatMap((s) => Object.keys(s)),
        });
      }
    }
    operations.sort((a, b) => Number(LAST.test(`${a.method} ${a.path}`)) - Number(LAST.test(`${b.method} ${b.path}`)));
    const random = seededRandom(SEED);
    let sent = 0;
    const fivexx: string[] = [];
    const unnamed: string[] = [];
    const statuses: Record<number, number> = {};
    let maxMs = 0;
    for (const op of operations) {
      const authorization = op.security.includes('adminToken')
        ? `Bearer ${ADMIN_TOKEN}`
        : op.security.length
          ? h.auth.authorization
          : undefined;
      const requests = shuffled(badRequests(op, doc.components.schemas, ids), random).slice(0, PER_OPERATION);
      await inBatches(requests, CONCURRENCY, async (req) => {
        const res = await send(req, authorization);
        sent++;
        maxMs = Math.max(maxMs, res.ms);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const what = `${req.method} ${op.path} [${req.label}] -> ${res.status} ${res.text.slice(0, 160)}`;
        if (res.status >= 500) fivexx.push(what);
        // JSON answers name the field; the callback answers a browser with an HTML page instead.
        if (
          res.status === 400 &&
          (!res.json || !/"(issues|message)"/.test(res.text)) &&
          !(op.path === '/oauth/callback' && /^<!doctype html>/i.test(res.text))
        )
          unnamed.push(what);
      });
    }
    process.stdout.write(
      `bad-input fuzz: seed ${SEED}, ${operations.length} operations, ${sent} requests, ${fivexx.length} answered 5xx, max ${maxMs} ms; statuses ${JSON.stringify(statuses)}\n`,
    );
    expect(sent).toBeGreaterThan(operations.length * 20);
    expect({ requests: sent, fivexx: fivexx.slice(0, 40), count5xx: fivexx.length }).toEqual({
      requests: sent,
      fivexx: [],
      count5xx: 0,
    });
    expect(unnamed).toEqual([]);
  });
});
