import type { Emulator } from '@outlook-connect/ms-emulator';
import type { ConnectionDoc, ScopePresetName } from '@outlook-connect/shared';
import type { SeededOAuthApp } from '@outlook-connect/stack';
import type { Clients } from '../clients';
import { startWorkerStack } from './worker-stack';
import { DEFAULT_INBOX_POLICY, type InboxPolicy } from '../inbox/inbox-policy';
import { inboxSyncRegistration } from '../inbox/inbox-sync.handler';
import type { InboxSyncDeps } from '../inbox/sync-connection';

// The real stack for inbox sync integration tests (see testing/worker-stack) plus an inbox worker with the test's policy.

export interface InboxHarness {
  emu: Emulator;
  clients: Clients;
  /** What syncConnection / syncSweep take, with the test's policy. */
  deps: Clients['deps'] & InboxSyncDeps;
  policy: InboxPolicy;
  workspaceId: string;
  app: SeededOAuthApp;
  startWorker(): void;
  stopWorker(): Promise<void>;
  connect(preset: ScopePresetName, name?: string): Promise<{ connection: ConnectionDoc; email: string }>;
  close(): Promise<void>;
}

export async function startInboxHarness(label: string, policy: Partial<InboxPolicy> = {}): Promise<InboxHarness> {
  const stack = await startWorkerStack(label);
  const inboxPolicy: InboxPolicy = { ...DEFAULT_INBOX_POLICY, ...policy };
  const deps = { ...stack.clients.deps, inboxPolicy };
  return {
    emu: stack.emu,
    clients: stack.clients,
    deps,
    policy: inboxPolicy,
    workspaceId: stack.workspaceId,
    app: stack.app,
    startWorker: () => stack.startWorkers([inboxSyncRegistration(deps)], ['inbox-sync']),
    stopWorker: () => stack.stopWorkers(),
    connect: (preset, name) => stack.connect(preset, name),
    close: () => stack.close(),
  };
}
