import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventCatalog } from './catalog';
import { renderEventsMarkdown, renderEventsSchema } from './render-docs';

const docs = join(__dirname, '..', '..', '..', 'docs');

describe('the CRM-facing event docs', () => {
  it('docs/events.md is the catalog as it is now (npx tsx queues/src/events/write-docs.ts)', () => {
    expect(readFileSync(join(docs, 'events.md'), 'utf8')).toBe(renderEventsMarkdown());
  });

  it('docs/events.schema.json is the catalog as it is now', () => {
    expect(readFileSync(join(docs, 'events.schema.json'), 'utf8')).toBe(renderEventsSchema());
  });

  it('lists every event type', () => {
    const md = renderEventsMarkdown();
    for (const type of Object.keys(eventCatalog)) expect(md).toContain(`| \`${type}\` |`);
  });
});
