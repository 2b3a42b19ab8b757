// A bounded, first-come-first-served lane: at most `maxInFlight` pieces of work of this process at once, the others
// waiting in the order they came. Work still unanswered after `maxHoldMs` gives its place to the next (it goes on,
// uncounted): a peer that stopped answering (a store in an outage, a token endpoint that hangs) must not stop
// everything of the process queued behind it. Users: the send records' writes (services/workers/src/send/write-lane.ts)
// and the token requests of a worker process (mailbox-runtime/src/tokens/token-request-slots.ts).

export interface Lane {
  /** How much work may be in flight at once. */
  readonly maxInFlight: number;
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Work in flight and waiting (for tests). */
  readonly inFlight: number;
  readonly waiting: number;
}

export function createLane(maxInFlight: number, maxHoldMs = 1_000): Lane {
  if (!(maxInFlight >= 1)) throw new Error(`lane: maxInFlight must be at least 1 (got ${maxInFlight})`);
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  return {
    maxInFlight,
    async run(work) {
      if (inFlight >= maxInFlight) await new Promise<void>((resolve) => waiting.push(resolve));
      else inFlight++;
      let held = true;
      const free = () => {
        if (!held) return;
        held = false;
        release();
      };
      const timer = setTimeout(free, maxHoldMs);
      timer.unref();
      try {
        return await work();
      } finally {
        clearTimeout(timer);
        free();
      }
    },
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return waiting.length;
    },
  };
}
