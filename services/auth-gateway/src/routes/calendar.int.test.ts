import { randomBytes } from 'node:crypto';
import { createCalendarClient } from '@outlook-connect/queues';
import type { ConnectionDoc, ScopePresetName } from '@outlook-connect/shared';
import { connectMailbox, seedOAuthApp, type SeededOAuthApp } from '@outlook-connect/stack';
import { startGatewayHarness, type GatewayHarness } from '../testing/harness';
import { createWorkspace } from '../workspaces/create-workspace';

// The calendar routes over HTTP: validation and idempotency of queued operations, and free/busy answered now
// through the real token provider, mailbox gate and the emulator's Graph.

jest.setTimeout(30_000);

let h: GatewayHarness;
let tenant: { id: string; domain: string };
let app: SeededOAuthApp;
let calendarConn: { connection: ConnectionDoc; email: string };

async function connect(preset: ScopePresetName) {
  const email = `cal-${randomBytes(4).toString('hex')}@${tenant.domain}`;
  h.emulator.control.createUser({ tenantId: tenant.id, email });
  const connection = await connectMailbox({
    models: h.deps.models,
    box: h.deps.box,
    emulator: h.emulator,
    workspaceId: h.workspaceId,
    app,
    email,
    preset,
  });
  return { connection, email };
}

beforeAll(async () => {
  h = await startGatewayHarness('calroutes');
  tenant = h.emulator.control.createTenant();
  app = await seedOAuthApp({
    models: h.deps.models,
    box: h.deps.box,
    emulator: h.emulator,
    workspaceId: h.workspaceId,
    homeTenantId: tenant.id,
    multiTenant: true,
  });
  calendarConn = await connect('full_calendar');
});

afterAll(async () => {
  await h?.close();
});

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  h.app.inject({
    method,
    url,
    headers: { ...h.auth, ...headers },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });

const booking = (key: string) => ({
  idempotencyKey: key,
  subject: 'Discovery call',
  attendees: [{ address: 'lead@example.com', name: 'Lead' }],
  start: { dateTime: '2031-04-01T15:00:00', timeZone: 'Eastern Standard Time' },
  end: { dateTime: '2031-04-01T15:30:00', timeZone: 'Eastern Standard Time' },
  isOnlineMeeting: true,
  metadata: { dealId: 'deal_7' },
});

describe('calendar routes', () => {
  it('queues a booking (202), returns the same operation for the same key (200), and shows it', async () => {
    const url = `/v1/connections/${calendarConn.connection._id}/calendar/events`;
    const first = await call('POST', url, booking('k-1'));
    expect(first.statusCode).toBe(202);
    const op = first.json<{ id: string; status: string; kind: string; created: boolean; metadata: unknown }>();
    expect(op).toMatchObject({ status: 'queued', kind: 'create', created: true, metadata: { dealId: 'deal_7' } });

    const again = await call('POST', url, booking('k-1'));
    expect(again.statusCode).toBe(200);
    expect(again.json<{ id: string }>().id).toBe(op.id);

    const job = await h.deps.queues.queue('calendar').getJob(op.id);
    expect(job?.data).toEqual({ operationId: op.id });

    const shown = await call('GET', `/v1/calendar/operations/${op.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({
      id: op.id,
      request: { kind: 'create', event: { subject: 'Discovery call' } },
    });
  });

  it('re-enqueues a still-queued operation on a repeated request (heals a crash between the insert and the enqueue)', async () => {
    const url = `/v1/connections/${calendarConn.connection._id}/calendar/events`;
    const op = (await call('POST', url, booking('k-heal'))).json<{ id: string }>();
    await (await h.deps.queues.queue('calendar').getJob(op.id))?.remove();
    expect(await h.deps.queues.queue('calendar').getJob(op.id)).toBeUndefined();
    expect((await call('POST', url, booking('k-heal'))).statusCode).toBe(200);
    expect((await h.deps.queues.queue('calendar').getJob(op.id))?.data).toEqual({ operationId: op.id });
  });

  it('refuses an idempotency key already used for another kind of operation (409)', async () => {
    const created = (
      await call('POST', `/v1/connections/${calendarConn.connection._id}/calendar/events`, booking('k-kind'))
    ).json<{ id: string }>();
    const res = await call('PATCH', `/v1/calendar/operations/${created.id}/event`, {
      idempotencyKey: 'k-kind',
      changes: { subject: 'x' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: 'idempotency_key_reused', operationId: created.id });
  });

  it('refuses the same key with a different request (409 naming the original) and replays the identical one', async () => {
    const url = `/v1/connections/${calendarConn.connection._id}/calendar/events`;
    const first = (await call('POST', url, booking('k-same'))).json<{ id: string }>();
    const changes = [
      { subject: 'Another call' },
      { end: { dateTime: '2031-04-01T16:00:00', timeZone: 'Eastern Standard Time' } },
      { attendees: [{ address: 'someone-else@example.com' }] },
      { metadata: { dealId: 'deal_8' } },
    ];
    for (const change of changes) {
      const res = await call('POST', url, { ...booking('k-same'), ...change });
      expect({ change, status: res.statusCode }).toEqual({ change, status: 409 });
      expect(res.json()).toMatchObject({ error: 'idempotency_key_reused', operationId: first.id });
    }
    // Keys in another order, defaults spelled out: the same request.
    const { metadata, ...event } = booking('k-same');
    const spelled = {
      metadata,
      ...Object.fromEntries(
        Object.entries({
          ...event,
          attendees: [{ name: 'Lead', address: 'lead@example.com', type: 'required' }],
        }).reverse(),
      ),
    };
    const replay = await call('POST', url, spelled);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ id: first.id, created: false });
    expect(
      await h.deps.models.CalendarOperation.countDocuments({
        connectionId: calendarConn.connection._id,
        idempotencyKey: 'k-same',
      }),
    ).toBe(1);
  });

  it('refuses a reused key for a different move or cancel of the same booking', async () => {
    const created = (
      await call('POST', `/v1/connections/${calendarConn.connection._id}/calendar/events`, booking('k-move-base'))
    ).json<{ id: string }>();
    const url = `/v1/calendar/operations/${created.id}/event`;
    expect((await call('PATCH', url, { idempotencyKey: 'mv-1', changes: { subject: 'A' } })).statusCode).toBe(202);
    expect((await call('PATCH', url, { idempotencyKey: 'mv-1', changes: { subject: 'A' } })).statusCode).toBe(200);
    expect((await call('PATCH', url, { idempotencyKey: 'mv-1', changes: { subject: 'B' } })).statusCode).toBe(409);
    expect((await call('POST', `${url}/cancel`, { idempotencyKey: 'cx-1', comment: 'Sorry' })).statusCode).toBe(202);
    const other = await call('POST', `${url}/cancel`, { idempotencyKey: 'cx-1', comment: 'Sorry, ill' });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ error: 'idempotency_key_reused' });
  });

  it('takes the idempotency key from the Idempotency-Key header too', async () => {
    const { idempotencyKey: _k, ...body } = booking('unused');
    const url = `/v1/connections/${calendarConn.connection._id}/calendar/events`;
    const res = await call('POST', url, body, { 'idempotency-key': 'hdr-1' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ idempotencyKey: 'hdr-1' });
    const replay = await call('POST', url, body, { 'idempotency-key': 'hdr-1' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toMatchObject({ id: res.json<{ id: string }>().id });
    const reused = await call('POST', url, { ...body, subject: 'Other' }, { 'idempotency-key': 'hdr-1' });
    expect(reused.statusCode).toBe(409);
  });

  it('answers 400 naming the field when the header and the body give different keys, or neither gives one', async () => {
    const url = `/v1/connections/${calendarConn.connection._id}/calendar/events`;
    const both = await call('POST', url, booking('body-key'), { 'idempotency-key': 'header-key' });
    expect(both.statusCode).toBe(400);
    expect(both.json<{ issues: Array<{ field: string }> }>().issues.map((i) => i.field)).toEqual([
      'headers.idempotency-key',
    ]);
    const { idempotencyKey: _k, ...body } = booking('unused');
    const none = await call('POST', url, body);
    expect(none.statusCode).toBe(400);
    expect(none.json<{ issues: Array<{ field: string }> }>().issues.map((i) => i.field)).toEqual([
      'body.idempotencyKey',
    ]);
    expect(
      await h.deps.models.CalendarOperation.countDocuments({ idempotencyKey: { $in: ['body-key', 'header-key'] } }),
    ).toBe(0);
  });

  it('the Node producer client refuses a reused key the same way', async () => {
    const calendar = createCalendarClient({ models: h.deps.models, queues: h.deps.queues });
    const { idempotencyKey, metadata, ...event } = booking('k-node');
    const base = { workspaceId: h.workspaceId, connectionId: calendarConn.connection._id, idempotencyKey, metadata };
    const first = await calendar.createEvent({ ...base, event });
    expect((await calendar.createEvent({ ...base, event })).operation._id).toBe(first.operation._id);
    await expect(calendar.createEvent({ ...base, event: { ...event, subject: 'Changed' } })).rejects.toMatchObject({
      name: 'IdempotencyKeyReusedError',
      existingId: first.operation._id,
    });
    const overHttp = await call('POST', `/v1/connections/${calendarConn.connection._id}/calendar/events`, {
      ...booking('k-node'),
      subject: 'Changed',
    });
    expect(overHttp.json()).toMatchObject({ error: 'idempotency_key_reused', operationId: first.operation._id });
  });

  it('answers 400 naming each bad field', async () => {
    const bad = {
      ...booking('k-bad'),
      end: { dateTime: '2031-04-01T14:00:00', timeZone: 'Eastern Standard Time' },
      attendees: [{ address: 'not-an-email' }],
    };
    const res = await call('POST', `/v1/connections/${calendarConn.connection._id}/calendar/events`, bad);
    expect(res.statusCode).toBe(400);
    const fields = res.json<{ issues: Array<{ field: string }> }>().issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['body.attendees.0.address']));
    const reversed = await call('POST', `/v1/connections/${calendarConn.connection._id}/calendar/events`, {
      ...booking('k-bad2'),
      end: bad.end,
    });
    expect(reversed.json<{ issues: Array<{ field: string; reason: string }> }>().issues).toEqual([
      { field: 'body.end', reason: 'must be after start' },
    ]);
  });

  it('queues a move and a cancel addressed by the booking operation, and refuses an unknown one', async () => {
    const created = (
      await call('POST', `/v1/connections/${calendarConn.connection._id}/calendar/events`, booking('k-move'))
    ).json<{ id: string }>();
    const move = await call('PATCH', `/v1/calendar/operations/${created.id}/event`, {
      idempotencyKey: 'move-1',
      changes: { subject: 'Moved' },
    });
    expect(move.statusCode).toBe(202);
    expect(move.json()).toMatchObject({
      kind: 'update',
      request: { target: { operationId: created.id }, changes: { subject: 'Moved' } },
    });
    const cancel = await call('POST', `/v1/calendar/operations/${created.id}/event/cancel`, {
      idempotencyKey: 'cancel-1',
      comment: 'Sorry',
    });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json()).toMatchObject({ kind: 'cancel', request: { comment: 'Sorry' } });
    const byEvent = await call(
      'PATCH',
      `/v1/connections/${calendarConn.connection._id}/calendar/events/AAMkAGI2TG93AAA%3D`,
      { idempotencyKey: 'move-2', changes: { location: 'Room 4' } },
    );
    expect(byEvent.json()).toMatchObject({ request: { target: { eventId: 'AAMkAGI2TG93AAA=' } } });
    expect((await call('GET', `/v1/calendar/operations/cal_${'0'.repeat(24)}`)).statusCode).toBe(404);
  });

  it('answers free/busy now from the mailbox calendar', async () => {
    const res = await call('POST', `/v1/connections/${calendarConn.connection._id}/calendar/free-busy`, {
      schedules: [calendarConn.email],
      start: { dateTime: '2031-04-02T09:00', timeZone: 'UTC' },
      end: { dateTime: '2031-04-02T10:00', timeZone: 'UTC' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      intervalMinutes: 30,
      schedules: [{ schedule: calendarConn.email, availabilityView: '00', busy: [], error: null }],
    });
  });

  it('answers 403 scope_missing for free/busy on a mail-only connection', async () => {
    const mailOnly = await connect('full');
    const res = await call('POST', `/v1/connections/${mailOnly.connection._id}/calendar/free-busy`, {
      schedules: [mailOnly.email],
      start: { dateTime: '2031-04-02T09:00', timeZone: 'UTC' },
      end: { dateTime: '2031-04-02T10:00', timeZone: 'UTC' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'scope_missing' });
  });

  it('answers 429 with Retry-After when Graph throttles the mailbox', async () => {
    const fault = h.emulator.control.injectFault({
      method: 'POST',
      path: '/me/calendar/getSchedule$',
      status: 429,
      code: 'ApplicationThrottled',
      retryAfterSec: 7,
      times: 1,
    });
    const res = await call('POST', `/v1/connections/${calendarConn.connection._id}/calendar/free-busy`, {
      schedules: [calendarConn.email],
      start: { dateTime: '2031-04-02T09:00', timeZone: 'UTC' },
      end: { dateTime: '2031-04-02T10:00', timeZone: 'UTC' },
    });
    h.emulator.control.removeFault(fault);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.json()).toMatchObject({ error: 'mailbox_busy' });
  });

  it("hides other workspaces' connections", async () => {
    const other = await createWorkspace(h.deps.models, 'Other');
    const res = await h.app.inject({
      method: 'POST',
      url: `/v1/connections/${calendarConn.connection._id}/calendar/events`,
      headers: { authorization: `Bearer ${other.apiKey}` },
      payload: booking('k-other'),
    });
    expect(res.statusCode).toBe(404);
  });
});
