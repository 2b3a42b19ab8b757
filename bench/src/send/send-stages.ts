import { percentile } from '../lib/stats';

// Pure: where the enqueue-to-Graph time of each send of the paced run goes, from times already recorded: the bench's
// enqueue call (start, return), the BullMQ job (`timestamp`: the add, taken by the producer once its record is written;
// `processedOn`: the worker took it; `finishedOn`: the handler returned) and the emulator's sentDateTime (Graph).

export interface SendTimes {
  /** The bench called enqueue. */
  calledAt: number;
  /** The enqueue call returned (record and job written). */
  enqueuedAt: number;
  /** The job's timestamp (the producer created the job: after the record's insert, before the BullMQ add). */
  addedAt: number;
  /** The worker moved the job to active. */
  processedOn: number;
  /** Graph took the message (sentDateTime). */
  graphAt: number;
  /** The handler returned (outcome written, event emitted). */
  finishedOn: number | null;
}

export const STAGES = ['record', 'add', 'pickUp', 'toGraph', 'outcome'] as const;
export type Stage = (typeof STAGES)[number];

/** One send's stages in ms: record (call -> job created), add (-> call returned), pick-up (job created -> active), to Graph (active -> Graph), outcome (Graph -> handler done). */
export function stagesOf(t: SendTimes): Record<Stage, number> {
  return {
    record: t.addedAt - t.calledAt,
    add: t.enqueuedAt - t.addedAt,
    pickUp: t.processedOn - t.addedAt,
    toGraph: t.graphAt - t.processedOn,
    outcome: t.finishedOn === null ? NaN : t.finishedOn - t.graphAt,
  };
}

export interface StageSummary {
  sends: number;
  /** p50 / p99 of each stage over all sends. */
  p50: Record<Stage, number | null>;
  p99: Record<Stage, number | null>;
  /** The mean of each stage over the slowest 2% of sends (enqueue to Graph): where the tail's time goes. */
  slowest: { sends: number; totalMs: number | null } & Record<Stage, number | null>;
}

const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);

export function summarizeStages(times: readonly SendTimes[]): StageSummary {
  const rows = times.map((t) => ({ total: t.graphAt - t.calledAt, s: stagesOf(t) }));
  const of = (stage: Stage, rs: typeof rows) => rs.map((r) => r.s[stage]).filter((v) => Number.isFinite(v));
  const byStage = (f: (stage: Stage) => number | null) =>
    Object.fromEntries(STAGES.map((s) => [s, f(s)])) as Record<Stage, number | null>;
  const tail = [...rows].sort((a, b) => b.total - a.total).slice(0, Math.max(1, Math.ceil(rows.length * 0.02)));
  return {
    sends: rows.length,
    p50: byStage((s) => percentile(of(s, rows), 50)),
    p99: byStage((s) => percentile(of(s, rows), 99)),
    slowest: {
      sends: rows.length ? tail.length : 0,
      totalMs: mean(tail.map((r) => r.total)),
      ...byStage((s) => mean(of(s, tail))),
    },
  };
}
