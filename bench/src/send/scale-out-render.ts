import { fmt, markdownTable } from '../lib/format';
import type { ScaleOutResult } from './scale-out';

// The scale-out phase as its own table: sends/s per worker process count on each Redis, then the limit checks.

export function scaleOutMarkdown(s: ScaleOutResult): string {
  const redises = [...new Set(s.runs.map((r) => r.redis))];
  const label = (r: string) => (r === 'cluster' ? 'Redis Cluster (3 masters)' : 'single Redis');
  const rows = s.processCounts.map((n) => [
    `${n} worker process${n === 1 ? '' : 'es'}`,
    ...redises.map((redis) => {
      const run = s.runs.find((r) => r.redis === redis && r.processes === n);
      if (!run) return '';
      const cut = run.sentAtGraph < run.sends ? ` (${run.sentAtGraph}/${run.sends} in time)` : '';
      return `${fmt(run.sendsPerSec, 1)}${cut}`;
    }),
  ]);
  const limits = s.limits.map(
    (l) =>
      `- Limits on ${label(l.redis)} over ${l.processes} processes (${l.mailboxes} mailboxes, ${l.enqueuedPerMailbox} sends each): ` +
      `at most ${Math.max(0, ...l.maxSendsInAMinute)} sends per mailbox in a minute (sendsPerMinute ${l.sendsPerMinute}), ` +
      `at most ${l.peakMailboxConcurrency} Graph requests in flight per mailbox (limit ${l.maxConcurrent}): ${l.held ? 'held' : '**NOT held**'}${l.reached ? '' : ' (a budget was not used up)'}.`,
  );
  const peak = Math.max(0, ...s.runs.map((r) => r.peakMailboxConcurrency));
  return [
    `Scale-out: sends/s of the real send worker (${s.workerConcurrency} jobs at once per process)`,
    '',
    markdownTable(['Worker processes', ...redises.map(label)], rows),
    '',
    ...limits,
    `- Peak Graph requests in flight per mailbox over every throughput run: ${peak}.`,
  ].join('\n');
}
