import { spawn, type ChildProcess } from 'node:child_process';
import type { Emulator, LimitsConfig } from '@outlook-connect/ms-emulator';
import { serviceNodeArgs } from '@outlook-connect/stack';
import { createSendClient, type SendClient } from '@outlook-connect/queues';
import type { ConnectionDoc, ScopePresetName } from '@outlook-connect/shared';
import type { Clients } from '../clients';
import { startWorkerStack } from './worker-stack';
import { createSendHandler } from '../send/send.handler';
import { sendConfirmRegistration } from '../send/send-confirm.handler';
import type { ConfirmPolicy } from '../send/send-confirm-policy';
import { DEFAULT_SEND_POLICY, type SendPolicy } from '../send/send-policy';

// The real stack for send integration tests (the shared worker stack), with send workers either in this process or as
// child processes running the workers' real main (which can be SIGKILLed).

export interface SendHarness {
  emu: Emulator;
  clients: Clients;
  sends: SendClient;
  workspaceId: string;
  startWorker(): void;
  stopWorker(): Promise<void>;
  /** A worker process (services/workers/src/main.ts serving `send`); kill it with child.kill('SIGKILL'). */
  spawnWorker(): ChildProcess;
  /** SIGKILLs every worker process still running (at the end of a test: none outlives it). */
  killWorkers(): void;
  /** When a delayed send job comes back (BullMQ scores its delayed set with timestamp * 0x1000 + a counter). */
  retryAtOf(sendId: string): Promise<number | null>;
  connect(preset: ScopePresetName, name?: string): Promise<{ connection: ConnectionDoc; email: string }>;
  close(): Promise<void>;
}

/**
 * Tests look in Sent Items soon after the emulator's transport delay (0.1-0.8 s by default) and give up sooner; a
 * retry takes a submitted draft as never sent after 30 s (production: 10 minutes).
 */
export const TEST_CONFIRM: ConfirmPolicy = { firstCheckMs: 2_000, maxChecks: 4 };

export async function startSendHarness(
  label: string,
  opts: { policy?: Partial<SendPolicy>; limits?: Partial<LimitsConfig> } = {},
): Promise<SendHarness> {
  const stack = await startWorkerStack(label, { limits: opts.limits });
  const { deps } = stack.clients;
  const sends = createSendClient({ models: deps.models, queues: deps.queues });
  const sendPolicy = { ...DEFAULT_SEND_POLICY, confirm: TEST_CONFIRM, transitMaxMs: 30_000, ...opts.policy };
  const handler = createSendHandler({ ...deps, sendPolicy });
  const confirm = sendConfirmRegistration({ ...deps, sendPolicy });
  const children = new Set<ChildProcess>();
  const killWorkers = () => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
  };

  return {
    emu: stack.emu,
    clients: stack.clients,
    sends,
    workspaceId: stack.workspaceId,
    startWorker: () => stack.startWorkers([handler, confirm], ['send', 'send-confirm']),
    stopWorker: () => stack.stopWorkers(),
    spawnWorker() {
      const childEnv = {
        ...process.env,
        ...stack.childEnv,
        WORKER_QUEUES: 'send,send-confirm',
        SEND_WAIT_FOR_RECONNECT_SEC: String(Math.round(sendPolicy.waitForReconnectMs / 1000)),
        SEND_CONFIRM_AFTER_SEC: String(Math.max(1, Math.round(sendPolicy.confirm.firstCheckMs / 1000))),
        SEND_CONFIRM_CHECKS: String(sendPolicy.confirm.maxChecks),
        SEND_TRANSIT_MAX_SEC: String(Math.max(5, Math.round(sendPolicy.transitMaxMs / 1000))),
      };
      const child = spawn(process.execPath, serviceNodeArgs('workers', childEnv), {
        env: childEnv,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    killWorkers,
    async retryAtOf(sendId) {
      const score = await deps.redis.zscore(`${deps.queues.prefix}:send:delayed`, sendId);
      return score === null ? null : Math.floor(Number(score) / 0x1000);
    },
    connect: (preset, name) => stack.connect(preset, name),
    async close() {
      killWorkers();
      await stack.close();
    },
  };
}
