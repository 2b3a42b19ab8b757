import { z } from 'zod';

// Sizes of each phase, sized by default to finish `npm run bench` in under 10 minutes on 2 cores. BENCH_* overrides.

const int = (def: number, what: string) => z.coerce.number().int().min(0).default(def).describe(what);

const schema = z.object({
  BENCH_SEND_MAILBOXES: int(20, 'send_only mailboxes the sends are spread over'),
  BENCH_SENDS: int(2_000, 'sends per pipeline in the backlog drain (400 timed the bare worker in its warm-up)'),
  BENCH_LATENCY_SENDS: int(200, 'sends per pipeline in the paced latency run'),
  BENCH_SEND_CONCURRENCY: int(20, 'jobs at once in each send worker process (ours and baseline)'),
  BENCH_STORE_OPS: int(400, 'operations of each kind in the store-ceiling phase (compare-and-set, _id read, inserts)'),
  BENCH_RSS_SENDS: int(
    2_000,
    'sends through one send worker while its RSS is sampled (100000 for the long run; 0 = skip)',
  ),
  BENCH_SCALE_CONNECTIONS: int(100_000, 'connections inserted for the scheduling-at-scale phase'),
  BENCH_SCALE_INSERT_BUDGET_SEC: int(
    0,
    'stop inserting after this long and measure what is there (0 = 120 s per 100,000 connections, at least 120 s)',
  ),
  BENCH_REFRESH_CONNECTIONS: int(1_000, 'connections of real emulator users (seeded) refreshed against the emulator'),
  BENCH_REFRESH_CONCURRENCY: int(10, 'refreshes at once (our worker and the bare baseline)'),
  BENCH_REFRESH_WARMUP: int(
    50,
    'more such connections each refresher (ours, the bare baseline) refreshes before its window opens (0 = no warm-up)',
  ),
  BENCH_COMPRESSED_CONNECTIONS: int(
    10_000,
    'connections in the compressed-lifetime run (emulator users with issued refresh tokens)',
  ),
  BENCH_COMPRESSED_LIFETIME_SEC: int(
    180,
    'access token lifetime in the compressed-lifetime run (production: 60-90 min; 180 s asks 65 refreshes/s of 10,000 and keeps the run under 10 minutes)',
  ),
  BENCH_INBOX_MAILBOXES: int(5, 'mailboxes synced in the inbox ingest phase'),
  BENCH_INBOX_MESSAGES: int(200, 'messages in each of those Inboxes'),
  BENCH_INBOX_WARMUP_MESSAGES: int(
    20,
    'messages in each of as many more Inboxes the ingest worker syncs before its window opens (0 = no warm-up)',
  ),
  BENCH_INBOX_LARGE_MESSAGES: int(
    20_000,
    'messages in one more Inbox, above the 5,000 filtered-delta cap, synced with a delta reset mid-pass (0 = skip)',
  ),
  BENCH_PUSH_MAILBOXES: int(3, 'mailboxes in the push vs polling phase (0 = skip)'),
  BENCH_PUSH_WINDOW_SEC: int(30, 'seconds each mode (push, then polling) delivers messages for'),
  BENCH_PUSH_POLL_SEC: int(15, "the polling mode's INBOX_POLL_INTERVAL_SEC (the sandbox's 15 s)"),
  BENCH_PUSH_MESSAGE_EVERY_SEC: int(3, 'seconds between two messages to each mailbox'),
  BENCH_PUSH_IDLE_SEC: int(
    15,
    'seconds without mail after each mode, for the quiet-mailbox request rate (polling: at least two poll intervals; 0 = skip)',
  ),
  BENCH_ATTACHMENT_SENDS: int(5, 'sends with one uploaded file each in the attachment phase'),
  BENCH_ATTACHMENT_MB: int(10, 'size of each of those files in MB (through an upload session from 3 MB)'),
  BENCH_WEBHOOK_EVENTS: int(1000, 'events delivered as webhooks to a local receiver (and bare POSTs in the baseline)'),
  BENCH_WEBHOOK_CONCURRENCY: int(
    20,
    'webhook deliveries in flight at once (the endpoint cap; the baseline loop the same)',
  ),
  BENCH_SCALEOUT_SENDS: int(200, 'sends per run of the scale-out phase (1, 2 and 4 worker processes, each Redis)'),
  BENCH_SCALEOUT_PROCESSES: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated process counts')
    .default('1,2,4')
    .transform((v) => v.split(',').map(Number))
    .describe('worker process counts of the scale-out phase'),
  BENCH_SCALEOUT_LIMIT_MAILBOXES: int(3, 'mailboxes with a real send budget in the scale-out limit check (0 = skip)'),
  BENCH_SCALEOUT_SENDS_PER_MINUTE: int(10, 'their sendsPerMinute'),
  BENCH_PHASE_TIMEOUT_SEC: int(120, 'a phase that has not finished its work by then reports what it got'),
  BENCH_PHASES: z
    .string()
    .default('')
    .describe(
      'comma-separated phases to run (send,scaleout,store,rss,redis,inbox,attachment,scale,refresh,webhooks); empty = all. A partial run prints its figures and writes no results files',
    ),
});

export type Knobs = z.infer<typeof schema>;

export function knobsFromEnv(env: NodeJS.ProcessEnv = process.env): Knobs {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `bad BENCH_* variable(s): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const knobs = parsed.data;
  if (knobs.BENCH_SCALE_INSERT_BUDGET_SEC === 0)
    knobs.BENCH_SCALE_INSERT_BUDGET_SEC = Math.max(120, Math.ceil((120 * knobs.BENCH_SCALE_CONNECTIONS) / 100_000));
  return knobs;
}
