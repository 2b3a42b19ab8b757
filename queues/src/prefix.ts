/**
 * BullMQ keys are `<prefix>:<queue>:...`. Wrapping the prefix in a hash tag puts every key of every queue in one
 * Redis Cluster slot, which BullMQ's multi-key Lua scripts need; on a single Redis it changes nothing.
 */
export function clusterSafePrefix(prefix: string): string {
  if (!/^[A-Za-z0-9:_-]+$/.test(prefix))
    throw new Error(`queue prefix "${prefix}" may only use letters, digits, ":", "_" and "-"`);
  return `{${prefix}}`;
}
