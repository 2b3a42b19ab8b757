import { guid } from '../util/ids';

export interface FaultSpec {
  method?: string;
  /** Regex source, matched against the request path (no query string). */
  path: string;
  status?: number;
  code?: string;
  /** Seconds in Retry-After; Graph 429/503/504 faults carry 1 when absent (faultRetryAfter). */
  retryAfterSec?: number;
  /** A Graph 503/504 without Retry-After ("may be specified", so both happen). */
  noRetryAfter?: boolean;
  latencyMs?: number;
  /** Destroy the socket instead of answering. */
  drop?: boolean;
  /** Let the request take effect, then destroy the socket instead of answering (an answer lost on the way back). */
  dropAnswer?: boolean;
  /** Probability 0..1 that a matching request is hit (default 1). */
  rate?: number;
  /** Hit at most this many requests, then the fault is gone. */
  times?: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  hits: number;
}

/** Pure: does `fault` apply to this request, given a random roll in [0,1)? */
export function faultMatches(fault: FaultSpec, method: string, path: string, roll: number): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (!new RegExp(fault.path).test(path)) return false;
  if (fault.times !== undefined && fault.times <= 0) return false;
  return roll < (fault.rate ?? 1);
}

/** Injected faults; the first matching one wins. */
export class Faults {
  private faults: ActiveFault[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  add(spec: FaultSpec): string {
    new RegExp(spec.path); // fail fast on a bad pattern
    const fault: ActiveFault = { ...spec, id: guid(), hits: 0 };
    this.faults.push(fault);
    return fault.id;
  }

  remove(id: string): void {
    this.faults = this.faults.filter((f) => f.id !== id);
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Finds the fault for a request (any of its path spellings) and consumes one of its `times`. */
  take(method: string, path: string | string[]): ActiveFault | undefined {
    const paths = Array.isArray(path) ? path : [path];
    for (const fault of this.faults) {
      const roll = this.random();
      if (!paths.some((p) => faultMatches(fault, method, p, roll))) continue;
      fault.hits += 1;
      if (fault.times !== undefined) {
        fault.times -= 1;
        if (fault.times <= 0) this.remove(fault.id);
      }
      return { ...fault };
    }
    return undefined;
  }
}
