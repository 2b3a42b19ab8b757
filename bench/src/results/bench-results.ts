import type { PeakRss } from '../lib/rss-sampler';
import type { InboxPhaseResult } from '../inbox/inbox-phase';
import type { LargeInboxResult } from '../inbox/large-inbox';
import type { AttachmentPhaseResult } from '../send/attachment-phase';
import type { RawRedisRate } from '../redis/raw-rate';
import type { SendPhaseResult } from '../send/send-phase';
import type { ScaleOutResult } from '../send/scale-out';
import type { Knobs } from '../setup/knobs';
import type { CompressedResult } from '../tokens/compressed-phase';
import type { RefreshRateResult } from '../tokens/refresh-phase';
import type { ScalePhaseResult } from '../tokens/scale-phase';
import type { WebhookPhaseResult } from '../webhooks/webhook-phase';
import type { PushPhaseResult } from '../push/push-phase';
import type { MachineInfo } from './machine';
import type { ImpliedRow } from '../store/implied';
import type { StorePhaseResult } from '../store/store-phase';
import type { RssRunResult } from '../send/rss-run';

/** Everything one `npm run bench` measured; written as bench/results/<date>.json. */
export interface BenchResults {
  date: string;
  startedAt: string;
  durationSec: number;
  command: string;
  machine: MachineInfo;
  knobs: Knobs;
  send: SendPhaseResult | null;
  /** The send worker in 1, 2 and 4 processes, on a single Redis and a Redis Cluster, with the limits checked. */
  scaleOut?: ScaleOutResult | null;
  redis:
    | (RawRedisRate & {
        commandsPerSend: number | null;
        sendsPerSecCeiling: number | null;
        shareOfCeiling: number | null;
      })
    | null;
  scale: ScalePhaseResult | null;
  refresh: RefreshRateResult | null;
  compressed: CompressedResult | null;
  inbox: InboxPhaseResult | null;
  /** One Inbox above the filtered-delta cap, with a reset mid-pass (part of the inbox phase). */
  largeInbox?: LargeInboxResult | null;
  attachment?: AttachmentPhaseResult | null;
  webhooks?: WebhookPhaseResult | null;
  /** The store's own ceiling (same run) and the limit it implies for sends, refreshes and ingest. */
  store?: { ceiling: StorePhaseResult; implied: ImpliedRow[] } | null;
  /** A long send run with the worker's RSS sampled: growth after warm-up. */
  sendRss?: RssRunResult | null;
  push?: PushPhaseResult | null;
  peakRss: PeakRss[];
  notes: string[];
  /** A phase that failed: its error, the others still ran. */
  errors: Array<{ phase: string; message: string }>;
}
