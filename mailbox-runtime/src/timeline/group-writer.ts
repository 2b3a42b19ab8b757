// The group writers live in shared (the producers in `queues` group their schedule filings too); re-exported here
// for the timeline and the reply keys.
export {
  createGroupWriter,
  createLingeringWriter,
  type GroupWriter,
  type LingeringWriter,
} from '@outlook-connect/shared';
