import { clusterSafePrefix } from '@outlook-connect/queues';

/**
 * Every gate key of a mailbox lives under the queue prefix's hash tag (`{prefix}:mailbox:<connectionId>:...`), so the
 * gate's multi-key scripts work on Redis Cluster like BullMQ's own.
 */
export function mailboxKeys(prefix: string, connectionId: string) {
  // Accepts the raw prefix or the tagged one a QueueClient reports (`{prefix}`).
  const tagged = /^\{[^{}]+\}$/.test(prefix) ? prefix : clusterSafePrefix(prefix);
  const base = `${tagged}:mailbox:${connectionId}`;
  return {
    slots: `${base}:slots`,
    pausedUntil: `${base}:paused`,
    sendWindow: `${base}:sends`,
    recipients: (day: string) => `${base}:recipients:${day}`,
  };
}
