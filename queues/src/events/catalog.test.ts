import { eventCatalog, eventId, eventSchema, eventsJsonSchema, occurrenceHash } from './index';

describe('event catalog', () => {
  const envelope = {
    id: 'connection.disconnected_conn_1_v2',
    type: 'connection.disconnected',
    workspaceId: 'ws_1',
    occurredAt: '2026-01-01T00:00:00.000Z',
  };

  it('checks data against the schema of its event type', () => {
    expect(eventSchema.safeParse({ ...envelope, data: { mailbox: 'a@b.test' } }).success).toBe(true);
    const bad = eventSchema.safeParse({ ...envelope, data: { mailbox: 7 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['data', 'mailbox']);
  });

  it('builds every id one way: type, subject, occurrence', () => {
    expect(eventId('connection.needs_reconnect', 'conn_1', 1700000000000)).toBe(
      'connection.needs_reconnect_conn_1_1700000000000',
    );
    expect(eventId('send.sent', 'send_1')).toBe('send.sent_send_1');
    expect(eventId('message.received', 'conn_1', occurrenceHash('AAMk/x+y='))).toMatch(
      /^message\.received_conn_1_[a-f0-9]{32}$/,
    );
    expect(() => eventId('send.sent', 'send:1')).toThrow(/characters outside/);
  });

  it('exports a JSON Schema with one entry per event type', () => {
    const schema = eventsJsonSchema() as { oneOf: Array<{ title: string; properties: { data: { type?: string } } }> };
    expect(schema.oneOf.map((s) => s.title).sort()).toEqual(Object.keys(eventCatalog).sort());
    expect(schema.oneOf.every((s) => s.properties.data.type === 'object')).toBe(true);
  });
});
