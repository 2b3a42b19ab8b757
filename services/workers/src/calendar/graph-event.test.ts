import { eventChangesSchema, eventDetailsSchema } from '@outlook-connect/queues';
import {
  markerFilter,
  OPERATION_MARKER_ID,
  summarizeEvent,
  toGraphEvent,
  toGraphEventPatch,
  UnexpectedGraphAnswerError,
} from './graph-event';

const details = eventDetailsSchema.parse({
  subject: 'Demo',
  attendees: [
    { address: 'lead@example.com', name: 'Lead' },
    { address: 'cto@example.com', type: 'optional' },
  ],
  start: { dateTime: '2025-06-02T10:00:00', timeZone: 'Pacific Standard Time' },
  end: { dateTime: '2025-06-02T10:30:00', timeZone: 'Pacific Standard Time' },
  body: { contentType: 'html', content: '<p>Agenda</p>' },
  location: 'Zoom',
  isOnlineMeeting: true,
});

describe('toGraphEvent', () => {
  it('maps a booking to Graph event JSON with the operation transactionId', () => {
    expect(toGraphEvent(details, 'tx-1')).toEqual({
      subject: 'Demo',
      body: { contentType: 'html', content: '<p>Agenda</p>' },
      start: { dateTime: '2025-06-02T10:00:00', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2025-06-02T10:30:00', timeZone: 'Pacific Standard Time' },
      location: { displayName: 'Zoom' },
      attendees: [
        { emailAddress: { address: 'lead@example.com', name: 'Lead' }, type: 'required' },
        { emailAddress: { address: 'cto@example.com' }, type: 'optional' },
      ],
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      transactionId: 'tx-1',
      singleValueExtendedProperties: [{ id: OPERATION_MARKER_ID, value: 'tx-1' }],
    });
  });

  it("finds the operation's event by its marker (quotes doubled)", () => {
    expect(markerFilter("tx'1")).toBe(
      `singleValueExtendedProperties/Any(ep: ep/id eq '${OPERATION_MARKER_ID}' and ep/value eq 'tx''1')`,
    );
  });

  it('leaves out what the producer did not give', () => {
    const plain = eventDetailsSchema.parse({ subject: 'S', start: details.start, end: details.end });
    expect(Object.keys(toGraphEvent(plain, 'tx')).sort()).toEqual([
      'attendees',
      'end',
      'isOnlineMeeting',
      'singleValueExtendedProperties',
      'start',
      'subject',
      'transactionId',
    ]);
  });
});

describe('toGraphEventPatch', () => {
  it('sends only the changed fields, without a transactionId', () => {
    const changes = eventChangesSchema.parse({ subject: 'Moved', isOnlineMeeting: false });
    expect(toGraphEventPatch(changes)).toEqual({ subject: 'Moved', isOnlineMeeting: false });
  });
});

describe('summarizeEvent', () => {
  it('keeps ids, links and times, not the body', () => {
    const s = summarizeEvent({
      id: 'AAMk1',
      iCalUId: 'ical-1',
      webLink: 'https://outlook/1',
      onlineMeeting: { joinUrl: 'https://teams/1' },
      start: { dateTime: '2025-06-02T17:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2025-06-02T17:30:00.0000000', timeZone: 'UTC' },
      body: { content: 'secret agenda' },
    });
    expect(s).toEqual({
      eventId: 'AAMk1',
      iCalUId: 'ical-1',
      webLink: 'https://outlook/1',
      joinUrl: 'https://teams/1',
      start: { dateTime: '2025-06-02T17:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2025-06-02T17:30:00.0000000', timeZone: 'UTC' },
      isCancelled: false,
    });
  });

  it('refuses an answer without an id', () => {
    expect(() => summarizeEvent({})).toThrow(UnexpectedGraphAnswerError);
    expect(() => summarizeEvent(undefined)).toThrow(UnexpectedGraphAnswerError);
  });
});
