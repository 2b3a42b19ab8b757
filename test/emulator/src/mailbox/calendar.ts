import { mailboxOf, nowIso, type EmulatorContext } from '../context';
import { badRequest } from '../graph/graph-error';
import { toUtcMs } from '../graph/time-zone';
import type { User } from '../state/model';
import { itemId, opaque } from '../util/ids';
import type { Mailbox } from './mailbox';
import { parseExtendedProps, preview, recipientOf } from './message-factory';
import { GraphError } from '../graph/graph-error';
import type { Attendee, CalendarEvent, DateTimeTimeZone, ItemBody, OnlineMeetingInfo } from './types';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function dateTimeTz(value: unknown, field: string): { dt: DateTimeTimeZone; ms: number } {
  if (!isRecord(value) || typeof value.dateTime !== 'string') {
    throw badRequest(`Your request can't be completed. The '${field}' property is required.`, 'ErrorInvalidRequest');
  }
  const timeZone = typeof value.timeZone === 'string' ? value.timeZone : 'UTC';
  const ms = toUtcMs(value.dateTime, timeZone);
  if (Number.isNaN(ms))
    throw badRequest(
      `Cannot convert the literal '${value.dateTime}' to the expected type 'Edm.DateTimeOffset'.`,
      'BadRequest',
    );
  return { dt: { dateTime: value.dateTime, timeZone }, ms };
}

function attendees(value: unknown): Attendee[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((a) => {
    const email = isRecord(a.emailAddress) ? a.emailAddress : {};
    const address = typeof email.address === 'string' ? email.address : '';
    const type = a.type === 'optional' || a.type === 'resource' ? a.type : 'required';
    return {
      type,
      emailAddress: { address, name: typeof email.name === 'string' ? email.name : address },
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
    };
  });
}

const SHOW_AS = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const;

function bodyOf(value: unknown): ItemBody {
  if (!isRecord(value)) return { contentType: 'html', content: '' };
  return {
    contentType: String(value.contentType).toLowerCase() === 'text' ? 'text' : 'html',
    content: typeof value.content === 'string' ? value.content : '',
  };
}

const PROVIDERS = ['unknown', 'teamsForBusiness', 'skypeForBusiness', 'skypeForConsumer'] as const;

/** A Teams meeting's join details (Graph initializes onlineMeeting once the event is online). */
function teamsMeeting(): OnlineMeetingInfo {
  const thread = `19%3ameeting_${opaque(36)}%40thread.v2`;
  return {
    joinUrl: `https://teams.microsoft.com/l/meetup-join/${thread}/0?context=%7b%7d`,
    conferenceId: String(100000000 + Math.floor(Math.random() * 899999999)),
    tollNumber: null,
  };
}

/**
 * isOnlineMeeting / onlineMeetingProvider (event resource): the mailbox's calendar allows Teams only (work account);
 * once online, the three fields cannot change again (a change is refused: assumed, the doc says only "cannot").
 */
function applyOnlineMeeting(ev: CalendarEvent, input: Record<string, unknown>): void {
  if (!('isOnlineMeeting' in input) && !('onlineMeetingProvider' in input)) return;
  const provider = input.onlineMeetingProvider;
  if (provider !== undefined && !(PROVIDERS as readonly unknown[]).includes(provider)) {
    throw badRequest(`Requested value '${String(provider)}' was not found.`, 'RequestBodyRead');
  }
  const wantsOnline = input.isOnlineMeeting === true || (provider !== undefined && provider !== 'unknown');
  if (ev.onlineMeeting) {
    if (input.isOnlineMeeting === false || (provider !== undefined && provider !== ev.onlineMeetingProvider)) {
      throw badRequest(
        'The online meeting properties of this event cannot be changed once set.',
        'ErrorInvalidRequest',
      );
    }
    return;
  }
  if (!wantsOnline) return;
  const chosen = provider === undefined || provider === 'unknown' ? 'teamsForBusiness' : provider;
  if (chosen !== 'teamsForBusiness')
    throw badRequest(
      `The online meeting provider '${String(chosen)}' is not allowed for this calendar.`,
      'ErrorInvalidRequest',
    );
  ev.isOnlineMeeting = true;
  ev.onlineMeetingProvider = 'teamsForBusiness';
  ev.onlineMeeting = teamsMeeting();
}

/** Applies Graph event fields from `input` onto `ev` (create and PATCH share this). */
function applyFields(ev: CalendarEvent, input: Record<string, unknown>): void {
  if (typeof input.subject === 'string') ev.subject = input.subject;
  if ('body' in input) {
    ev.body = bodyOf(input.body);
    ev.bodyPreview = preview(ev.body);
  }
  if ('start' in input) ({ dt: ev.start, ms: ev.startMs } = dateTimeTz(input.start, 'start'));
  if ('end' in input) ({ dt: ev.end, ms: ev.endMs } = dateTimeTz(input.end, 'end'));
  if (isRecord(input.location))
    ev.location = { displayName: typeof input.location.displayName === 'string' ? input.location.displayName : '' };
  if ('attendees' in input) ev.attendees = attendees(input.attendees);
  if (typeof input.isAllDay === 'boolean') ev.isAllDay = input.isAllDay;
  if (typeof input.showAs === 'string' && (SHOW_AS as readonly string[]).includes(input.showAs))
    ev.showAs = input.showAs as CalendarEvent['showAs'];
  applyOnlineMeeting(ev, input);
  if (ev.endMs < ev.startMs) throw badRequest('The end time must be after the start time.', 'ErrorInvalidRequest');
}

export function createEvent(ctx: EmulatorContext, organizer: User, box: Mailbox, input: unknown): CalendarEvent {
  if (!isRecord(input)) throw badRequest('Empty Payload. JSON content expected.');
  const transactionId = typeof input.transactionId === 'string' ? input.transactionId : null;
  // The event resource documents transactionId only as avoiding redundant creates, not what a repeat answers: the
  // least forgiving reading creates nothing and refuses (the caller must find its event itself).
  if (transactionId) {
    for (const existing of box.events.values()) {
      if (existing.transactionId === transactionId)
        throw new GraphError(409, 'ErrorDuplicateTransactionId', 'An event with this transactionId already exists.');
    }
  }
  if (!('start' in input) || !('end' in input))
    throw badRequest("Your request can't be completed. An event needs a start and an end.", 'ErrorInvalidRequest');
  const now = nowIso(ctx);
  const id = itemId();
  const ev: CalendarEvent = {
    id,
    iCalUId: `040000008200E00074C5B7101A82E008${opaque(24)}`,
    transactionId,
    createdDateTime: now,
    lastModifiedDateTime: now,
    changeKey: opaque(12),
    subject: '',
    bodyPreview: '',
    body: { contentType: 'html', content: '' },
    start: { dateTime: '', timeZone: 'UTC' },
    end: { dateTime: '', timeZone: 'UTC' },
    location: { displayName: '' },
    attendees: [],
    organizer: recipientOf(organizer.email, organizer.displayName),
    isAllDay: false,
    isCancelled: false,
    isOrganizer: true,
    showAs: 'busy',
    sensitivity: 'normal',
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    startMs: 0,
    endMs: 0,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    onlineMeeting: null,
    singleValueExtendedProperties: parseExtendedProps(input.singleValueExtendedProperties),
  };
  applyFields(ev, input);
  box.events.set(ev.id, ev);
  inviteAttendees(ctx, organizer, ev);
  return ev;
}

/** Emulated attendees get their own copy (Exchange delivers the invitation into their calendar). */
function inviteAttendees(ctx: EmulatorContext, organizer: User, ev: CalendarEvent): void {
  for (const attendee of ev.attendees) {
    const user = ctx.directory.findUserByEmail(attendee.emailAddress.address);
    if (!user || user.id === organizer.id) continue;
    const copy: CalendarEvent = {
      ...ev,
      id: itemId(),
      transactionId: null,
      singleValueExtendedProperties: [],
      isOrganizer: false,
      showAs: 'tentative',
      changeKey: opaque(12),
    };
    mailboxOf(ctx, user).events.set(copy.id, copy);
  }
}

export function updateEvent(ctx: EmulatorContext, box: Mailbox, ev: CalendarEvent, patch: unknown): CalendarEvent {
  if (!isRecord(patch)) throw badRequest('Empty Payload. JSON content expected.');
  applyFields(ev, patch);
  ev.lastModifiedDateTime = nowIso(ctx);
  ev.changeKey = opaque(12);
  box.events.set(ev.id, ev);
  return ev;
}

/** Organizer cancels: the event leaves the organizer's calendar; attendees' copies are marked cancelled. */
export function cancelEvent(ctx: EmulatorContext, box: Mailbox, ev: CalendarEvent): void {
  if (!ev.isOrganizer)
    throw badRequest(
      "Your request can't be completed. You need to be an organizer to cancel a meeting.",
      'ErrorInvalidRequest',
    );
  box.events.delete(ev.id);
  for (const other of ctx.mailboxes.values()) {
    for (const copy of other.events.values()) {
      if (copy.iCalUId === ev.iCalUId && !copy.isOrganizer) {
        copy.isCancelled = true;
        copy.subject = `Canceled: ${copy.subject}`;
      }
    }
  }
}
