import { createEventInputSchema, freeBusyQuerySchema } from './calendar-schemas';
import { metadataSchema, MAX_METADATA_DEPTH } from './metadata-schema';

const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });
const issueOf = (value: unknown) => {
  const r = metadataSchema.safeParse(value);
  return r.success ? null : { path: r.error.issues[0]!.path.join('.'), message: r.error.issues[0]!.message };
};

describe('metadata', () => {
  it('keeps plain JSON', () => {
    expect(issueOf({ dealId: 'd_1', tags: ['a', { b: 1 }], nested: deep(MAX_METADATA_DEPTH - 1) })).toBeNull();
  });

  it('refuses keys the store cannot keep, naming the key', () => {
    expect(issueOf({ $where: 1 })).toEqual({ path: '$where', message: 'keys may not start with $' });
    expect(issueOf({ ok: [{ 'a.b': 1 }] })).toEqual({ path: 'ok.0.a.b', message: 'keys may not contain .' });
    expect(issueOf({ 'a\u0000': 1 })).toMatchObject({ message: 'keys may not contain NUL' });
  });

  it('refuses deep nesting (400 levels) and oversize metadata', () => {
    expect(issueOf(deep(400))?.message).toBe(`nests deeper than ${MAX_METADATA_DEPTH} levels`);
    expect(issueOf({ big: 'x'.repeat(17 * 1024) })?.message).toMatch(/at most 16384 bytes/);
  });
});

describe('calendar times refused without throwing', () => {
  const slot = (dateTime: string, timeZone = 'Europe/Paris') => ({ dateTime, timeZone });
  it.each([['hello'], ['2027-02-30T10:00:00'], ['a\ud800'], ['']])('start.dateTime %j is a field error', (dateTime) => {
    const r = freeBusyQuerySchema.safeParse({
      schedules: ['a@example.com'],
      start: slot(dateTime),
      end: slot('2031-04-01T15:00:00'),
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('start.dateTime');
  });

  it('an empty timeZone is a field error, also on a booking', () => {
    const r = createEventInputSchema.safeParse({
      workspaceId: 'ws_1',
      connectionId: `conn_${'a'.repeat(24)}`,
      idempotencyKey: 'k',
      event: { subject: 's', start: slot('2031-04-01T15:00:00', ''), end: slot('2031-04-01T16:00:00') },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('event.start.timeZone');
  });
});
