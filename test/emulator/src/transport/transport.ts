import { mailboxOf, nowIso, type EmulatorContext } from '../context';
import { completeSend, markersOf } from '../mailbox/mail-service';
import type { NewMessage } from '../mailbox/message-factory';
import type { Message } from '../mailbox/types';
import type { User } from '../state/model';

// Exchange's transport after a 202 ("Send mail by using the Microsoft Graph API", steps 2-6): the message waits in
// Drafts for a while, then moves to Sent Items and reaches the recipients. Nothing here happens inside the request.

/** How long a submitted message waits before it lands in Sent Items: random in [minMs, maxMs] per submission. */
export interface SendDelay {
  minMs: number;
  maxMs: number;
}

/** 0.1-0.8 s: short enough for tests, never zero, so nothing can rely on a send being visible at once. */
export const DEFAULT_SEND_DELAY: SendDelay = { minMs: 100, maxMs: 800 };

export function parseSendDelay(value: number | Partial<SendDelay> | undefined, base = DEFAULT_SEND_DELAY): SendDelay {
  if (value === undefined) return { ...base };
  const delay = typeof value === 'number' ? { minMs: value, maxMs: value } : { ...base, ...value };
  if (!(delay.minMs >= 0) || !(delay.maxMs >= delay.minMs))
    throw new Error(`sendDelay: need 0 <= minMs <= maxMs (got ${delay.minMs}, ${delay.maxMs})`);
  return delay;
}

export const delayOf = (d: SendDelay, random: () => number = Math.random): number =>
  d.minMs + Math.floor(random() * (d.maxMs - d.minMs + 1));

interface InTransit {
  senderId: string;
  dueAt: number;
  /** The content as submitted: the transport pipeline has its own copy (step 3). */
  message: NewMessage;
  /** The item in Drafts that moves to Sent Items when transport takes responsibility (step 4). */
  draft: Message;
  saveToSentItems: boolean;
}

/** Submitted messages on their way, completed when due: on a timer, and before any Graph request or control read. */
export class Transport {
  private inTransit: InTransit[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: EmulatorContext) {}

  /** A submission (the 202): counted as sent now; Sent Items and the recipients get it after the delay. */
  submit(sender: User, draft: Message, opts: { saveToSentItems: boolean }): void {
    const { seq: _seq, changeKey: _ck, ...content } = draft;
    // The Date of the message is its submission (what the sender sees as sent), not when transport finished.
    const message: NewMessage = { ...content, sentDateTime: nowIso(this.ctx) };
    this.ctx.counters.send(markersOf(message));
    const dueAt = this.ctx.clock.now() + delayOf(this.ctx.settings.sendDelay);
    this.inTransit.push({ senderId: sender.id, dueAt, message, draft, saveToSentItems: opts.saveToSentItems });
    this.arm();
  }

  /** Completes every submission that is due by the emulator's clock (which `advanceClock` moves). */
  settle(): void {
    const now = this.ctx.clock.now();
    const due = this.inTransit.filter((t) => t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    if (due.length === 0) return;
    this.inTransit = this.inTransit.filter((t) => t.dueAt > now);
    for (const t of due) {
      const sender = this.ctx.directory.users.get(t.senderId);
      if (!sender) continue;
      const box = mailboxOf(this.ctx, sender);
      // A second submission of the same draft finds it moved already: that copy goes out too (assumed, see README).
      const draft = box.messages.get(t.draft.id) === t.draft ? t.draft : undefined;
      completeSend(this.ctx, sender, t.message, { saveToSentItems: t.saveToSentItems, ...(draft ? { draft } : {}) });
    }
  }

  pending(): number {
    return this.inTransit.length;
  }

  clear(): void {
    this.inTransit = [];
    this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer || this.inTransit.length === 0) return;
    const next = Math.min(...this.inTransit.map((t) => t.dueAt));
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.settle();
        this.arm();
      },
      Math.max(20, next - this.ctx.clock.now()),
    );
    this.timer.unref();
  }
}
