export { eventCatalog, publicReasonSchema, type EventData, type EventName } from './catalog';
export { eventNames, eventSchema, type ProductEvent } from './envelope';
export { eventId, occurrenceHash } from './event-id';
export { emitEvent, emitEvents, type EmitOptions, type EventSubject, type EventToEmit } from './emit';
export { eventsJsonSchema } from './json-schema';
export {
  createEventCarrier,
  eventGroupSchema,
  eventsOnQueue,
  EVENTS_PER_JOB,
  findEvent,
  type EventGroup,
} from './carrier';
