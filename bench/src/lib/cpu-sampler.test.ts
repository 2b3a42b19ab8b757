import { cpuOverTimes, cpuPerUnit, describeCpu, type CpuSample } from './cpu-sampler';

const sample = (at: number, busy: number, worker: number | null, store: number | null): CpuSample => ({
  at,
  machine: { busy, total: busy * 2 },
  procs: { worker, store },
});

// 100 ticks a second: 1 tick = 10 ms of CPU.
const samples = [sample(0, 0, 0, 0), sample(200, 30, 10, 15), sample(400, 70, 30, 35), sample(600, 100, 45, 50)];

describe('cpuPerUnit', () => {
  it('counts from the last sample at or before the window to the first at or after it, per unit', () => {
    const c = cpuPerUnit(samples, 250, 400, 2, 100);
    expect(c).toEqual({ spanMs: 200, machineMs: 200, byProcess: { worker: 100, store: 100 } });
  });

  it('widens to the samples around a window that falls between them', () => {
    expect(cpuPerUnit(samples, 100, 500, 10, 100)).toEqual({
      spanMs: 600,
      machineMs: 100,
      byProcess: { worker: 45, store: 50 },
    });
  });

  it('gives null for a process not read at both ends, and nothing for a window the samples do not cover', () => {
    const gone = [...samples.slice(0, 3), sample(600, 100, 45, null)];
    expect(cpuPerUnit(gone, 0, 600, 1, 100)?.byProcess).toEqual({ worker: 450, store: null });
    expect(cpuPerUnit(samples, 100, 700, 1, 100)).toBeNull();
    expect(cpuPerUnit(samples, -5, 100, 1, 100)).toBeNull();
    expect(cpuPerUnit(samples, 0, 600, 0, 100)).toBeNull();
  });
});

describe('cpuOverTimes', () => {
  it('counts between the samples inside the run, and only the units done between them', () => {
    // Samples at 200 and 400 lie inside the run (150-550): the units after 200 up to 400 are 250, 300 and 400.
    expect(cpuOverTimes(samples, [550, 150, 250, 300, 400, 180], 100)).toEqual(cpuPerUnit(samples, 200, 400, 3, 100));
  });

  it('gives null for a run shorter than its samples, or with under two units between them', () => {
    expect(cpuOverTimes(samples, [300], 100)).toBeNull();
    expect(cpuOverTimes(samples, [250, 350], 100)).toBeNull();
    expect(cpuOverTimes(samples, [150, 300, 450], 100)).toBeNull();
  });
});

describe('describeCpu', () => {
  it('puts the machine first, then the processes largest first, leaving out unknown ones', () => {
    expect(describeCpu({ spanMs: 1, machineMs: 14.94, byProcess: { redis: 0.5, worker: 5.61, store: null } })).toBe(
      '14.9 (worker 5.6, redis 0.5)',
    );
    expect(describeCpu(null)).toBe('n/a');
  });
});
