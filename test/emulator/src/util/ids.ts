import { randomBytes, randomUUID } from 'node:crypto';

export const guid = (): string => randomUUID();

/** Opaque URL-safe token of `bytes` random bytes. */
export const opaque = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Exchange-style item id ("AAMkAG..."), URL-safe so it can sit in a path segment. */
export const itemId = (): string => `AAMkAG${randomBytes(33).toString('base64url')}`;

/** The immutable form of an item id ("AAkALgAA...", as in "Obtain immutable identifiers for Outlook resources"). */
export const immutableItemId = (): string => `AAkALgAA${randomBytes(33).toString('base64url')}`;

/** Exchange-style folder id. */
export const folderId = (): string => `AAMkAF${randomBytes(21).toString('base64url')}`;

export const internetMessageId = (domain: string): string =>
  `<${randomBytes(12).toString('hex')}@${domain || 'emulator.local'}>`;

export const base64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');
