import { findEvent } from '@outlook-connect/queues';
import { waitFor } from '@outlook-connect/stack';
import type { CalendarOperationDoc, ConnectionDoc } from '@outlook-connect/shared';
import { startCalendarHarness, type CalendarHarness } from '../testing/calendar-harness';

// Calendar operations end to end: the producer client, the BullMQ worker, the mailbox gate and the emulator's Graph.

jest.setTimeout(30_000);

let h: CalendarHarness;
let organizer: { connection: ConnectionDoc; email: string };
let attendee: { connection: ConnectionDoc; email: string };

beforeAll(async () => {
  // Waits scaled down: an update waits for the create it targets; a needs_reconnect connection is waited for 2 s.
  h = await startCalendarHarness('calendar', {
    targetRecheckMs: 200,
    reconnectGraceMs: 2_000,
    reconnectRecheckMs: 300,
  });
  organizer = await h.connect('full_calendar', 'organizer');
  attendee = await h.connect('full_calendar', 'attendee');
  h.startWorker();
});

afterAll(async () => {
  await h?.close();
});

const op = async (id: string) =>
  (await h.clients.deps.models.CalendarOperation.findById(id).lean()) as CalendarOperationDoc;

async function finished(id: string): Promise<CalendarOperationDoc> {
  await waitFor(
    async () => ['succeeded', 'failed'].includes((await op(id)).status),
    20_000,
    `calendar operation ${id}`,
  );
  return op(id);
}

let seq = 0;
function booking(subject: string, hour: number) {
  seq += 1;
  return {
    workspaceId: h.workspaceId,
    connectionId: organizer.connection._id,
    idempotencyKey: `booking-${seq}-${subject}`,
    metadata: { sequenceId: 'seq_42', step: seq },
    event: {
      subject,
      attendees: [
        { address: attendee.email, name: 'Attendee' },
        { address: 'outside@example.com', type: 'optional' as const },
      ],
      start: { dateTime: `2031-03-10T${String(hour).padStart(2, '0')}:00:00`, timeZone: 'Europe/Paris' },
      end: { dateTime: `2031-03-10T${String(hour).padStart(2, '0')}:30:00`, timeZone: 'Europe/Paris' },
      body: { contentType: 'html' as const, content: '<p>Agenda</p>' },
      location: 'Online',
    },
  };
}

const eventsWith = (email: string, subject: string) => h.emu.control.events(email).filter((e) => e.subject === subject);

async function productEvent(id: string) {
  const event = await findEvent(h.clients.deps.queues.queue('events'), id.replace(/:/g, '_'));
  return event as { type: string; data: Record<string, unknown> } | undefined;
}

describe('calendar operations against the emulator', () => {
  it('books a meeting that appears in the organizer calendar with its attendees, once per idempotency key', async () => {
    const input = booking('Intro call', 10);
    const first = await h.calendar.createEvent(input);
    const again = await h.calendar.createEvent(input);
    expect(again.created).toBe(false);
    expect(again.operation._id).toBe(first.operation._id);

    const done = await finished(first.operation._id);
    expect(done.status).toBe('succeeded');
    const events = eventsWith(organizer.email, 'Intro call');
    expect(events).toHaveLength(1);
    expect(events[0]?.id).toBe(done.eventId);
    expect(events[0]?.transactionId).toBe(done.transactionId);
    expect(
      (events[0]?.attendees as Array<{ emailAddress: { address: string }; type: string }>).map((a) => [
        a.emailAddress.address,
        a.type,
      ]),
    ).toEqual([
      [attendee.email, 'required'],
      ['outside@example.com', 'optional'],
    ]);
    // 10:00 Paris in March 2031 (CET) is 09:00 UTC.
    expect(events[0]?.start).toEqual({ dateTime: expect.stringMatching(/^2031-03-10T09:00:00/), timeZone: 'UTC' });
    expect(eventsWith(attendee.email, 'Intro call')).toHaveLength(1);

    const created = await productEvent(`calendar.event_created:${done._id}`);
    expect(created?.type).toBe('calendar.event_created');
    expect(created?.data).toMatchObject({
      operationId: done._id,
      eventId: done.eventId,
      metadata: { sequenceId: 'seq_42' },
    });
    const lines = await h.clients.deps.models.ConnectionActivity.find({
      connectionId: organizer.connection._id,
      type: 'calendar',
    }).lean();
    expect(lines.some((l) => l.detail.operationId === done._id && l.detail.outcome === 'created')).toBe(true);
  });

  it('creates one event, not two, when the worker dies after the Graph call and the job runs again', async () => {
    const { operation } = await h.calendar.createEvent(booking('Crash call', 11));
    const first = await finished(operation._id);
    expect(eventsWith(organizer.email, 'Crash call')).toHaveLength(1);

    // What the store holds when a worker died between Graph's 201 and recording the event id.
    await h.clients.deps.models.CalendarOperation.updateOne(
      { _id: operation._id },
      { $set: { status: 'running', eventId: null, result: null } },
    );
    await h.clients.deps.queues.enqueue(
      'calendar',
      { operationId: operation._id },
      { jobId: `${operation._id}-retry` },
    );
    await waitFor(async () => (await op(operation._id)).status === 'succeeded', 20_000, 'the retried operation');

    expect(eventsWith(organizer.email, 'Crash call')).toHaveLength(1);
    expect((await op(operation._id)).eventId).toBe(first.eventId);
  });

  it('moves and then cancels the booked meeting, addressed by its create operation', async () => {
    const { operation: create } = await h.calendar.createEvent(booking('Demo', 14));
    const { operation: update } = await h.calendar.updateEvent({
      workspaceId: h.workspaceId,
      connectionId: organizer.connection._id,
      idempotencyKey: `move-${create._id}`,
      target: { operationId: create._id },
      changes: {
        subject: 'Demo (moved)',
        start: { dateTime: '2031-03-10T16:00', timeZone: 'UTC' },
        end: { dateTime: '2031-03-10T17:00', timeZone: 'UTC' },
      },
    });
    const moved = await finished(update._id);
    expect(moved.status).toBe('succeeded');
    const [event] = eventsWith(organizer.email, 'Demo (moved)');
    expect(event?.start).toEqual({ dateTime: expect.stringMatching(/^2031-03-10T16:00:00/), timeZone: 'UTC' });
    expect((await productEvent(`calendar.event_updated:${update._id}`))?.type).toBe('calendar.event_updated');

    const { operation: cancel } = await h.calendar.cancelEvent({
      workspaceId: h.workspaceId,
      connectionId: organizer.connection._id,
      idempotencyKey: `cancel-${create._id}`,
      target: { eventId: moved.eventId ?? '' },
      comment: 'Sorry, something came up',
    });
    expect((await finished(cancel._id)).status).toBe('succeeded');
    expect(eventsWith(organizer.email, 'Demo (moved)')).toHaveLength(0);
    // The attendee's copy of the same meeting (same iCalUId) is marked cancelled.
    expect(h.emu.control.events(attendee.email).find((e) => e.iCalUId === event?.iCalUId)?.isCancelled).toBe(true);
    expect((await productEvent(`calendar.event_canceled:${cancel._id}`))?.type).toBe('calendar.event_canceled');
  });

  it('answers free/busy with the booked meeting busy and the rest free', async () => {
    const { operation } = await h.calendar.createEvent(booking('Busy block', 12)); // 11:00-11:30 UTC
    await finished(operation._id);
    const result = await h.calendar.getFreeBusy({
      workspaceId: h.workspaceId,
      connectionId: organizer.connection._id,
      schedules: [organizer.email, 'nobody@example.com'],
      start: { dateTime: '2031-03-10T12:00:00', timeZone: 'Romance Standard Time' },
      end: { dateTime: '2031-03-10T13:00:00', timeZone: 'Romance Standard Time' },
      intervalMinutes: 15,
    });
    expect(result.start).toBe('2031-03-10T11:00:00.000Z');
    const mine = result.schedules[0];
    expect(mine?.availabilityView).toBe('2200');
    expect(mine?.busy).toEqual([
      { start: '2031-03-10T11:00:00.000Z', end: '2031-03-10T11:30:00.000Z', status: 'busy' },
    ]);
    expect(result.schedules[1]?.error?.code).toBe('ErrorMailRecipientNotFound');
  });

  it('fails a booking on a mail-only connection with scope_missing at once, without calling Graph', async () => {
    const mailOnly = await h.connect('full', 'mailonly');
    const { operation } = await h.calendar.createEvent({
      ...booking('No scope', 9),
      connectionId: mailOnly.connection._id,
    });
    const done = await finished(operation._id);
    expect(done).toMatchObject({ status: 'failed', attempts: 1, error: { kind: 'permanent', code: 'scope_missing' } });
    expect(h.emu.control.requestLog(mailOnly.email).filter((r) => r.path.includes('/events'))).toEqual([]);
    const failed = await productEvent(`calendar.event_failed:${operation._id}`);
    expect(failed?.data).toMatchObject({
      operationId: operation._id,
      error: { code: 'scope_missing' },
      metadata: { sequenceId: 'seq_42' },
    });
    await expect(
      h.calendar.getFreeBusy({
        workspaceId: h.workspaceId,
        connectionId: mailOnly.connection._id,
        schedules: [mailOnly.email],
        start: { dateTime: '2031-03-10T08:00', timeZone: 'UTC' },
        end: { dateTime: '2031-03-10T09:00', timeZone: 'UTC' },
      }),
    ).rejects.toMatchObject({ name: 'FreeBusyLookupError', code: 'scope_missing' });
  });

  it('postpones a booking on a throttled mailbox (429 + Retry-After) instead of failing it, then books it once', async () => {
    const faultId = h.emu.control.injectFault({
      method: 'POST',
      path: '/me/events$',
      status: 429,
      code: 'ApplicationThrottled',
      retryAfterSec: 2,
      times: 1,
    });
    const { operation } = await h.calendar.createEvent(booking('Throttled call', 15));
    const throttledPost = () =>
      h.emu.control.requestLog(organizer.email).some((r) => r.method === 'POST' && r.status === 429);
    await waitFor(
      async () => throttledPost() && (await op(operation._id)).status === 'queued',
      20_000,
      'the throttled first try',
    );
    const job = await h.clients.deps.queues.queue('calendar').getJob(operation._id);
    expect(await job?.getState()).toBe('delayed');
    expect(job?.attemptsMade).toBe(0);

    const done = await finished(operation._id);
    h.emu.control.removeFault(faultId);
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(2);
    expect(eventsWith(organizer.email, 'Throttled call')).toHaveLength(1);
    const throttled = await h.clients.deps.models.ConnectionActivity.find({
      connectionId: organizer.connection._id,
      type: 'throttled',
    }).lean();
    expect(throttled.map((l) => l.detail.operationId)).toContain(operation._id);
  });

  it('refuses bad input with named fields, and an unknown connection', async () => {
    const bad = booking('Bad', 10);
    await expect(
      h.calendar.createEvent({ ...bad, event: { ...bad.event, end: bad.event.start } }),
    ).rejects.toMatchObject({
      name: 'InvalidPayloadError',
      issues: [{ path: 'event.end', message: 'must be after start' }],
    });
    await expect(h.calendar.createEvent({ ...bad, connectionId: `conn_${'0'.repeat(24)}` })).rejects.toMatchObject({
      name: 'CalendarNotFoundError',
    });
    await expect(h.calendar.createEvent({ ...bad, workspaceId: 'ws_other' })).rejects.toMatchObject({
      name: 'CalendarNotFoundError',
    });
  });

  describe('a connection that needs reconnecting', () => {
    const markNeedsReconnect = (id: string) =>
      h.clients.deps.models.Connection.updateOne(
        { _id: id },
        {
          $set: {
            status: 'needs_reconnect',
            statusReason: {
              code: 'grant_revoked',
              message: 'Access was revoked.',
              remediation: 'Reconnect the mailbox.',
              since: new Date(),
            },
          },
        },
      );
    const waitingNote = async (id: string) => (await op(id)).error?.kind === 'connection_unusable';

    it('waits, then fails with the connection reason and remediation when nobody reconnects it', async () => {
      const revoked = await h.connect('full_calendar', 'revoked');
      await markNeedsReconnect(revoked.connection._id);
      const { operation } = await h.calendar.createEvent({
        ...booking('Never reconnected', 9),
        connectionId: revoked.connection._id,
      });
      await waitFor(() => waitingNote(operation._id), 20_000, 'the waiting note');
      expect((await op(operation._id)).status).toBe('queued');

      const done = await finished(operation._id);
      expect(done).toMatchObject({
        status: 'failed',
        error: {
          kind: 'reconnect_required',
          code: 'grant_revoked',
          message: expect.stringContaining('Reconnect the mailbox.'),
        },
      });
      expect(h.emu.control.requestLog(revoked.email).filter((r) => r.path.includes('/events'))).toEqual([]);
      expect((await productEvent(`calendar.event_failed:${operation._id}`))?.data).toMatchObject({
        error: { code: 'grant_revoked' },
      });
    });

    it('books once the connection is active again within the wait', async () => {
      const back = await h.connect('full_calendar', 'back');
      await markNeedsReconnect(back.connection._id);
      const { operation } = await h.calendar.createEvent({
        ...booking('Reconnected in time', 9),
        connectionId: back.connection._id,
      });
      await waitFor(() => waitingNote(operation._id), 20_000, 'the waiting note');
      await h.clients.deps.models.Connection.updateOne(
        { _id: back.connection._id },
        { $set: { status: 'active', statusReason: null } },
      );

      const done = await finished(operation._id);
      expect(done).toMatchObject({ status: 'succeeded', error: null });
      expect(eventsWith(back.email, 'Reconnected in time')).toHaveLength(1);
    });
  });
});
