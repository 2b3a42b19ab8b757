import { createLane, type Lane } from '@outlook-connect/shared';

// The send records' writes of this process go through one lane (shared/src/lane.ts). On FerretDB every write is
// serialized and concurrent writers are not served in turn: at 20 compare-and-sets at once the store did no more per
// second than one at a time (237 vs 261/s) while its p99 went from 18 to 532 ms (one write waited behind dozens that
// came after it). A few in flight keep the store busy (some are on the wire while one is served) and let the writes of
// a process go in the order they came, so a send's claim waits behind at most the writes queued before it. Four, not
// two: at two the drained sends/s fell on the loaded bench machine (a slot held while the process waits for the CPU
// leaves the store idle); at four the drain stayed within the noise of no lane (bench/README.md).
// A write still unanswered after `maxHoldMs` gives its place to the next one (it goes on, uncounted): a store that
// stopped answering (an outage, a write the driver holds until its server selection times out) must not stop every
// other send of the process behind two stuck writes.

/** Send record writes in flight per process (see above). */
export const SEND_WRITES_IN_FLIGHT = 4;

const lanes = new WeakMap<object, Lane>();

/** The lane of one store (its models): every send-record write of this process to it goes through it. */
export function sendWriteLane(models: object): Lane {
  let lane = lanes.get(models);
  if (!lane) lanes.set(models, (lane = createLane(SEND_WRITES_IN_FLIGHT)));
  return lane;
}
