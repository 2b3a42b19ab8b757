import { sendWriteLane, SEND_WRITES_IN_FLIGHT } from './write-lane';

describe('send write lane', () => {
  it('keeps one lane per store, with room for SEND_WRITES_IN_FLIGHT writes', async () => {
    const models = {};
    const lane = sendWriteLane(models);
    expect(sendWriteLane(models)).toBe(lane);
    expect(sendWriteLane({})).not.toBe(lane);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const writes = Array.from({ length: SEND_WRITES_IN_FLIGHT + 1 }, () => lane.run(() => held));
    expect([lane.inFlight, lane.waiting]).toEqual([SEND_WRITES_IN_FLIGHT, 1]);
    release();
    await Promise.all(writes);
    expect([lane.inFlight, lane.waiting]).toEqual([0, 0]);
  });
});
