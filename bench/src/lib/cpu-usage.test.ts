import { busyShare, parseMachineTicks, parseProcessTicks } from './cpu-usage';

describe('CPU use from /proc', () => {
  it('reads the machine line of /proc/stat: idle and iowait idle, the rest busy, guest not counted twice', () => {
    const stat = 'cpu  100 5 40 800 20 3 2 1 7 0\ncpu0 50 2 20 400 10 1 1 0 0 0\nintr 1 2 3\n';
    expect(parseMachineTicks(stat)).toEqual({ busy: 151, total: 971 });
    expect(parseMachineTicks('intr 1 2\n')).toBeNull();
  });

  it('the busy share of all cores between two readings', () => {
    expect(busyShare({ busy: 100, total: 400 }, { busy: 250, total: 600 })).toBe(0.75);
    expect(busyShare({ busy: 100, total: 400 }, { busy: 100, total: 400 })).toBeNull();
  });

  it("a process's utime + stime, with spaces and parentheses in its name", () => {
    const stat = '4242 (node (send) w) S 1 4242 4242 0 -1 4194304 99 0 0 0 1234 567 0 0 20 0 11 0 204322 3133440 380';
    expect(parseProcessTicks(stat)).toBe(1801);
    expect(parseProcessTicks('')).toBeNull();
  });
});
