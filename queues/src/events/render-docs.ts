import { eventCatalog, type EventName } from './catalog';
import { eventsJsonSchema } from './json-schema';

// docs/events.md and docs/events.schema.json come from the catalog: `npx tsx queues/src/events/write-docs.ts` writes
// them, and a test fails when they are out of date.

const fieldsOf = (type: EventName): string => {
  const schema = eventsJsonSchema() as {
    oneOf: Array<{
      title: string;
      properties: { data: { properties?: Record<string, unknown>; required?: string[] } };
    }>;
  };
  const data = schema.oneOf.find((s) => s.title === type)!.properties.data;
  const required = new Set(data.required ?? []);
  return Object.keys(data.properties ?? {})
    .map((k) => (required.has(k) ? `\`${k}\`` : `\`${k}\`?`))
    .join(', ');
};

export function renderEventsMarkdown(): string {
  const lines = [
    '# Events to the CRM',
    '',
    'Generated from `queues/src/events/catalog.ts` (do not edit; `npx tsx queues/src/events/write-docs.ts`). JSON Schema of',
    'every event: [events.schema.json](events.schema.json).',
    '',
    'Each event, `{id, type, workspaceId, connectionId?, appId?, occurredAt, data}`, rides on the `events` queue (a job',
    "carries the events emitted together) and is delivered to the workspace's webhook endpoints as a signed Standard",
    'Webhook with that body (README, "Webhooks").',
    '`id` is `<type>_<subject id>[_<occurrence>...]`; the same event emitted twice has the same id and is delivered once;',
    'it is the `webhook-id` header, the same on every retry, so consumers deduplicate on it.',
    '',
    '| type | when | id from | data |',
    '|---|---|---|---|',
  ];
  for (const type of Object.keys(eventCatalog) as EventName[]) {
    const spec = eventCatalog[type];
    lines.push(`| \`${type}\` | ${spec.description} | ${spec.id} | ${fieldsOf(type)} |`);
  }
  return `${lines.join('\n')}\n`;
}

export const renderEventsSchema = (): string => `${JSON.stringify(eventsJsonSchema(), null, 2)}\n`;
