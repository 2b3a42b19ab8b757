import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inParallel, progress, sleep } from '../lib/progress';
import { procStatusBytes } from '../lib/proc-status';
import type { BenchEnv } from '../setup/bench-env';
import { liveHeapEnv, takeLiveHeap } from './live-heap';
import { rssGrowth, type RssGrowth, type RssSample } from './rss-growth';
import type { Mailbox, SendSubject } from './send-driver';

// Flat RSS over a long send run: one send worker process takes `sends` sends, fed in chunks so the backlog stays
// bounded, while its resident set (VmRSS) is sampled; growth is measured after a warm-up (the first fifth of the sends).
// RSS alone cannot tell a leak from garbage V8 has not collected yet (it grows its old space lazily under a high
// allocation rate), so the live heap is also read twice, at the end of warm-up and at the end, after a full GC
// (bench/src/lib/live-heap.cjs; not a heap snapshot, whose own native memory stayed in the RSS): a leak shows as
// live-heap growth.

export interface RssRunResult extends RssGrowth {
  sends: number;
  sent: number;
  seconds: number;
  samples: number;
  /** Reachable JS heap after a full GC, at the end of warm-up and at the end, MB (null: the worker did not answer). */
  liveHeapAfterWarmUpMb: number | null;
  liveHeapEndMb: number | null;
  /** RSS just after the last full GC, MB. */
  rssAfterFullGcMb: number | null;
}

const toMb = (b: number | null) => (b === null ? null : Math.round((b / 1048576) * 10) / 10);

const readRss = (pid: number): number | null => {
  try {
    return procStatusBytes(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
  } catch {
    return null;
  }
};

export async function runRssRun(
  env: BenchEnv,
  subject: SendSubject,
  mailboxes: Mailbox[],
  opts: { sends: number; timeoutMs: number; chunk?: number },
): Promise<RssRunResult> {
  const chunk = opts.chunk ?? 500;
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-heap-'));
  const heapFile = join(dir, 'live-heap.jsonl');
  const worker = subject.startWorker(liveHeapEnv(heapFile));
  const pid = worker.child.pid!;
  const warmUpSends = Math.floor(opts.sends / 5);
  let liveAfterWarmUp: number | null = null;
  let liveEnd: number | null;
  let rssAfterFullGc: number | null;
  const samples: RssSample[] = [];
  const sentAtGraph = () => env.emu.control.counters().sendsByMarker;
  const markers: string[] = [];
  const t0 = Date.now();
  const deadline = t0 + opts.timeoutMs;
  let sent = 0;
  let lastLog = t0;
  const countSent = () => {
    const seen = sentAtGraph();
    let n = 0;
    for (const m of markers) if (seen[m]) n += 1;
    return n;
  };
  // Sampled on a timer of its own, so a slow enqueue does not thin the samples.
  const sampler = setInterval(() => {
    const bytes = readRss(pid);
    if (bytes !== null) samples.push({ sent: countSent(), bytes });
  }, 1_000);
  try {
    while (sent < opts.sends && Date.now() < deadline) {
      // Keep at most two chunks waiting: the run measures the worker, not a growing queue.
      const from = markers.length;
      const target = Math.min(opts.sends, sent + 2 * chunk);
      if (target > from) {
        const batch = await inParallel(
          Array.from({ length: target - from }, (_, k) => from + k),
          16,
          (i) => subject.enqueue(mailboxes[i % mailboxes.length]!, i, `rss-${i}`),
        );
        markers.push(...batch);
      }
      await sleep(1_000);
      sent = countSent();
      if (liveAfterWarmUp === null && sent >= warmUpSends)
        liveAfterWarmUp = (await takeLiveHeap(pid, heapFile))?.heapUsed ?? null;
      if (Date.now() - lastLog > 10_000) {
        const last = samples[samples.length - 1];
        progress(`  rss: ${sent}/${opts.sends} sent, worker RSS ${((last?.bytes ?? 0) / 1048576).toFixed(1)} MB`);
        lastLog = Date.now();
      }
    }
    const end = await takeLiveHeap(pid, heapFile);
    liveEnd = end?.heapUsed ?? null;
    rssAfterFullGc = end?.rss ?? null;
  } finally {
    clearInterval(sampler);
    await worker.stop();
    rmSync(dir, { recursive: true, force: true });
    if (sent < opts.sends) await subject.discardBacklog();
  }
  return {
    sends: opts.sends,
    sent,
    seconds: Math.round((Date.now() - t0) / 1000),
    samples: samples.length,
    ...rssGrowth(samples, warmUpSends),
    liveHeapAfterWarmUpMb: toMb(liveAfterWarmUp),
    liveHeapEndMb: toMb(liveEnd),
    rssAfterFullGcMb: toMb(rssAfterFullGc),
  };
}
