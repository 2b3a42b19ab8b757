import { join } from 'node:path';
import { clusterSafePrefix, jobOptionsFor } from '@outlook-connect/queues';
import { Queue } from 'bullmq';
import type { BenchEnv } from '../setup/bench-env';
import { spawnTs } from '../setup/child-process';
import { BASELINE_SEND_QUEUE, type BaselineSendJob } from './baseline-job';
import { jobTimesOf, type SendSubject } from './send-driver';

/** The bare baseline: a BullMQ job with the message -> a bare BullMQ worker process -> POST /me/sendMail. No records, no gate. */
export function baselineSubject(env: BenchEnv, concurrency: number): SendSubject & { close(): Promise<void> } {
  const queue = new Queue<BaselineSendJob>(BASELINE_SEND_QUEUE, {
    connection: env.clients.deps.redis,
    prefix: clusterSafePrefix(env.iso.queuePrefix),
  });
  // Same attempts and retention as our `send` queue, so the difference is our code, not BullMQ settings.
  const opts = jobOptionsFor('send');
  return {
    name: 'baseline',
    async enqueue(mailbox, i, tag) {
      const marker = `bl-${tag}`;
      await queue.add(
        'send',
        {
          connectionId: mailbox.connectionId,
          marker,
          to: `lead-${i}@example.com`,
          subject: `Bench ${tag}`,
          content: `Hello ${i}, a short sequence step.`,
        },
        opts,
      );
      return marker;
    },
    startWorker: () =>
      spawnTs(
        'send worker (bare baseline)',
        join(__dirname, 'baseline-worker.ts'),
        { ...env.childEnv, BENCH_WORKSPACE_ID: env.workspaceId, BENCH_CONCURRENCY: String(concurrency) },
        env.rss,
      ),
    discardBacklog: () => queue.drain(true),
    jobTimes: () => jobTimesOf(queue, (data) => String(data.marker)),
    async drained() {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    },
    close: () => queue.close(),
  };
}
