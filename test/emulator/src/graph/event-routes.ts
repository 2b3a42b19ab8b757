import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context';
import { cancelEvent, createEvent, updateEvent } from '../mailbox/calendar';
import type { CalendarEvent } from '../mailbox/types';
import { GraphError, notFound } from './graph-error';
import { graphRoute, type GraphCall, type GraphResult } from './graph-route';
import { linkWith, parseQueryOptions, project } from './odata';
import { availabilityView } from './schedule';
import { fromUtcMs, toUtcMs } from './time-zone';

const CAL_READ = ['Calendars.Read', 'Calendars.ReadWrite', 'Calendars.ReadBasic'] as const;
const CAL_WRITE = ['Calendars.ReadWrite'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Prefer: outlook.timezone="..." (Graph answers in UTC otherwise). */
function preferredZone(request: FastifyRequest): string {
  const prefer = request.headers.prefer;
  const text = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  return /outlook\.timezone\s*=\s*"([^"]+)"/i.exec(text)?.[1] ?? 'UTC';
}

/** The Graph JSON of an event; singleValueExtendedProperties only on $expand (optionally $filter=id eq '...'). */
export function eventJson(
  ev: CalendarEvent,
  zone: string,
  select?: string[],
  expand?: string,
): Record<string, unknown> {
  const { startMs, endMs, singleValueExtendedProperties, ...rest } = ev;
  const full: Record<string, unknown> = {
    '@odata.etag': `W/"${ev.changeKey}"`,
    ...rest,
    start: { dateTime: fromUtcMs(startMs, zone), timeZone: zone },
    end: { dateTime: fromUtcMs(endMs, zone), timeZone: zone },
  };
  const projected = select ? project(full, select, []) : full;
  if (expand && /singleValueExtendedProperties/i.test(expand)) {
    const idFilter = /id\s+eq\s+'((?:[^']|'')*)'/i.exec(expand)?.[1]?.replace(/''/g, "'");
    const props = idFilter
      ? singleValueExtendedProperties.filter((p) => p.id.toLowerCase() === idFilter.toLowerCase())
      : singleValueExtendedProperties;
    if (props.length) projected.singleValueExtendedProperties = props;
  }
  return projected;
}

const eventOrThrow = (call: GraphCall): CalendarEvent => {
  const ev = call.mailbox.events.get(call.params.id ?? '');
  if (!ev) throw notFound();
  return ev;
};

function listEvents(call: GraphCall, items: CalendarEvent[]): GraphResult {
  const q = parseQueryOptions(call.query);
  const zone = preferredZone(call.request);
  const filter = q.filter;
  const sorted = (filter ? items.filter((e) => filter(e as unknown as Record<string, unknown>)) : [...items]).sort(
    (a, b) => a.startMs - b.startMs,
  );
  const top = q.top ?? 10;
  const page = sorted.slice(q.skip, q.skip + top);
  const body: Record<string, unknown> = { value: page.map((e) => eventJson(e, zone, q.select, q.expand)) };
  if (q.skip + top < sorted.length) {
    body['@odata.nextLink'] = linkWith(`${call.ctx.urls.url}${call.path}`, call.query, {
      $top: String(top),
      $skip: String(q.skip + top),
    });
  }
  return { status: 200, body };
}

function calendarView(call: GraphCall): GraphResult {
  const start = call.query.startDateTime ?? call.query.StartDateTime;
  const end = call.query.endDateTime ?? call.query.EndDateTime;
  if (!start || !end) {
    throw new GraphError(
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  }
  const startMs = toUtcMs(start, 'UTC');
  const endMs = toUtcMs(end, 'UTC');
  const inView = [...call.mailbox.events.values()].filter((e) => e.startMs < endMs && e.endMs > startMs);
  return listEvents(call, inView);
}

function getSchedule(call: GraphCall): GraphResult {
  const body = isRecord(call.body) ? call.body : {};
  const schedules = Array.isArray(body.schedules)
    ? body.schedules.filter((s): s is string => typeof s === 'string')
    : [];
  const start = isRecord(body.startTime) ? body.startTime : undefined;
  const end = isRecord(body.endTime) ? body.endTime : undefined;
  if (!schedules.length || typeof start?.dateTime !== 'string' || typeof end?.dateTime !== 'string') {
    throw new GraphError(400, 'ErrorInvalidRequest', 'Schedules, StartTime and EndTime are required.');
  }
  const zone = typeof start.timeZone === 'string' ? start.timeZone : 'UTC';
  const startMs = toUtcMs(start.dateTime, zone);
  const endMs = toUtcMs(end.dateTime, typeof end.timeZone === 'string' ? end.timeZone : zone);
  const interval = typeof body.availabilityViewInterval === 'number' ? body.availabilityViewInterval : 30;
  const value = schedules.map((scheduleId) => {
    const user = call.ctx.directory.findUserByEmail(scheduleId);
    const box = user ? call.ctx.mailboxes.get(user.id) : undefined;
    if (!user)
      return {
        scheduleId,
        availabilityView: '',
        scheduleItems: [],
        error: { message: 'The user could not be found.', responseCode: 'ErrorMailRecipientNotFound' },
      };
    const events = box
      ? [...box.events.values()].filter(
          (e) => !e.isCancelled && e.showAs !== 'free' && e.startMs < endMs && e.endMs > startMs,
        )
      : [];
    return {
      scheduleId,
      availabilityView: availabilityView(events, startMs, endMs, interval),
      scheduleItems: events.map((e) => ({
        isPrivate: e.sensitivity === 'private',
        status: e.showAs,
        subject: e.subject,
        location: e.location.displayName,
        isMeeting: e.attendees.length > 0,
        isRecurring: false,
        isException: false,
        isReminderSet: false,
        start: { dateTime: fromUtcMs(e.startMs, zone), timeZone: zone },
        end: { dateTime: fromUtcMs(e.endMs, zone), timeZone: zone },
      })),
      workingHours: {
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        startTime: '08:00:00.0000000',
        endTime: '17:00:00.0000000',
        timeZone: { name: zone },
      },
    };
  });
  return {
    status: 200,
    body: {
      '@odata.context': `${call.ctx.urls.graphUrl}/$metadata#Collection(microsoft.graph.scheduleInformation)`,
      value,
    },
  };
}

/** Calendar: events CRUD + cancel, calendarView, getSchedule. */
export function registerEventRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  for (const base of ['/me/events', '/me/calendar/events']) {
    graphRoute(app, ctx, {
      method: 'POST',
      path: base,
      scopes: CAL_WRITE,
      handler: (call) => ({
        status: 201,
        body: eventJson(createEvent(ctx, call.user, call.mailbox, call.body), preferredZone(call.request)),
      }),
    });
    graphRoute(app, ctx, {
      method: 'GET',
      path: base,
      scopes: CAL_READ,
      handler: (call) => listEvents(call, [...call.mailbox.events.values()]),
    });
  }
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/events/:id',
    scopes: CAL_READ,
    handler: (call) => {
      const q = parseQueryOptions(call.query);
      return { status: 200, body: eventJson(eventOrThrow(call), preferredZone(call.request), q.select, q.expand) };
    },
  });
  graphRoute(app, ctx, {
    method: 'PATCH',
    path: '/me/events/:id',
    scopes: CAL_WRITE,
    handler: (call) => ({
      status: 200,
      body: eventJson(updateEvent(ctx, call.mailbox, eventOrThrow(call), call.body), preferredZone(call.request)),
    }),
  });
  graphRoute(app, ctx, {
    method: 'DELETE',
    path: '/me/events/:id',
    scopes: CAL_WRITE,
    handler: (call) => {
      call.mailbox.events.delete(eventOrThrow(call).id);
      return { status: 204 };
    },
  });
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/me/events/:id/cancel',
    scopes: CAL_WRITE,
    handler: (call) => {
      cancelEvent(ctx, call.mailbox, eventOrThrow(call));
      return { status: 202 };
    },
  });
  graphRoute(app, ctx, { method: 'GET', path: '/me/calendarView', scopes: CAL_READ, handler: calendarView });
  graphRoute(app, ctx, { method: 'GET', path: '/me/calendar/calendarView', scopes: CAL_READ, handler: calendarView });
  graphRoute(app, ctx, { method: 'POST', path: '/me/calendar/getSchedule', scopes: CAL_READ, handler: getSchedule });
}
