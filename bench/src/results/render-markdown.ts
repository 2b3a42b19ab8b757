import { describeCpu, type CpuPerUnit } from '../lib/cpu-sampler';
import { fmt, fmtBytes, fmtPercent, fmtRatio, markdownTable } from '../lib/format';
import { scaleOutMarkdown } from '../send/scale-out-render';
import { ratio } from '../lib/stats';
import type { BenchResults } from './bench-results';

// The results as a markdown table (printed, written next to the JSON, and copied into the README).

type Row = [string, string, string, string];

/** Machine CPU per unit in each side's window, by process; the ratio is bare / ours (the rate the CPU allows). */
function cpuRow(unit: string, ours: CpuPerUnit | null | undefined, bare: CpuPerUnit | null | undefined): Row[] {
  if (!ours?.machineMs || !bare?.machineMs) return [];
  return [
    [
      `  Machine CPU per ${unit} in its window, ms (all cores; by process, the emulator in the bench process); bare / ours`,
      describeCpu(ours),
      describeCpu(bare),
      fmtRatio(bare.machineMs / ours.machineMs),
    ],
  ];
}

function sendRows(r: BenchResults): Row[] {
  const s = r.send;
  if (!s) return [];
  const o = s.ours;
  const b = s.baseline;
  return [
    [
      `Sends/s (backlog of ${fmt(s.sends)} over ${s.mailboxes} mailboxes, ${s.workerConcurrency} jobs at once)`,
      fmt(o.throughput.sendsPerSec, 1),
      fmt(b.throughput.sendsPerSec, 1),
      fmtRatio(s.ratios.sendsPerSec),
    ],
    ...cpuRow('send', o.throughput.cpuPerSend, b.throughput.cpuPerSend),
    [
      `Enqueue -> Graph p50, ms (${fmt(o.latency.offeredPerSec)} sends/s offered)`,
      fmt(o.latency.p50Ms),
      fmt(b.latency.p50Ms),
      fmtRatio(s.ratios.p50),
    ],
    [`Enqueue -> Graph p99, ms`, fmt(o.latency.p99Ms), fmt(b.latency.p99Ms), fmtRatio(s.ratios.p99)],
    [
      'Redis commands per send (INFO commandstats)',
      fmt(o.throughput.redisCommandsPerSend, 1),
      fmt(b.throughput.redisCommandsPerSend, 1),
      fmtRatio(s.ratios.redisCommandsPerSend),
    ],
  ];
}

function storeRows(r: BenchResults): Row[] {
  const st = r.store;
  const rows: Row[] = [];
  if (st) {
    const c = st.ceiling;
    rows.push([
      `Store ceiling, ${c.concurrency} at once: compare-and-set / \`_id\` read / insertOne / insertMany docs (of ${c.insertManyBatch}), per s`,
      `${fmt(c.casPerSec)} / ${fmt(c.idReadPerSec)} / ${fmt(c.insertOnePerSec)} / ${fmt(c.insertManyDocsPerSec)}`,
      '',
      '',
    ]);
    for (const i of st.implied) {
      const o = i.opsPerUnit;
      rows.push([
        `  ${i.what}/s the store allows (per unit: ${fmt(o.cas, 2)} CAS, ${fmt(o.idReads, 2)} \`_id\` reads, ${fmt(o.scans, 2)} scans, ${fmt(o.insertOne, 2)} insertOne, ${fmt(o.groupedDocs, 2)} grouped docs in ${fmt(o.groupedCommands, 2)} writes); ours, bare`,
        `${fmt(i.impliedPerSec, 1)}; ours ${fmt(i.oursPerSec, 1)}`,
        fmt(i.baselinePerSec, 1),
        `ours at ${fmtRatio(i.shareOfImplied)} of it`,
      ]);
    }
  }
  const x = r.sendRss;
  if (x)
    rows.push([
      `Send worker RSS over ${fmt(x.sent)} of ${fmt(x.sends)} sends: after warm-up -> end (growth, slope per 10k sends)`,
      `${fmt(x.afterWarmUpMb, 1)} -> ${fmt(x.endMb, 1)} MB`,
      '',
      `+${fmt(x.growthMb, 1)} MB, ${fmt(x.slopeMbPer10kSends, 1)} MB/10k`,
    ]);
  if (x)
    rows.push([
      'Send worker live JS heap after a full GC: after warm-up -> end; RSS just after the last full GC',
      `${fmt(x.liveHeapAfterWarmUpMb, 1)} -> ${fmt(x.liveHeapEndMb, 1)} MB`,
      '',
      `RSS ${fmt(x.rssAfterFullGcMb, 1)} MB after GC`,
    ]);
  return rows;
}

function redisRows(r: BenchResults): Row[] {
  const x = r.redis;
  if (!x) return [];
  const bench = x.redisBenchmark;
  return [
    [
      `Redis raw rate, commands/s (ioredis pipelined SET${x.private ? '' : '; shared Redis'})`,
      fmt(x.pipelinedSetPerSec),
      '',
      '',
    ],
    [
      'Redis raw rate, redis-benchmark -P 16 (SET / PING)',
      bench ? `${fmt(bench.SET)} / ${fmt(bench.PING_MBULK)}` : 'n/a',
      '',
      '',
    ],
    [
      'Sends/s Redis could carry (raw rate / commands per send)',
      fmt(x.sendsPerSecCeiling),
      '',
      `ours at ${fmtPercent(x.shareOfCeiling)}`,
    ],
  ];
}

function tokenRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const s = r.scale;
  if (s) {
    rows.push(
      [
        `Connections inserted/s (insertMany, tokens encrypted, ${fmt(s.connections)} total)`,
        fmt(s.insertPerSec),
        '',
        '',
      ],
      [`Sweep pass per 1,000 due among ${fmt(s.connections)}`, `${fmt(s.sweepPer1000DueMs)} ms`, '', ''],
      [
        `Production sweep pass (2 min horizon) when they come due: time (interval ${fmt(s.sweepIntervalMs / 1000)} s)`,
        `${fmt(s.steadyPassMs)} ms`,
        '',
        `${fmt(s.steadyPassDue)} handed out`,
      ],
      ...(s.nextPassMs !== undefined
        ? [
            [
              `  Next sweep pass, after that interval's refreshes ran: time (interval ${fmt(s.sweepIntervalMs / 1000)} s)`,
              `${fmt(s.nextPassMs)} ms`,
              '',
              `${fmt(s.nextPassHandedOut)} handed out, ${fmt(s.nextPassMoved)} moved on (${fmt(s.nextPassRead)} read)`,
            ] satisfies Row,
          ]
        : []),
      [
        `  Redis memory for the schedule (used_memory diff, ${fmt(s.scheduledJobs)} delayed jobs)`,
        fmtBytes(s.redisMemoryBytes),
        '',
        `${fmtBytes(s.redisBytesPerConnection)}/connection`,
      ],
    );
    if (s.syncSweepPer1000DueMs !== undefined)
      rows.push(
        [
          `Inbox sync sweep pass per 1,000 due among ${fmt(s.connections)} (next syncs over ${fmt(s.syncPeriodMs / 60_000)} min, ${fmt(s.syncHorizonMs / 1000)} s horizon)`,
          `${fmt(s.syncSweepPer1000DueMs)} ms`,
          '',
          `${fmt(s.syncDueInPass)} handed out`,
        ],
        [
          `  Next sync sweep pass, after those ran: time (interval ${fmt(s.syncSweepIntervalMs / 1000)} s)`,
          `${fmt(s.syncSteadyPassMs)} ms`,
          '',
          `${fmt(s.syncSteadyPassHandedOut)} handed out, ${fmt(s.syncSteadyPassMoved)} moved on`,
        ],
        [
          `  Redis memory for the sync schedule (used_memory diff, ${fmt(s.syncScheduledJobs)} delayed jobs)`,
          fmtBytes(s.syncRedisMemoryBytes),
          '',
          `${fmtBytes(s.syncRedisBytesPerConnection)}/connection; polled every 60 s: ${fmtBytes(s.syncRedisBytesPerConnectionPolled60s)}/connection`,
        ],
      );
  }
  const f = r.refresh;
  if (f)
    rows.push([
      `Refreshes/s (${f.connections} connections of emulator users, ${f.concurrency} at once, after ${f.warmup?.connections ?? 0} each to warm up; baseline: bare MSAL)`,
      fmt(f.refreshesPerSec, 1),
      fmt(f.baselineRefreshesPerSec, 1),
      fmtRatio(f.ratio),
    ]);
  if (f?.cpuPerRefresh) rows.push(...cpuRow('refresh', f.cpuPerRefresh.ours, f.cpuPerRefresh.baseline));
  const c = r.compressed;
  if (c) {
    rows.push(
      [
        `Refreshed before expiry (${fmt(c.connections)} connections, ${c.policy.lifetimeSec} s tokens refreshed ${c.policy.aheadSec} s ahead, ${fmt(c.observedSec)} s watched)`,
        fmtPercent(c.shareRefreshedBeforeExpiry, 2),
        '',
        `${fmt(c.report.lapsed)} lapsed, ${fmt(c.report.refreshes)} refreshes`,
      ],
      [
        `  Refresh load: needed in steady state (${fmt(c.connections)} / ${fmt(c.periodSec)} s period) / done over the run (ramp-up included)`,
        `${fmt(c.requiredRefreshesPerSec, 1)} / ${fmt(c.refreshesPerSec, 1)} per s`,
        '',
        '',
      ],
      [
        `  Refreshed how long before expiry: p50 / p1 / closest`,
        `${fmt(c.report.marginSec.p50, 1)} / ${fmt(c.report.marginSec.p1, 1)} / ${fmt(c.report.marginSec.min, 1)} s`,
        '',
        '',
      ],
    );
  }
  return rows;
}

function inboxRows(r: BenchResults): Row[] {
  const i = r.inbox;
  if (!i) return [];
  return [
    [
      `Inbox ingest, messages/s (${fmt(i.messages)} in ${i.mailboxes} mailboxes${i.warmupMessagesEach ? `, worker warmed up on ${i.mailboxes} x ${fmt(i.warmupMessagesEach)}` : ''}; baseline: bare insertMany)`,
      fmt(i.messagesPerSec),
      fmt(i.baselineMessagesPerSec),
      fmtRatio(i.ratio),
    ],
  ];
}

function largeRows(r: BenchResults): Row[] {
  const l = r.largeInbox;
  const a = r.attachment;
  const rows: Row[] = [];
  if (l)
    rows.push([
      `Inbox above the delta cap: ${fmt(l.stored)} of ${fmt(l.messages)} stored once each, reset mid-pass (messages/s)`,
      fmt(l.messagesPerSec),
      '',
      l.complete ? 'complete' : 'INCOMPLETE',
    ]);
  if (a)
    rows.push([
      `Attachments: ${a.sent}/${a.sends} sends of ${fmt(a.fileBytes / 1048576, 1)} MB via upload sessions, MB/s (baseline: bare upload loop)`,
      fmt(a.oursMBPerSec, 1),
      fmt(a.baselineMBPerSec, 1),
      fmtRatio(a.ratio),
    ]);
  return rows;
}

function webhookRows(r: BenchResults): Row[] {
  const w = r.webhooks;
  if (!w) return [];
  return [
    [
      `Webhooks delivered/s (${fmt(w.events)} events, signed, ${w.concurrency} in flight; baseline: bare POST loop)`,
      fmt(w.eventsPerSec, 1),
      fmt(w.baselinePostsPerSec, 1),
      fmtRatio(w.ratio),
    ],
    ['Event emitted -> webhook received p99, ms', fmt(w.latency.p99Ms), '', ''],
  ];
}

function pushRows(r: BenchResults): Row[] {
  const p = r.push;
  if (!p) return [];
  const mode = (m: typeof p.push) => `${m.arrived}/${m.messages}`;
  return [
    [
      `New mail -> \`message.received\` p50, ms (${p.mailboxes} mailboxes, ${p.windowSec} s of mail; push vs polling every ${p.polling.pollIntervalSec} s; arrived ${mode(p.push)} vs ${mode(p.polling)})`,
      fmt(p.push.latency.p50Ms),
      fmt(p.polling.latency.p50Ms),
      fmtRatio(ratio(p.push.latency.p50Ms, p.polling.latency.p50Ms)),
    ],
    [
      'New mail -> `message.received` p99, ms (push vs polling)',
      fmt(p.push.latency.p99Ms),
      fmt(p.polling.latency.p99Ms),
      fmtRatio(ratio(p.push.latency.p99Ms, p.polling.latency.p99Ms)),
    ],
    [
      'Graph requests per mailbox-hour with mail / idle (push vs polling)',
      `${fmt(p.push.graphRequestsPerMailboxHour)} / ${fmt(p.push.idleGraphRequestsPerMailboxHour)}`,
      `${fmt(p.polling.graphRequestsPerMailboxHour)} / ${fmt(p.polling.idleGraphRequestsPerMailboxHour)}`,
      '',
    ],
  ];
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const rows: Row[] = [
    ...sendRows(r),
    ...storeRows(r),
    ...redisRows(r),
    ...tokenRows(r),
    ...inboxRows(r),
    ...largeRows(r),
    ...webhookRows(r),
    ...pushRows(r),
    ...r.peakRss.map((p): Row => [
      `Peak RSS: ${p.process}`,
      p.peakRssMb === null ? 'n/a' : `${fmt(p.peakRssMb, 1)} MB`,
      '',
      '',
    ]),
  ];
  const lines = [
    `### Benchmarks, ${r.date}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${fmt(m.memoryGb, 1)} GB, Node ${m.node}, store ${m.store.kind} ${m.store.version ?? ''}, ` +
      `Redis ${m.redis.version ?? '?'} (${m.redis.private ? 'private to the run' : 'shared'}); load average ${fmt(m.loadAvgStart, 1)} at start, ${fmt(m.loadAvgEnd, 1)} at end. ` +
      `Command: \`${r.command}\`, ${fmt(r.durationSec)} s.`,
    '',
    markdownTable(['Measure', 'Ours', 'Baseline', 'Ours/baseline'], rows),
  ];
  if (r.scaleOut) lines.push('', scaleOutMarkdown(r.scaleOut));
  if (r.notes.length) lines.push('', ...r.notes.map((n) => `- ${n}`));
  if (r.errors.length) lines.push('', ...r.errors.map((e) => `- **${e.phase} failed**: ${e.message}`));
  return `${lines.join('\n')}\n`;
}
