// A bounded, first-come-first-served lane for the send records' writes of this process. On FerretDB every write is
// serialized and concurrent writers are not served in turn: at 20 compare-and-sets at once the store did no more per
// second than one at a time (237 vs 261/s) while its p99 went from 18 to 532 ms (one write waited behind dozens that
// came after it). A few in flight keep the store busy (some are on the wire while one is served) and let the writes of
// a process go in the order they came, so a send's claim waits behind at most the writes queued before it. Four, not
// two: at two the drained sends/s fell on the loaded bench machine (a slot held while the process waits for the CPU
// leaves the store idle); at four the drain stayed within the noise of no lane (bench/README.md).
// A write still unanswered after `maxHoldMs` gives its place to the next one (it goes on, uncounted): a store that
// stopped answering (an outage, a write the driver holds until its server selection times out) must not stop every
// other send of the process behind two stuck writes.

export interface WriteLane {
  run<T>(write: () => Promise<T>): Promise<T>;
  /** Writes in flight and waiting (for tests). */
  readonly inFlight: number;
  readonly waiting: number;
}

export function createWriteLane(maxInFlight: number, maxHoldMs = 1_000): WriteLane {
  if (!(maxInFlight >= 1)) throw new Error(`write lane: maxInFlight must be at least 1 (got ${maxInFlight})`);
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  return {
    async run(write) {
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
        return await write();
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

/** Send record writes in flight per process (see above). */
export const SEND_WRITES_IN_FLIGHT = 4;

const lanes = new WeakMap<object, WriteLane>();

/** The lane of one store (its models): every send-record write of this process to it goes through it. */
export function sendWriteLane(models: object): WriteLane {
  let lane = lanes.get(models);
  if (!lane) lanes.set(models, (lane = createWriteLane(SEND_WRITES_IN_FLIGHT)));
  return lane;
}
