import { liveHeapBytes } from './heap-snapshot';

describe('liveHeapBytes', () => {
  it('sums self_size across nodes, whatever the field order', () => {
    const snapshot = {
      snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'] } },
      nodes: [0, 1, 1, 100, 0, 3, 2, 2, 250, 1, 3, 4, 3, 7, 0],
    };
    expect(liveHeapBytes(snapshot)).toBe(357);
  });

  it('refuses a snapshot it cannot read', () => {
    expect(() => liveHeapBytes({ snapshot: { meta: { node_fields: ['type'] } }, nodes: [1] })).toThrow(/self_size/);
  });
});
