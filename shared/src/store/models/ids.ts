import { randomBytes } from 'node:crypto';

/** Readable, unguessable ids: `conn_3f9a...`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
