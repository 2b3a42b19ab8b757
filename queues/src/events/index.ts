export { eventCatalog, publicReasonSchema, type EventData, type EventName } from './catalog';
export { eventNames, eventSchema, type ProductEvent } from './envelope';
export { eventId, occurrenceHash } from './event-id';
export { emitEvent, type EmitOptions, type EventSubject } from './emit';
export { eventsJsonSchema } from './json-schema';
