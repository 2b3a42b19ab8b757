import { readdirSync, readFileSync } from 'node:fs';
import { spanOf } from './stats';
import { parseMachineTicks, parseProcessTicks, ticksPerSecond, type MachineTicks } from './cpu-usage';

// Where a window's CPU went, process by process: /proc read every `everyMs` while a run goes on, and afterwards the
// CPU of each process (and of the whole machine) between the samples around the window a run's own timestamps give
// (its first and last unit done). The arithmetic is pure (cpuPerUnit); reading /proc is here.

export interface CpuSample {
  at: number;
  machine: MachineTicks | null;
  /** utime + stime in clock ticks, per watched process (null: not running or unreadable). */
  procs: Record<string, number | null>;
}

export interface CpuPerUnit {
  /** The span the two samples around the window cover, ms. */
  spanMs: number;
  /** Busy CPU of the whole machine (all cores), ms per unit. */
  machineMs: number | null;
  /** Per watched process, CPU ms per unit (null where it was not running at both ends). */
  byProcess: Record<string, number | null>;
}

/** CPU per unit over [fromMs, toMs], from the last sample at or before it to the first at or after it. */
export function cpuPerUnit(
  samples: readonly CpuSample[],
  fromMs: number,
  toMs: number,
  units: number,
  hz: number,
): CpuPerUnit | null {
  if (units <= 0 || toMs < fromMs) return null;
  const before = [...samples].reverse().find((s) => s.at <= fromMs);
  const after = samples.find((s) => s.at >= toMs);
  if (!before || !after || after.at <= before.at) return null;
  const ms = (ticks: number) => ((ticks / hz) * 1000) / units;
  const byProcess: Record<string, number | null> = {};
  for (const name of Object.keys(after.procs)) {
    const a = after.procs[name];
    const b = before.procs[name];
    byProcess[name] = a == null || b == null ? null : ms(a - b);
  }
  return {
    spanMs: after.at - before.at,
    machineMs: before.machine && after.machine ? ms(after.machine.busy - before.machine.busy) : null,
    byProcess,
  };
}

/** "14.9 (worker 5.6, store 5.4, ...)": the machine's figure, then each process's, largest first. */
export function describeCpu(cpu: CpuPerUnit | null): string {
  if (!cpu || cpu.machineMs == null) return 'n/a';
  const parts = Object.entries(cpu.byProcess)
    .filter((e): e is [string, number] => e[1] != null)
    .sort((x, y) => y[1] - x[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
  return `${cpu.machineMs.toFixed(1)} (${parts.join(', ')})`;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** The first process whose command line (arguments joined by spaces) matches. */
export function findPid(match: (cmdline: string) => boolean): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = read(`/proc/${entry}/cmdline`);
    if (cmdline && match(cmdline.split('\0').join(' '))) return Number(entry);
  }
  return undefined;
}

/**
 * The store's and Redis's processes, found by the port each listens on (the bench's stack starts them for the run;
 * from the URLs the children are given). Undefined where none matches (a server of the machine's own, say).
 */
export function serverPids(childEnv: Record<string, string | undefined>): { store?: number; redis?: number } {
  const portOf = (url: string | undefined) => (url ? new URL(url).port : '');
  const storePort = portOf(childEnv.MONGO_URL);
  const redisPort = portOf(childEnv.REDIS_URL);
  return {
    store: storePort ? findPid((c) => /ferretdb|mongod/.test(c) && c.includes(`:${storePort}`)) : undefined,
    redis: redisPort ? findPid((c) => c.includes('redis-server') && c.includes(`:${redisPort}`)) : undefined,
  };
}

/**
 * CPU per unit over a run's own timestamps, between the first sample after its first unit and the last sample before
 * its last, counting the units done between those two samples: the edges (a process starting up before its first
 * unit, idle after its last) stay out, which matters for runs of a second or two sampled every 100-200 ms. Null when
 * fewer than two units fall between two samples.
 */
export function cpuOverTimes(samples: readonly CpuSample[], times: readonly number[], hz: number): CpuPerUnit | null {
  const span = spanOf(times);
  if (!span || times.length < 2) return null;
  const from = samples.find((s) => s.at >= span.first);
  const to = [...samples].reverse().find((s) => s.at <= span.last);
  if (!from || !to || to.at <= from.at) return null;
  const units = times.filter((t) => t > from.at && t <= to.at).length;
  return units < 2 ? null : cpuPerUnit(samples, from.at, to.at, units, hz);
}

export interface CpuSampler {
  watch(name: string, pid: number | undefined): void;
  stop(): CpuSample[];
  hz: number;
}

export function startCpuSampler(pids: Record<string, number | undefined>, everyMs = 100): CpuSampler {
  const watched = new Map(Object.entries(pids));
  const samples: CpuSample[] = [];
  const sample = () => {
    const procs: Record<string, number | null> = {};
    for (const [name, pid] of watched) procs[name] = pid ? parseProcessTicks(read(`/proc/${pid}/stat`) ?? '') : null;
    samples.push({ at: Date.now(), machine: parseMachineTicks(read('/proc/stat') ?? ''), procs });
  };
  sample();
  let timer: NodeJS.Timeout | undefined = setInterval(sample, everyMs);
  return {
    hz: ticksPerSecond(),
    watch(name, pid) {
      watched.set(name, pid);
    },
    /** Stops sampling (after one last sample) and answers the samples; again, the same samples. */
    stop() {
      if (timer) {
        clearInterval(timer);
        timer = undefined;
        sample();
      }
      return samples;
    },
  };
}
