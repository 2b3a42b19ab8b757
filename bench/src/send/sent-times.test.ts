import { latenciesFor, sentTimesByMarker } from './sent-times';

describe('sent times', () => {
  it('maps each marker to its sentDateTime and skips items without one', () => {
    const items = [
      {
        sentDateTime: '2025-01-01T00:00:01.250Z',
        singleValueExtendedProperties: [{ id: 'String {x} Name x-oc-send-id', value: 'oc-a' }],
      },
      { sentDateTime: null, singleValueExtendedProperties: [{ id: 'x', value: 'oc-b' }] },
      { sentDateTime: '2025-01-01T00:00:02.000Z' },
    ];
    expect([...sentTimesByMarker(items)]).toEqual([['oc-a', Date.parse('2025-01-01T00:00:01.250Z')]]);
  });

  it('matches enqueue times to Graph times and counts the missing', () => {
    const enq = new Map([
      ['a', 1_000],
      ['b', 2_000],
      ['c', 3_000],
    ]);
    const sent = new Map([
      ['a', 1_040],
      ['b', 2_300],
    ]);
    expect(latenciesFor(enq, sent)).toEqual({ latenciesMs: [40, 300], missing: 1 });
  });
});
