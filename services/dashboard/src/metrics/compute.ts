// Pure computations behind /metrics, so the numbers can be checked from fixtures.

/** Nearest-rank percentile (p in 0..100) of unsorted values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export interface SyncingConnection {
  lastSuccessAt: Date | null;
  createdAt: Date;
}

export interface SyncLag {
  connections: number;
  maxSeconds: number;
  p50Seconds: number;
}

/** Inbox sync lag: now - last successful sync; a connection that never synced lags since it was created. */
export function syncLag(connections: readonly SyncingConnection[], now: number): SyncLag {
  const lags = connections.map((c) => Math.max(0, (now - (c.lastSuccessAt ?? c.createdAt).getTime()) / 1000));
  return {
    connections: lags.length,
    maxSeconds: lags.length ? Math.max(...lags) : 0,
    p50Seconds: percentile(lags, 50) ?? 0,
  };
}

export interface Completion {
  id: string;
  /** The completed set's score: when the job finished (ms). */
  finishedOn: number;
}

/** Where the duration histogram stopped reading a queue's completed set last scrape. */
export interface Watermark {
  at: number;
  /** Ids already observed that finished exactly at `at` (ties on the millisecond). */
  idsAt: string[];
}

export const START_WATERMARK: Watermark = { at: 0, idsAt: [] };

/**
 * Of the newest completions (read with score >= watermark.at), those not observed yet, and the next watermark.
 * Each completed job is observed once across scrapes, so the histogram's counters only grow.
 */
export function newCompletions(
  entries: readonly Completion[],
  mark: Watermark,
): { fresh: Completion[]; next: Watermark } {
  const seen = new Set(mark.idsAt);
  const fresh = entries.filter((e) => e.finishedOn > mark.at || (e.finishedOn === mark.at && !seen.has(e.id)));
  if (fresh.length === 0) return { fresh, next: mark };
  const at = Math.max(mark.at, ...fresh.map((e) => e.finishedOn));
  const idsAt = [...(at === mark.at ? mark.idsAt : []), ...fresh.filter((e) => e.finishedOn === at).map((e) => e.id)];
  return { fresh, next: { at, idsAt } };
}

/** Seconds a job ran (processedOn -> finishedOn), or null when either is missing or they are out of order. */
export function jobDurationSeconds(processedOn: number | null, finishedOn: number | null): number | null {
  if (processedOn === null || finishedOn === null || !Number.isFinite(processedOn) || !Number.isFinite(finishedOn))
    return null;
  if (finishedOn < processedOn) return null;
  return (finishedOn - processedOn) / 1000;
}

export const FAILURE_KINDS = ['transient', 'reconnect_required', 'app_credentials', 'permanent'] as const;
export type RefreshClass = (typeof FAILURE_KINDS)[number] | 'other';

/** The label a refresh_failed activity is counted under; anything unexpected is "other" (cardinality stays bounded). */
export function refreshClassOf(kind: unknown): RefreshClass {
  return (FAILURE_KINDS as readonly unknown[]).includes(kind) ? (kind as RefreshClass) : 'other';
}

/** One entry of a BullMQ queue's events stream: its id ("<ms>-<seq>", Redis time) and the fields used here. */
export interface QueueEvent {
  id: string;
  event: string;
  jobId: string | undefined;
}

/** The millisecond part of a stream id, or null when it is not one. */
export function streamIdMs(id: string): number | null {
  const ms = Number(id.split('-')[0]);
  return Number.isFinite(ms) && id.includes('-') ? ms : null;
}

/**
 * Run times (seconds) of jobs a queue does not keep once completed (inbox-sync), from its events stream: each
 * 'completed' is paired with the latest 'active' of the same job before it (a retried job ran again). `open` holds the
 * jobs seen active and not yet completed, across reads, at most `maxOpen` (the oldest go first); a 'failed' closes
 * its run without a figure, like the completed-set histogram, which observes completed jobs only.
 */
export function runsFromEvents(events: readonly QueueEvent[], open: Map<string, number>, maxOpen: number): number[] {
  const runs: number[] = [];
  for (const e of events) {
    if (!e.jobId) continue;
    const at = streamIdMs(e.id);
    if (at === null) continue;
    if (e.event === 'active') {
      open.delete(e.jobId);
      open.set(e.jobId, at);
      while (open.size > maxOpen) open.delete(open.keys().next().value!);
    } else if (e.event === 'completed' || e.event === 'failed') {
      const started = open.get(e.jobId);
      open.delete(e.jobId);
      if (e.event === 'completed' && started !== undefined && at >= started) runs.push((at - started) / 1000);
    }
  }
  return runs;
}
