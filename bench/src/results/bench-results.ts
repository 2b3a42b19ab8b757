import type { PeakRss } from '../lib/rss-sampler';
import type { InboxPhaseResult } from '../inbox/inbox-phase';
import type { LargeInboxResult } from '../inbox/large-inbox';
import type { AttachmentPhaseResult } from '../send/attachment-phase';
import type { RawRedisRate } from '../redis/raw-rate';
import type { SendPhaseResult } from '../send/send-phase';
import type { Knobs } from '../setup/knobs';
import type { CompressedResult } from '../tokens/compressed-phase';
import type { RefreshRateResult } from '../tokens/refresh-phase';
import type { ScalePhaseResult } from '../tokens/scale-phase';
import type { WebhookPhaseResult } from '../webhooks/webhook-phase';
import type { MachineInfo } from './machine';

/** Everything one `npm run bench` measured; written as bench/results/<date>.json. */
export interface BenchResults {
  date: string;
  startedAt: string;
  durationSec: number;
  command: string;
  machine: MachineInfo;
  knobs: Knobs;
  send: SendPhaseResult | null;
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
  peakRss: PeakRss[];
  notes: string[];
  /** A phase that failed: its error, the others still ran. */
  errors: Array<{ phase: string; message: string }>;
}
