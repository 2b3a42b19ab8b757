import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { procStatusBytes } from './proc-status';

// Peak RSS of child processes: VmHWM is the kernel's high-water mark, read until the process exits.

export interface PeakRss {
  process: string;
  pid: number;
  peakRssMb: number | null;
}

export class RssSampler {
  private readonly peaks = new Map<string, { pid: number; bytes: number | null }>();
  private readonly timer: NodeJS.Timeout;
  private readonly live = new Map<string, number>();

  constructor(everyMs = 250) {
    this.timer = setInterval(() => this.sampleAll(), everyMs);
    this.timer.unref();
  }

  /** Samples `child` under `name` until it exits. */
  watch(name: string, child: ChildProcess): void {
    if (!child.pid) return;
    this.live.set(name, child.pid);
    this.peaks.set(name, { pid: child.pid, bytes: null });
    child.once('exit', () => this.live.delete(name));
  }

  /** Reads every live process now (call just before stopping one: its high-water mark is gone after exit). */
  sampleAll(): void {
    for (const [name, pid] of this.live) {
      let status: string;
      try {
        status = readFileSync(`/proc/${pid}/status`, 'utf8');
      } catch {
        continue;
      }
      const hwm = procStatusBytes(status, 'VmHWM');
      const entry = this.peaks.get(name)!;
      if (hwm !== null && (entry.bytes === null || hwm > entry.bytes)) entry.bytes = hwm;
    }
  }

  results(): PeakRss[] {
    return [...this.peaks].map(([name, p]) => ({
      process: name,
      pid: p.pid,
      peakRssMb: p.bytes === null ? null : Math.round((p.bytes / 1048576) * 10) / 10,
    }));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
