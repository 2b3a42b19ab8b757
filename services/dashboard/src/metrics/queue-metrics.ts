import type { Queue } from 'bullmq';
import type { RedisConnection } from '@outlook-connect/queues';
import { Gauge, Histogram, type Registry } from 'prom-client';
import { catalog, queueNames, type QueueName } from '@outlook-connect/queues';
import {
  jobDurationSeconds,
  newCompletions,
  runsFromEvents,
  START_WATERMARK,
  type Completion,
  type QueueEvent,
  type Watermark,
} from './compute';

export interface QueueMetricsOptions {
  registry: Registry;
  queue: (name: QueueName) => Queue;
  redis: RedisConnection;
  /** How many of the newest completed jobs per queue one scrape reads at most. */
  durationSample: number;
}

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * Queue gauges and job durations, read from Redis at scrape time, so they count every worker process.
 *
 * Durations: each scrape reads the completed set (scored by finish time) from where the previous scrape stopped,
 * at most `durationSample` jobs per queue, and observes processedOn -> finishedOn once per job. Chosen over
 * QueueEvents because it needs no long-lived subscription, costs nothing between scrapes and cannot miss events
 * while the dashboard restarts; the trade-off is that more than `durationSample` completions between two scrapes
 * are sampled (the newest are kept), which the help text says.
 *
 * A queue that keeps no completed job (inbox-sync: Redis holds no job per polled connection between its syncs) is
 * timed from its events stream instead: 'active' to 'completed' of each job, read from where the previous scrape
 * stopped (the newest entries when more came; the stream is capped by the catalog's eventsMaxLen).
 */
export function registerQueueMetrics(opts: QueueMetricsOptions): void {
  const { registry, queue, redis } = opts;

  new Gauge({
    name: 'outlook_connect_queue_jobs',
    help: 'Jobs per queue and state (waiting includes prioritized), read from Redis at scrape time',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        queueNames.map(async (name) => {
          const counts = await queue(name).getJobCounts(
            'waiting',
            'prioritized',
            'active',
            'delayed',
            'failed',
            'completed',
          );
          for (const state of STATES) {
            const n = (counts[state] ?? 0) + (state === 'waiting' ? (counts.prioritized ?? 0) : 0);
            this.set({ queue: name, state }, n);
          }
        }),
      );
    },
  });

  const marks = new Map<QueueName, Watermark>();
  const streams = new Map<QueueName, { lastId: string; open: Map<string, number> }>();
  const histogram = new Histogram({
    name: 'outlook_connect_job_duration_seconds',
    help: `Run time (processedOn -> finishedOn; active -> completed in the events stream for inbox-sync, which keeps no completed job) of completed jobs per queue; each job observed once, at most ${opts.durationSample} per queue per scrape`,
    labelNames: ['queue'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
    async collect() {
      for (const name of queueNames) {
        const q = queue(name);
        if (catalog[name].removeOnComplete.count === 0) {
          const read = streams.get(name) ?? { lastId: '0', open: new Map<string, number>() };
          const events = await newestEvents(redis, q, read.lastId, opts.durationSample * EVENTS_PER_RUN);
          if (events.length > 0) read.lastId = events[events.length - 1]!.id;
          streams.set(name, read);
          for (const seconds of runsFromEvents(events, read.open, opts.durationSample * 4))
            this.observe({ queue: name }, seconds);
          continue;
        }
        const mark = marks.get(name) ?? START_WATERMARK;
        const entries = await newestCompletions(redis, q, mark.at, opts.durationSample);
        const { fresh, next } = newCompletions(entries, mark);
        marks.set(name, next);
        for (const seconds of await durations(redis, q, fresh)) this.observe({ queue: name }, seconds);
      }
    },
  });
  // Every queue's series exists from the first scrape, so rate() has a zero to start from.
  for (const name of queueNames) histogram.zero({ queue: name });
}

// A sync job's entries in its queue's events stream per run: added or delayed, waiting, active, completed, removed.
const EVENTS_PER_RUN = 6;

/** The newest entries of a queue's events stream after `afterId`, oldest first. */
async function newestEvents(redis: RedisConnection, q: Queue, afterId: string, limit: number): Promise<QueueEvent[]> {
  const entries = (await redis.xrevrange(q.keys.events!, '+', `(${afterId}`, 'COUNT', limit)) as Array<
    [string, string[]]
  >;
  return entries.reverse().map(([id, fields]) => {
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
    return { id, event: f.get('event') ?? '', jobId: f.get('jobId') };
  });
}

async function newestCompletions(
  redis: RedisConnection,
  q: Queue,
  fromMs: number,
  limit: number,
): Promise<Completion[]> {
  const flat = await redis.zrevrangebyscore(q.keys.completed!, '+inf', String(fromMs), 'WITHSCORES', 'LIMIT', 0, limit);
  const out: Completion[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i]!, finishedOn: Number(flat[i + 1]) });
  return out;
}

async function durations(redis: RedisConnection, q: Queue, jobs: Completion[]): Promise<number[]> {
  if (jobs.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const j of jobs) pipeline.hmget(q.toKey(j.id), 'processedOn', 'finishedOn');
  const out: number[] = [];
  for (const [err, fields] of (await pipeline.exec()) ?? []) {
    if (err || !Array.isArray(fields)) continue;
    const [processedOn, finishedOn] = fields as Array<string | null>;
    const s = jobDurationSeconds(
      processedOn == null ? null : Number(processedOn),
      finishedOn == null ? null : Number(finishedOn),
    );
    if (s !== null) out.push(s);
  }
  return out;
}
