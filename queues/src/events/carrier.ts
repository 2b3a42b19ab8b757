import { z } from 'zod';
import type { JobType, Queue } from 'bullmq';
import { eventSchema, type ProductEvent } from './envelope';

// The events queue's jobs carry events in groups (a group commit): the events emitted while the previous group was
// being added go together in the next job, and a busy process adds at most one job per EVENTS_LINGER_MS besides:
// an event emitted sooner than that after the last add waits for the rest of that time, and goes with the others
// emitted meanwhile. An idle process adds an event's job at once. Why: at 140 sends/s one job per send outcome was
// about 9 of the 50 Redis commands per send (bench `perSendByCommand`); the wait is at most EVENTS_LINGER_MS, paid by
// the send job that emits the event, never by the send to Graph.
// A job's id is BullMQ's own, not an event's: an event emitted twice is delivered once by its webhook delivery's id
// (webhookDeliveryId(event id, endpoint), unique in the store), not by the job id.

/** At most this many events in one job (a delta page's arrivals are split). */
export const EVENTS_PER_JOB = 100;
/** A busy process adds at most one events job per this many ms, besides the group that waited during an add. */
export const EVENTS_LINGER_MS = 20;

const groupSchema = z.object({ events: z.array(eventSchema).min(1).max(EVENTS_PER_JOB) });
/** One `events` job's data; a job of one bare event (what was added before groups) reads as a group of one. */
export const eventGroupSchema = z.union([groupSchema, eventSchema.transform((event) => ({ events: [event] }))]);
export type EventGroup = z.infer<typeof groupSchema>;

/** A job's name on the board: its event types. */
const groupName = (events: readonly ProductEvent[]) => [...new Set(events.map((e) => e.type))].join(' ');

type Waiting = { events: ProductEvent[]; done: (err?: unknown) => void };

export interface CarrierOptions {
  /** EVENTS_LINGER_MS unless set (0: every event that finds no add running goes at once). */
  lingerMs?: number;
  now?: () => number;
}

/** How long an event emitted now waits before its group is added (pure): the rest of the linger since the last add. */
export const lingerWait = (now: number, lastAddAt: number, lingerMs: number): number =>
  Math.max(0, lastAddAt + lingerMs - now);

/** Adds events to the queue in groups; a caller's promise settles once its events are in Redis (or could not be). */
export function createEventCarrier(queue: () => Queue, jobOptions: () => object, opts: CarrierOptions = {}) {
  const lingerMs = opts.lingerMs ?? EVENTS_LINGER_MS;
  const now = opts.now ?? Date.now;
  let waiting: Waiting[] = [];
  let adding = false;
  let lingering: ReturnType<typeof setTimeout> | undefined;
  let lastAddAt = Number.NEGATIVE_INFINITY;

  async function addWaiting(): Promise<void> {
    adding = true;
    lingering = undefined;
    while (waiting.length) {
      const batch = waiting;
      waiting = [];
      const events = batch.flatMap((w) => w.events);
      const jobs = [];
      for (let i = 0; i < events.length; i += EVENTS_PER_JOB) {
        const group = events.slice(i, i + EVENTS_PER_JOB);
        jobs.push({ name: groupName(group), data: { events: group } satisfies EventGroup, opts: jobOptions() });
      }
      lastAddAt = now();
      try {
        if (jobs.length === 1) await queue().add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
        else await queue().addBulk(jobs);
        for (const w of batch) w.done();
      } catch (err) {
        for (const w of batch) w.done(err);
      }
    }
    adding = false;
  }

  return {
    add(events: ProductEvent[]): Promise<void> {
      if (!events.length) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiting.push({ events, done: (err) => (err === undefined ? resolve() : reject(err)) });
        if (adding || lingering) return;
        const wait = lingerWait(now(), lastAddAt, lingerMs);
        if (wait === 0) void addWaiting();
        else lingering = setTimeout(() => void addWaiting(), wait);
      });
    },
    /** Adds what is lingering now (before the queue closes). */
    async flush(): Promise<void> {
      if (!lingering) return;
      clearTimeout(lingering);
      await addWaiting();
    },
  };
}

const EVERY_STATE: JobType[] = ['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed'];

/** The events on the queue, in the jobs of the states asked for (tests, benches, operators: not a hot path). */
export async function eventsOnQueue(queue: Queue, states: JobType[] = EVERY_STATE): Promise<ProductEvent[]> {
  const jobs = await queue.getJobs(states, 0, -1);
  return jobs.flatMap((job) => (job?.data as EventGroup | undefined)?.events ?? []);
}

/** The event of this id on the queue (the first, should it have been emitted twice), or undefined. */
export async function findEvent(queue: Queue, id: string, states?: JobType[]): Promise<ProductEvent | undefined> {
  return (await eventsOnQueue(queue, states)).find((e) => e.id === id);
}
