import { createSendClient } from '@outlook-connect/queues';
import type { BenchEnv } from '../setup/bench-env';
import { spawnTs, workersMain } from '../setup/child-process';
import { jobTimesOf, type SendSubject } from './send-driver';

/** Our pipeline: createSendClient (Send record + job) -> the workers' real main serving `send` -> the mailbox gate -> Graph. */
export function oursSubject(env: BenchEnv, concurrency: number, processName = 'send worker (ours)'): SendSubject {
  const sends = createSendClient({ models: env.clients.deps.models, queues: env.clients.deps.queues });
  const queue = env.clients.deps.queues.queue('send');
  return {
    name: 'ours',
    async enqueue(mailbox, i, tag) {
      const { send } = await sends.enqueueSend({
        workspaceId: env.workspaceId,
        connectionId: mailbox.connectionId,
        idempotencyKey: tag,
        source: 'sequence',
        message: {
          to: [`lead-${i}@example.com`],
          subject: `Bench ${tag}`,
          body: { contentType: 'text', content: `Hello ${i}, a short sequence step.` },
        },
      });
      return send.marker;
    },
    startWorker: (extra?: { nodeOptions: string; env: Record<string, string> }) =>
      spawnTs(
        processName,
        workersMain,
        {
          ...env.childEnv,
          WORKER_QUEUES: 'send',
          WORKER_CONCURRENCY: String(concurrency),
          // BENCH_CPU_PROF_DIR: the worker writes a V8 CPU profile there when it stops (where its time goes).
          ...nodeOptionsEnv([
            process.env.NODE_OPTIONS ?? '',
            process.env.BENCH_CPU_PROF_DIR ? `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}` : '',
            extra?.nodeOptions ?? '',
          ]),
          ...extra?.env,
        },
        env.rss,
      ),
    discardBacklog: () => queue.drain(true),
    jobTimes: () => jobTimesOf(queue, (data) => `oc-${String(data.sendId)}`),
    async drained() {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    },
  };
}

/** NODE_OPTIONS for the child when any option is set (an empty NODE_OPTIONS would hide the parent's). */
function nodeOptionsEnv(options: string[]): Record<string, string> {
  const joined = options.filter(Boolean).join(' ');
  return joined ? { NODE_OPTIONS: joined } : {};
}
