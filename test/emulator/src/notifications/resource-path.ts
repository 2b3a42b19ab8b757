/**
 * Outlook message resources a subscription may name ("Change notifications for Outlook resources", supported
 * resource paths): `me/messages`, `users/{id}/messages`, `me|users/{id}/mailFolders/{id}/messages` (also the
 * `mailFolders('inbox')` form). Anything else is refused: the emulator emulates mail subscriptions only.
 */
export interface MessageResource {
  /** 'me' or the id / userPrincipalName after `users/`. */
  user: 'me' | { ref: string };
  /** Folder id or well-known name; absent = the whole mailbox. */
  folder?: string;
}

export type ResourceParse = { ok: true; value: MessageResource } | { ok: false; reason: string };

const SEGMENT = "[^/()'?]+";
const FOLDER = `mailFolders(?:\\('(${SEGMENT})'\\)|/(${SEGMENT}))`;
const USER = `(?:(me)|users(?:\\('(${SEGMENT})'\\)|/(${SEGMENT})))`;
const PATTERN = new RegExp(`^/?${USER}(?:/${FOLDER})?/messages/?$`, 'i');

export function parseMessageResource(resource: string): ResourceParse {
  const trimmed = resource.trim();
  if (/^https?:/i.test(trimmed)) return { ok: false, reason: 'resource must not include the base URL' };
  if (trimmed.includes('?'))
    return { ok: false, reason: 'query options on the resource are not supported by the emulator' };
  const m = PATTERN.exec(trimmed);
  if (!m) return { ok: false, reason: `resource '${resource}' is not a supported message resource` };
  const [, me, userQuoted, userPlain, folderQuoted, folderPlain] = m;
  const userRef = userQuoted ?? userPlain;
  const folder = folderQuoted ?? folderPlain;
  return {
    ok: true,
    value: {
      user: me ? 'me' : { ref: decodeURIComponent(userRef ?? '') },
      ...(folder ? { folder: decodeURIComponent(folder) } : {}),
    },
  };
}
