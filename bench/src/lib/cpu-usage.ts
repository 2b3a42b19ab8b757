import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

// How busy the machine and some processes were over a window, from /proc (Linux): the machine's busy share of all
// cores (/proc/stat) and each process's CPU time (utime + stime of /proc/<pid>/stat). Parsing is pure; reading is here.

export interface MachineTicks {
  busy: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat: idle + iowait is idle; user, nice, system, irq, softirq, steal are busy. */
export function parseMachineTicks(procStat: string): MachineTicks | null {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  // guest and guest_nice (fields 9, 10) are already counted in user and nice.
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  if ([user, nice, system, idle].some((v) => v === undefined || !Number.isFinite(v))) return null;
  const idleAll = idle! + iowait;
  const total = user! + nice! + system! + idleAll + irq + softirq + steal;
  return { busy: total - idleAll, total };
}

/** utime + stime (fields 14 and 15) of /proc/<pid>/stat, in clock ticks; the name in parentheses may hold spaces. */
export function parseProcessTicks(pidStat: string): number | null {
  const rest = pidStat.slice(pidStat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
}

/** Busy share of all cores between two readings (0..1), null when nothing was counted. */
export function busyShare(before: MachineTicks, after: MachineTicks): number | null {
  const total = after.total - before.total;
  return total > 0 ? (after.busy - before.busy) / total : null;
}

export interface CpuWindow {
  seconds: number;
  /** Busy share of all the machine's cores (0..1). */
  machineBusy: number | null;
  cores: number;
  /** Per process: CPU seconds over the window divided by its length (1 = one core busy the whole time). */
  processCores: Array<number | null>;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

let clockTicks: number | null = null;
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Starts a window over the machine and these processes; `end()` reads again (call it before they exit). */
export function startCpuWindow(pids: Array<number | undefined>): { end(): CpuWindow } {
  const at = performance.now();
  const machine = parseMachineTicks(read('/proc/stat') ?? '');
  const procTicks = () => pids.map((pid) => (pid ? parseProcessTicks(read(`/proc/${pid}/stat`) ?? '') : null));
  const before = procTicks();
  return {
    end() {
      const seconds = (performance.now() - at) / 1000;
      const after = procTicks();
      const machineAfter = parseMachineTicks(read('/proc/stat') ?? '');
      const hz = ticksPerSecond();
      return {
        seconds,
        machineBusy: machine && machineAfter ? busyShare(machine, machineAfter) : null,
        cores: os.cpus().length,
        processCores: after.map((t, i) => {
          const b = before[i];
          return t === null || b === null || b === undefined || seconds <= 0 ? null : (t - b) / hz / seconds;
        }),
      };
    },
  };
}
