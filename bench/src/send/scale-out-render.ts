import { fmt, fmtPercent, markdownTable } from '../lib/format';
import type { ScaleOutResult } from './scale-out';

// The scale-out phase as its own table: sends/s per worker process count on each Redis, then the limit checks.

export function scaleOutMarkdown(s: ScaleOutResult): string {
  const redises = [...new Set(s.runs.map((r) => r.redis))];
  const label = (r: string) => (r === 'cluster' ? 'Redis Cluster (3 masters)' : 'single Redis');
  const rows = s.processCounts.map((n) => [
    `${n} worker process${n === 1 ? '' : 'es'}`,
    ...redises.flatMap((redis) => {
      const run = s.runs.find((r) => r.redis === redis && r.processes === n);
      if (!run) return ['', '', ''];
      const cut = run.sentAtGraph < run.sends ? ` (${run.sentAtGraph}/${run.sends} in time)` : '';
      return [
        `${fmt(run.sendsPerSec, 1)}${cut}`,
        fmtPercent(run.cpu?.machineBusy, 0),
        fmt(run.cpu?.workerCoresTotal ?? null, 2),
      ];
    }),
  ]);
  const cores = s.runs.find((r) => r.cpu)?.cpu.cores;
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
    markdownTable(
      [
        'Worker processes',
        ...redises.flatMap((r) => [`${label(r)}: sends/s`, 'machine CPU busy', 'worker processes (cores)']),
      ],
      rows,
    ),
    '',
    `- CPU over each run, from the first send at Graph to the last: the machine's busy share of all ${cores ?? '?'} cores ` +
      '(/proc/stat; the store, the emulator, Redis and the bench share them with the workers) and the CPU of the ' +
      'worker processes together (utime + stime of /proc/<pid>/stat; 1.00 = one core busy throughout). A machine near ' +
      "100% busy means more processes cannot send faster here: the figure is the machine's, not the workers' limit.",
    ...limits,
    `- Peak Graph requests in flight per mailbox over every throughput run: ${peak}.`,
  ].join('\n');
}
