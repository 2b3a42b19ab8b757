import type { EventChanges, EventDetails } from '@outlook-connect/queues';

// Our event request <-> Graph's event JSON (POST/PATCH /me/events). Pure.

type Details = EventDetails;

export interface GraphEventJson {
  subject?: string;
  body?: { contentType: 'html' | 'text'; content: string };
  start?: { dateTime: string; timeZone: string };
  end?: { dateTime: string; timeZone: string };
  location?: { displayName: string };
  attendees?: Array<{ emailAddress: { address: string; name?: string }; type: 'required' | 'optional' }>;
  isOnlineMeeting?: boolean;
  onlineMeetingProvider?: 'teamsForBusiness';
  transactionId?: string;
  singleValueExtendedProperties?: Array<{ id: string; value: string }>;
}

/**
 * Our marker on every event we create: the operation's transactionId in an extended property, so a run that lost
 * Graph's answer finds the event ($filter on singleValueExtendedProperties) instead of relying on what a repeated
 * transactionId returns (undocumented).
 */
export const OPERATION_MARKER_ID = 'String {4b0f6c2e-8d1a-4f57-9a3e-5c7d2e9b1f08} Name x-oc-calendar-operation';

/** The $filter that finds the event an operation created. */
export function markerFilter(transactionId: string): string {
  return `singleValueExtendedProperties/Any(ep: ep/id eq '${OPERATION_MARKER_ID}' and ep/value eq '${transactionId.replace(/'/g, "''")}')`;
}

function attendeesJson(list: Details['attendees']): NonNullable<GraphEventJson['attendees']> {
  return list.map((a) => ({
    emailAddress: a.name ? { address: a.address, name: a.name } : { address: a.address },
    type: a.type,
  }));
}

function fieldsJson(fields: EventChanges): GraphEventJson {
  const json: GraphEventJson = {};
  if (fields.subject !== undefined) json.subject = fields.subject;
  if (fields.body !== undefined) json.body = { contentType: fields.body.contentType, content: fields.body.content };
  if (fields.start !== undefined) json.start = { dateTime: fields.start.dateTime, timeZone: fields.start.timeZone };
  if (fields.end !== undefined) json.end = { dateTime: fields.end.dateTime, timeZone: fields.end.timeZone };
  if (fields.location !== undefined) json.location = { displayName: fields.location };
  if (fields.attendees !== undefined) json.attendees = attendeesJson(fields.attendees);
  if (fields.isOnlineMeeting !== undefined) {
    json.isOnlineMeeting = fields.isOnlineMeeting;
    if (fields.isOnlineMeeting) json.onlineMeetingProvider = 'teamsForBusiness';
  }
  return json;
}

/** The body of POST /me/events: the operation's transactionId (Graph avoids a redundant create) and our marker. */
export function toGraphEvent(details: Details, transactionId: string): GraphEventJson {
  return {
    ...fieldsJson(details),
    transactionId,
    singleValueExtendedProperties: [{ id: OPERATION_MARKER_ID, value: transactionId }],
  };
}

/** The body of PATCH /me/events/{id}: only the fields that change. */
export function toGraphEventPatch(changes: EventChanges): GraphEventJson {
  return fieldsJson(changes);
}

/** What an operation keeps of Graph's answer (never the body: it may be large and is the producer's own text). */
export interface EventSummary {
  eventId: string;
  iCalUId: string | null;
  webLink: string | null;
  joinUrl: string | null;
  start: { dateTime: string; timeZone: string } | null;
  end: { dateTime: string; timeZone: string } | null;
  isCancelled: boolean;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function dtz(v: unknown): { dateTime: string; timeZone: string } | null {
  if (typeof v !== 'object' || v === null) return null;
  const { dateTime, timeZone } = v as Record<string, unknown>;
  return typeof dateTime === 'string' && typeof timeZone === 'string' ? { dateTime, timeZone } : null;
}

export class UnexpectedGraphAnswerError extends Error {
  override name = 'UnexpectedGraphAnswerError';
}

export function summarizeEvent(answer: unknown): EventSummary {
  const e = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  const eventId = str(e.id);
  if (!eventId) throw new UnexpectedGraphAnswerError('Graph answered without an event id');
  const online = (typeof e.onlineMeeting === 'object' && e.onlineMeeting !== null ? e.onlineMeeting : {}) as Record<
    string,
    unknown
  >;
  return {
    eventId,
    iCalUId: str(e.iCalUId),
    webLink: str(e.webLink),
    joinUrl: str(online.joinUrl) ?? str(e.onlineMeetingUrl),
    start: dtz(e.start),
    end: dtz(e.end),
    isCancelled: e.isCancelled === true,
  };
}
