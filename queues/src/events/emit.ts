import type { EmitInput, QueueClient } from '../queue-client';
import type { EventData, EventName } from './catalog';
import type { ProductEvent } from './envelope';

/** Who an event is about: its workspace, and the connection and/or OAuth app where there is one. */
export interface EventSubject {
  workspaceId: string;
  connectionId?: string;
  appId?: string;
}

export interface EmitOptions {
  /** From eventId(type, subject, ...occurrence): the same event emitted twice is delivered once. */
  id: string;
  occurredAt?: Date;
}

/** The one way to emit a product event: `data` is typed by the catalog and validated (emit refuses a mismatch). */
export function emitEvent<T extends EventName>(
  queues: Pick<QueueClient, 'emit'>,
  type: T,
  subject: EventSubject,
  data: EventData<T>,
  opts: EmitOptions,
): Promise<ProductEvent> {
  const input: EmitInput = { type, ...subject, data: data as Record<string, unknown>, id: opts.id };
  if (opts.occurredAt) input.occurredAt = opts.occurredAt;
  return queues.emit(input);
}

/** One event of emitEvents: the arguments of emitEvent, as an object. */
export interface EventToEmit<T extends EventName> {
  type: T;
  subject: EventSubject;
  data: EventData<T>;
  opts: EmitOptions;
}

/** Many events in one round trip (a delta page's arrivals): each typed and validated as emitEvent's. */
export function emitEvents<T extends EventName>(
  queues: Pick<QueueClient, 'emitMany'>,
  events: ReadonlyArray<EventToEmit<T>>,
): Promise<ProductEvent[]> {
  return queues.emitMany(
    events.map((e) => {
      const input: EmitInput = { type: e.type, ...e.subject, data: e.data as Record<string, unknown>, id: e.opts.id };
      if (e.opts.occurredAt) input.occurredAt = e.opts.occurredAt;
      return input;
    }),
  );
}
