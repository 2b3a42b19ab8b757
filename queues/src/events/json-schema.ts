import { z } from 'zod';
import { eventCatalog, type EventName } from './catalog';

/** JSON Schema (draft 2020-12) of every event's envelope + data, keyed by type: what consumers validate against. */
export function eventsJsonSchema(): Record<string, unknown> {
  const oneOf = (Object.keys(eventCatalog) as EventName[]).map((type) => ({
    title: type,
    description: eventCatalog[type].description,
    type: 'object',
    required: ['id', 'type', 'workspaceId', 'occurredAt', 'data'],
    properties: {
      id: { type: 'string', description: `eventId: ${type}_<${eventCatalog[type].id.split(', ').join('>_<')}>` },
      type: { const: type },
      workspaceId: { type: 'string' },
      connectionId: { type: 'string' },
      appId: { type: 'string' },
      occurredAt: { type: 'string', format: 'date-time' },
      data: z.toJSONSchema(eventCatalog[type].data, { io: 'input', unrepresentable: 'any' }),
    },
  }));
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'outlook-connect product events', oneOf };
}
