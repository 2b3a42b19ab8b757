import type { Emulator } from '@outlook-connect/ms-emulator';
import { createCalendarClient, type CalendarClient } from '@outlook-connect/queues';
import type { ConnectionDoc, ScopePresetName } from '@outlook-connect/shared';
import type { SeededOAuthApp } from '@outlook-connect/stack';
import type { Clients } from '../clients';
import { startWorkerStack } from './worker-stack';
import { createCalendarHandler } from '../calendar/calendar.handler';
import { DEFAULT_CALENDAR_POLICY, type CalendarPolicy } from '../calendar/calendar-policy';
import { createFreeBusyLookup } from '@outlook-connect/mailbox-runtime';

// The real stack for calendar integration tests (see testing/worker-stack) plus the calendar client and worker.

export interface CalendarHarness {
  emu: Emulator;
  clients: Clients;
  calendar: CalendarClient;
  workspaceId: string;
  tenant: { id: string; domain: string };
  app: SeededOAuthApp;
  startWorker(): void;
  stopWorker(): Promise<void>;
  /** A new emulator user connected with the given preset. */
  connect(preset: ScopePresetName, name?: string): Promise<{ connection: ConnectionDoc; email: string }>;
  close(): Promise<void>;
}

export async function startCalendarHarness(
  label: string,
  policy: Partial<CalendarPolicy> = {},
): Promise<CalendarHarness> {
  const stack = await startWorkerStack(label);
  const { deps } = stack.clients;
  const calendar = createCalendarClient({
    models: deps.models,
    queues: deps.queues,
    freeBusy: createFreeBusyLookup(deps),
  });
  const handler = createCalendarHandler({ ...deps, calendarPolicy: { ...DEFAULT_CALENDAR_POLICY, ...policy } });
  return {
    emu: stack.emu,
    clients: stack.clients,
    calendar,
    workspaceId: stack.workspaceId,
    tenant: stack.tenant,
    app: stack.app,
    startWorker: () => stack.startWorkers([handler], ['calendar']),
    stopWorker: () => stack.stopWorkers(),
    connect: (preset, name) => stack.connect(preset, name),
    close: () => stack.close(),
  };
}
