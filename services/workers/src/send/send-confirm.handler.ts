import { handlerFor, type HandlerRegistration } from '@outlook-connect/queues';
import { DEFAULT_SEND_POLICY, type SendPolicy } from './send-policy';
import { confirmSends, scheduleConfirmRun, type ConfirmDeps } from './send-confirm';

/** `send-confirm`: one mailbox's look in Sent Items for its submitted sends; books the next look if some are still out. */
export const sendConfirmRegistration = (
  deps: ConfirmDeps & { sendPolicy?: SendPolicy },
): HandlerRegistration<'send-confirm'> => {
  const policy = (deps.sendPolicy ?? DEFAULT_SEND_POLICY).confirm;
  return handlerFor('send-confirm', async (payload) => {
    const run = await confirmSends(deps, payload.connectionId, policy);
    if (run.nextAtMs !== null) await scheduleConfirmRun(deps, payload.connectionId, run.nextAtMs, deps.now(), policy);
    return run;
  });
};
