import {
  createEventInputSchema,
  eventChangesSchema,
  freeBusyInputSchema,
  MAX_ATTENDEES,
  storedRequestSchema,
  updateEventInputSchema,
} from './calendar-schemas';

const conn = `conn_${'a'.repeat(24)}`;
const base = {
  workspaceId: 'ws_1',
  connectionId: conn,
  idempotencyKey: 'booking-1',
  event: {
    subject: 'Intro call',
    attendees: [{ address: 'lead@example.com', name: 'Lead' }],
    start: { dateTime: '2025-06-02T10:00:00', timeZone: 'Europe/Paris' },
    end: { dateTime: '2025-06-02T10:30:00', timeZone: 'Europe/Paris' },
  },
};

function issues(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('createEventInputSchema', () => {
  it('fills defaults: required attendees, no online meeting, empty metadata', () => {
    const v = createEventInputSchema.parse(base);
    expect(v.event.attendees[0]).toEqual({ address: 'lead@example.com', name: 'Lead', type: 'required' });
    expect(v.event.isOnlineMeeting).toBe(false);
    expect(v.metadata).toEqual({});
  });

  it('refuses an end that is not after the start, comparing instants across zones', () => {
    const sameInstant = {
      ...base,
      event: { ...base.event, end: { dateTime: '2025-06-02T08:00:00', timeZone: 'UTC' } },
    };
    expect(issues(createEventInputSchema.safeParse(sameInstant))).toEqual(['event.end: must be after start']);
    // 10:00 Paris (08:00 UTC) to 09:00 UTC is fine although 09:00 < 10:00 on the clock.
    const later = { ...base, event: { ...base.event, end: { dateTime: '2025-06-02T09:00:00', timeZone: 'UTC' } } };
    expect(createEventInputSchema.safeParse(later).success).toBe(true);
  });

  it('names an unknown time zone and a date-time with an offset', () => {
    const bad = {
      ...base,
      event: {
        ...base.event,
        start: { dateTime: '2025-06-02T10:00:00Z', timeZone: 'Europe/Paris' },
        end: { dateTime: '2025-06-02T11:00:00', timeZone: 'Paris' },
      },
    };
    const found = issues(createEventInputSchema.safeParse(bad));
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^event\.start\.dateTime: must be a local date-time/),
        expect.stringMatching(/^event\.end\.timeZone: unknown time zone "Paris"/),
      ]),
    );
  });

  it('accepts Windows zone names and stores their canonical spelling', () => {
    const v = createEventInputSchema.parse({
      ...base,
      event: {
        ...base.event,
        start: { dateTime: '2025-06-02T10:00', timeZone: 'pacific standard time' },
        end: { dateTime: '2025-06-02T11:00', timeZone: 'Pacific Standard Time' },
      },
    });
    expect(v.event.start.timeZone).toBe('Pacific Standard Time');
  });

  it('caps attendees and checks their addresses', () => {
    const many = Array.from({ length: MAX_ATTENDEES + 1 }, (_, i) => ({ address: `a${i}@example.com` }));
    expect(issues(createEventInputSchema.safeParse({ ...base, event: { ...base.event, attendees: many } }))).toEqual([
      `event.attendees: at most ${MAX_ATTENDEES} attendees`,
    ]);
    expect(
      createEventInputSchema.safeParse({ ...base, event: { ...base.event, attendees: [{ address: 'nope' }] } }).success,
    ).toBe(false);
  });

  it('refuses a bad connection id, an empty key and an empty subject', () => {
    const r = createEventInputSchema.safeParse({
      ...base,
      connectionId: 'conn_x',
      idempotencyKey: '',
      event: { ...base.event, subject: '  ' },
    });
    expect(issues(r).map((s) => s.split(':')[0])).toEqual(
      expect.arrayContaining(['connectionId', 'idempotencyKey', 'event.subject']),
    );
  });
});

describe('eventChangesSchema', () => {
  it('needs at least one change and refuses unknown fields', () => {
    expect(issues(eventChangesSchema.safeParse({}))).toEqual([': name at least one change']);
    expect(eventChangesSchema.safeParse({ subjekt: 'x' }).success).toBe(false);
  });

  it('checks end after start when both move', () => {
    const r = eventChangesSchema.safeParse({
      start: { dateTime: '2025-06-02T11:00', timeZone: 'UTC' },
      end: { dateTime: '2025-06-02T10:00', timeZone: 'UTC' },
    });
    expect(issues(r)).toEqual(['end: must be after start']);
  });
});

describe('updateEventInputSchema', () => {
  it('targets an event id or a create operation, not both', () => {
    const ok = { workspaceId: 'ws_1', connectionId: conn, idempotencyKey: 'k', changes: { subject: 'Moved' } };
    expect(updateEventInputSchema.safeParse({ ...ok, target: { eventId: 'AAMk=' } }).success).toBe(true);
    expect(updateEventInputSchema.safeParse({ ...ok, target: { operationId: `cal_${'b'.repeat(24)}` } }).success).toBe(
      true,
    );
    expect(
      updateEventInputSchema.safeParse({ ...ok, target: { eventId: 'AAMk=', operationId: `cal_${'b'.repeat(24)}` } })
        .success,
    ).toBe(false);
  });
});

describe('storedRequestSchema', () => {
  it('round-trips what the producer stored', () => {
    const v = createEventInputSchema.parse(base);
    const stored = JSON.parse(JSON.stringify({ kind: 'create', event: v.event }));
    expect(storedRequestSchema.parse(stored)).toEqual({ kind: 'create', event: v.event });
  });
});

describe('freeBusyInputSchema', () => {
  const fb = {
    workspaceId: 'ws_1',
    connectionId: conn,
    schedules: ['a@example.com'],
    start: { dateTime: '2025-06-02T08:00', timeZone: 'UTC' },
    end: { dateTime: '2025-06-02T18:00', timeZone: 'UTC' },
  };

  it('defaults the interval to 30 minutes', () => {
    expect(freeBusyInputSchema.parse(fb).intervalMinutes).toBe(30);
  });

  it('refuses an empty schedule list, a reversed window and a window over 62 days', () => {
    expect(freeBusyInputSchema.safeParse({ ...fb, schedules: [] }).success).toBe(false);
    expect(issues(freeBusyInputSchema.safeParse({ ...fb, end: fb.start }))).toEqual(['end: must be after start']);
    expect(
      issues(freeBusyInputSchema.safeParse({ ...fb, end: { dateTime: '2025-09-02T08:00', timeZone: 'UTC' } })),
    ).toEqual(['end: the window may span at most 62 days']);
  });
});
