import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEventsMarkdown, renderEventsSchema } from './render-docs';

const docs = join(__dirname, '..', '..', '..', 'docs');
writeFileSync(join(docs, 'events.md'), renderEventsMarkdown());
writeFileSync(join(docs, 'events.schema.json'), renderEventsSchema());
