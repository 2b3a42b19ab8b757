import type { MailboxRuntime } from '@outlook-connect/mailbox-runtime';

/** What the handlers take: the mailbox runtime (tokens, connection status, gate, gated Graph client) and the store. */
export type WorkerDeps = MailboxRuntime;

/** WorkerDeps as built by clients.ts; handler factories take it (or a Pick of it). */
export type ServiceDeps = WorkerDeps;
