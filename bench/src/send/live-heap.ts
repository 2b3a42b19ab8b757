import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../lib/progress';

// The live JS heap of a child process: started with the preload bench/src/lib/live-heap.cjs, it runs a full GC on
// SIGUSR2 and appends {heapUsed, rss} to BENCH_LIVE_HEAP_FILE. RSS alone cannot tell a leak from a heap V8 has not
// collected yet; this can, without the native memory a heap snapshot leaves behind.

export interface LiveHeap {
  /** Reachable JS heap after a full GC, bytes. */
  heapUsed: number;
  /** The child's RSS just after that GC, bytes. */
  rss: number;
}

const preload = join(__dirname, '..', 'lib', 'live-heap.cjs');

/** NODE_OPTIONS and the environment that make a child answer SIGUSR2 with its live heap, into `file`. */
export const liveHeapEnv = (file: string): { nodeOptions: string; env: Record<string, string> } => ({
  nodeOptions: `--require ${preload}`,
  env: { BENCH_LIVE_HEAP_FILE: file },
});

/** Parses the lines a child appended (a torn last line is left out). */
export function liveHeapLines(text: string): LiveHeap[] {
  const out: LiveHeap[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as Partial<LiveHeap>;
      if (typeof v.heapUsed === 'number' && typeof v.rss === 'number') out.push({ heapUsed: v.heapUsed, rss: v.rss });
    } catch {
      // still being written
    }
  }
  return out;
}

const readLines = (file: string) => (existsSync(file) ? liveHeapLines(readFileSync(file, 'utf8')) : []);

/** Signals `pid` and waits for its answer; null when none came within `timeoutMs`. */
export async function takeLiveHeap(pid: number, file: string, timeoutMs = 30_000): Promise<LiveHeap | null> {
  const before = readLines(file).length;
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(200);
    const lines = readLines(file);
    if (lines.length > before) return lines[lines.length - 1]!;
  }
  return null;
}
