import { clusterSafePrefix } from './prefix';

// Every Redis key name outside BullMQ's own, built in one place (as BullMQ's queue-keys.ts does for its keys). A
// multi-key script only touches keys of one hash tag, so it works on Redis Cluster: a mailbox's keys (and a webhook
// endpoint's) carry its own tag, `{conn_...}`, and so spread over the cluster's nodes; the rest share the queue
// prefix's tag with BullMQ's keys. `keyPatterns` matches them all (a test's or a bench's cleanup).

/** Accepts the raw prefix or the tagged one a QueueClient reports (`{prefix}`). */
const tagged = (prefix: string) => (/^\{[^{}]+\}$/.test(prefix) ? prefix : clusterSafePrefix(prefix));
/** The prefix without its hash tag, for keys whose tag is their own subject's. */
const untagged = (prefix: string) => tagged(prefix).slice(1, -1);

export const redisKeys = {
  /** The mailbox gate's key of one connection: one sorted set with its concurrency slots, Retry-After pause, send
   * window and daily recipients (mailbox-runtime's gate-layout.ts). */
  mailbox(prefix: string, connectionId: string) {
    return { gate: `${untagged(prefix)}:mailbox:{${connectionId}}:gate` };
  },
  /** The one refresh of a connection across processes. */
  refreshLock: (prefix: string, connectionId: string) => `${untagged(prefix)}:lock:token-refresh:{${connectionId}}`,
  /** The one inbox sync run of a connection across processes. */
  syncLock: (prefix: string, connectionId: string) => `${untagged(prefix)}:lock:inbox-sync:{${connectionId}}`,
  /** A mailbox's sends waiting for a look in Sent Items (sorted set: send id -> when the look is due, ms). */
  sendConfirmations: (prefix: string, connectionId: string) => `${untagged(prefix)}:send-confirm:{${connectionId}}`,
  /** A webhook endpoint's delivery slots (its concurrency cap across processes) and its Retry-After pause. */
  webhookEndpoint(prefix: string, endpointId: string) {
    const base = `${untagged(prefix)}:webhook:{${endpointId}}`;
    return { slots: `${base}:slots`, pausedUntil: `${base}:paused` };
  },
  /** Delivery counters and latency buckets the dashboard's /metrics reads (written by the webhooks worker). */
  webhookMetrics: (prefix: string) => `${tagged(prefix)}:webhook:metrics`,
  /** Glob patterns matching every key of a prefix, BullMQ's included (SCAN them on every node of a cluster). */
  keyPatterns: (prefix: string) => [`${tagged(prefix)}:*`, `${untagged(prefix)}:*`],
  /** Push's per-connection sync keys: when a notification last asked for a sync, the spacing window (its opening
   * time) and its trailing sync, and when the last sync run started (all ms). */
  pushSync(prefix: string, connectionId: string) {
    const base = `${tagged(prefix)}:push:sync:${connectionId}`;
    return {
      requestedAt: `${base}:requested`,
      window: `${base}:window`,
      trailing: `${base}:trailing`,
      runStartedAt: `${base}:run-started`,
    };
  },
  /** Push counters (notifications received/rejected, syncs triggered, renewals) the dashboard's /metrics reads. */
  pushMetrics: (prefix: string) => `${tagged(prefix)}:push:metrics`,
};
