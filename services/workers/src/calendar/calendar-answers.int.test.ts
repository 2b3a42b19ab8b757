import { findEvent } from '@outlook-connect/queues';
import { waitFor } from '@outlook-connect/stack';
import type { CalendarOperationDoc, ConnectionDoc } from '@outlook-connect/shared';
import { startCalendarHarness, type CalendarHarness } from '../testing/calendar-harness';

// Calendar creates without undocumented promises: Graph's answer to POST /me/events lost on the way back, then the
// job retried, gives one event (found by our marker, not by what a repeated transactionId returns); a Teams booking
// hands the CRM its join URL. The real worker, gate, store, Redis and the emulator's Graph.

jest.setTimeout(60_000);

let h: CalendarHarness;
let organizer: { connection: ConnectionDoc; email: string };

beforeAll(async () => {
  h = await startCalendarHarness('calanswers');
  organizer = await h.connect('full_calendar', 'organizer');
  h.startWorker();
});

afterAll(async () => {
  await h?.close();
});

const op = async (id: string) =>
  (await h.clients.deps.models.CalendarOperation.findById(id).lean()) as CalendarOperationDoc;
const eventsWith = (subject: string) => h.emu.control.events(organizer.email).filter((e) => e.subject === subject);

function booking(subject: string, isOnlineMeeting: boolean) {
  return {
    workspaceId: h.workspaceId,
    connectionId: organizer.connection._id,
    idempotencyKey: `answers-${subject}`,
    event: {
      subject,
      isOnlineMeeting,
      attendees: [{ address: 'lead@example.com' }],
      start: { dateTime: '2031-04-02T10:00:00', timeZone: 'UTC' },
      end: { dateTime: '2031-04-02T10:30:00', timeZone: 'UTC' },
    },
  };
}

async function crmEvent(id: string) {
  const event = await findEvent(h.clients.deps.queues.queue('events'), id.replace(/:/g, '_'));
  return event as { type: string; data: { event: { joinUrl: string | null } | null; eventId: string } } | undefined;
}

describe('calendar creates and their answers', () => {
  it('a lost create answer, then the retry, makes one event', async () => {
    const faultId = h.emu.control.injectFault({ method: 'POST', path: '/me/events$', dropAnswer: true, times: 1 });
    const { operation } = await h.calendar.createEvent(booking('Lost answer', true));
    await waitFor(async () => (await op(operation._id)).status === 'succeeded', 40_000, 'the retried create');
    h.emu.control.removeFault(faultId);

    const done = await op(operation._id);
    expect(done.attempts).toBeGreaterThan(1);
    const events = eventsWith('Lost answer');
    expect(events).toHaveLength(1);
    expect(done.eventId).toBe(events[0]?.id);
    // The retry looked the event up by its marker before creating again; it never posted a second create.
    const posts = h.emu.control
      .requestLog(organizer.email)
      .filter((e) => e.method === 'POST' && /\/me\/events$/.test(e.path));
    expect(posts).toHaveLength(1);
    const created = await crmEvent(`calendar.event_created:${done._id}`);
    expect(created?.data.event?.joinUrl).toBe((events[0]?.onlineMeeting as { joinUrl: string }).joinUrl);
  });

  it("a Teams booking's join URL reaches the CRM in calendar.event_created", async () => {
    const { operation } = await h.calendar.createEvent(booking('Teams demo', true));
    await waitFor(async () => (await op(operation._id)).status === 'succeeded', 20_000, 'the Teams booking');
    const [event] = eventsWith('Teams demo');
    expect(event).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
    const joinUrl = (event?.onlineMeeting as { joinUrl: string }).joinUrl;
    expect(joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    const created = await crmEvent(`calendar.event_created:${operation._id}`);
    expect(created?.type).toBe('calendar.event_created');
    expect(created?.data.event?.joinUrl).toBe(joinUrl);

    const { operation: plain } = await h.calendar.createEvent(booking('In person', false));
    await waitFor(async () => (await op(plain._id)).status === 'succeeded', 20_000, 'the plain booking');
    expect((await crmEvent(`calendar.event_created:${plain._id}`))?.data.event?.joinUrl).toBeNull();
  });
});
