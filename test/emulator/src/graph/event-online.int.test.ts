import { GraphError } from '@microsoft/microsoft-graph-client';
import { connect, errorOf, graphFor, startWorld, type World } from '../testing/harness';

type Event = {
  id: string;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: string;
  onlineMeeting: { joinUrl: string } | null;
  singleValueExtendedProperties?: Array<{ id: string; value: string }>;
};
const MARKER = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name OutlookConnectOperation';
const slot = {
  start: { dateTime: '2030-03-04T10:00:00', timeZone: 'UTC' },
  end: { dateTime: '2030-03-04T10:30:00', timeZone: 'UTC' },
};

// The event resource (isOnlineMeeting, onlineMeetingProvider, onlineMeeting, transactionId) and extended properties
// ("Get singleValueLegacyExtendedProperty": $filter on events), through the real Graph client.
describe('Graph events: online meetings, transactionId, markers', () => {
  let w: World;
  let token: string;

  beforeAll(async () => {
    w = await startWorld();
    token = (await connect(w)).result.accessToken;
  });
  afterAll(async () => {
    await w.emu.close();
  });

  it('a Teams booking carries isOnlineMeeting, onlineMeetingProvider and onlineMeeting.joinUrl; a plain one does not', async () => {
    const graph = graphFor(w, token);
    const teams = (await graph
      .api('/me/events')
      .post({ subject: 'Demo', ...slot, isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' })) as Event;
    expect(teams).toMatchObject({ isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' });
    expect(teams.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    const plain = (await graph.api('/me/events').post({ subject: 'Call', ...slot })) as Event;
    expect(plain).toMatchObject({ isOnlineMeeting: false, onlineMeetingProvider: 'unknown', onlineMeeting: null });
    await expect(graph.api(`/me/events/${teams.id}`).patch({ isOnlineMeeting: false })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(
      graph.api('/me/events').post({ ...slot, isOnlineMeeting: true, onlineMeetingProvider: 'skypeForConsumer' }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('a repeated transactionId creates nothing and does not hand back the first event (undocumented: least forgiving)', async () => {
    const graph = graphFor(w, token);
    const transactionId = `tx-${Date.now()}`;
    await graph.api('/me/events').post({ subject: 'Once', ...slot, transactionId });
    const err = await errorOf(graph.api('/me/events').post({ subject: 'Once', ...slot, transactionId }));
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 409, code: 'ErrorDuplicateTransactionId' });
    expect(w.emu.control.events(w.user.email).filter((e) => e.subject === 'Once')).toHaveLength(1);
  });

  it('finds an event by its extended-property marker with $filter, and $expand returns the property', async () => {
    const graph = graphFor(w, token);
    const value = `op-${Date.now()}`;
    const created = (await graph
      .api('/me/events')
      .post({ subject: 'Marked', ...slot, singleValueExtendedProperties: [{ id: MARKER, value }] })) as Event;
    expect(created.singleValueExtendedProperties).toBeUndefined();
    const found = (await graph
      .api('/me/events')
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER}' and ep/value eq '${value}')`)
      .expand(`singleValueExtendedProperties($filter=id eq '${MARKER}')`)
      .get()) as { value: Event[] };
    expect(found.value.map((e) => e.id)).toEqual([created.id]);
    expect(found.value[0]?.singleValueExtendedProperties).toEqual([{ id: MARKER, value }]);
    const none = (await graph
      .api('/me/events')
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER}' and ep/value eq 'nope')`)
      .get()) as { value: Event[] };
    expect(none.value).toHaveLength(0);
  });
});
