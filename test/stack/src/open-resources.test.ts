import { leftOpen, liveTimers, resourceCounts } from './open-resources';

describe('open resources', () => {
  it('counts each kind', () => {
    expect(resourceCounts(['Timeout', 'TCPSocketWrap', 'Timeout'])).toEqual(
      new Map([
        ['Timeout', 2],
        ['TCPSocketWrap', 1],
      ]),
    );
  });

  it('names the kinds that grew, with how many more', () => {
    const before = resourceCounts(['Timeout', 'TTYWrap']);
    const after = resourceCounts(['Timeout', 'TCPSocketWrap', 'TCPSocketWrap', 'TCPServerWrap', 'TTYWrap', 'TTYWrap']);
    expect(leftOpen(before, after)).toEqual(['TCPServerWrap x1', 'TCPSocketWrap x2']);
  });

  it('reports nothing when a file closed what it opened', () => {
    const before = resourceCounts(['Timeout', 'TCPSocketWrap']);
    expect(leftOpen(before, resourceCounts(['TCPSocketWrap']))).toEqual([]);
  });

  it('names the timers still waiting that hold the process, not fired, cleared or unref-ed ones', () => {
    const waiting = setInterval(() => undefined, 60_000);
    const unrefed = setTimeout(() => undefined, 60_000).unref();
    const cleared = setTimeout(() => undefined, 60_000);
    clearTimeout(cleared);
    try {
      expect(liveTimers([waiting, unrefed, cleared, waiting])).toEqual(['setInterval 60000 ms x2']);
    } finally {
      clearInterval(waiting);
      clearTimeout(unrefed);
    }
    expect(liveTimers([waiting])).toEqual([]);
  });
});
