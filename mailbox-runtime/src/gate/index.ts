export { createMailboxGate, RecipientsOverDailyCapError, type MailboxGateOptions } from './mailbox-gate';
export { createMailboxGraph, type MailboxGraphOptions } from './mailbox-graph';
export { connectionUnusableOf, mailboxBusyOf, MailboxRequestError, OwnRequestError, ownErrorOf } from './errors';
export {
  concurrencyRetryAt,
  DEFAULT_MAILBOX_LIMITS,
  exceedsDailyCap,
  nextUtcMidnight,
  pauseAfterResponse,
  sendLimitsFor,
  sendRateRetryAt,
  utcDay,
  type SendLimits,
} from './limits';
export { callGraph, isMicrosoftError, MicrosoftCallError, microsoftFailureOf } from './graph-call';
export { SendBudget } from './graph-middleware';
