// Pure: when each marked send reached Graph, from the emulator's Sent Items (sentDateTime, emulator clock), and the
// enqueue-to-Graph latency of each send.

type GraphJson = Record<string, unknown>;

/** marker -> sentDateTime (ms) of every sent message carrying a single-value extended property value. */
export function sentTimesByMarker(sentItems: readonly GraphJson[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of sentItems) {
    const at = typeof item.sentDateTime === 'string' ? Date.parse(item.sentDateTime) : NaN;
    if (Number.isNaN(at)) continue;
    const props = Array.isArray(item.singleValueExtendedProperties)
      ? (item.singleValueExtendedProperties as GraphJson[])
      : [];
    for (const p of props) if (typeof p.value === 'string') out.set(p.value, at);
  }
  return out;
}

export interface MatchedLatencies {
  latenciesMs: number[];
  /** Markers enqueued but not (yet) seen at Graph. */
  missing: number;
}

export function latenciesFor(
  enqueuedAt: ReadonlyMap<string, number>,
  sentAt: ReadonlyMap<string, number>,
): MatchedLatencies {
  const latenciesMs: number[] = [];
  let missing = 0;
  for (const [marker, at] of enqueuedAt) {
    const sent = sentAt.get(marker);
    if (sent === undefined) missing++;
    else latenciesMs.push(Math.max(0, sent - at));
  }
  return { latenciesMs, missing };
}
