import type { HandlerRegistration } from '@outlook-connect/queues';
import { operationHandler } from '../operations/run-operation';
import { sendKind, type SendDeps } from './send-kind';

export type { SendDeps } from './send-kind';

/** Sends one email at most once: the durable-operation runner with the send's strategy (send-kind.ts). */
export function createSendHandler(deps: SendDeps): HandlerRegistration<'send'> {
  return operationHandler(deps, sendKind(deps)) as HandlerRegistration<'send'>;
}

/** For the handler map: the send policy comes parsed from the workers' config (clients.ts). */
export const sendRegistration = (deps: SendDeps): HandlerRegistration<'send'> => createSendHandler(deps);
