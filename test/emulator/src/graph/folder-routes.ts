import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import type { Mailbox } from '../mailbox/mailbox';
import type { MailFolder } from '../mailbox/types';
import { GraphError, badRequest } from './graph-error';
import { graphRoute } from './graph-route';
import { MAIL_READ, MAIL_WRITE, folderOrThrow } from './message-routes';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function folderJson(mailbox: Mailbox, folder: MailFolder): Record<string, unknown> {
  const items = mailbox.inFolder(folder.id);
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId,
    childFolderCount: mailbox.childFolders(folder.id).length,
    unreadItemCount: items.filter((m) => !m.isRead).length,
    totalItemCount: items.length,
    isHidden: false,
  };
}

/** Mail folders: the top level ("List mailFolders"), one folder, child folders (list, create). */
export function registerFolderRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/mailFolders',
    scopes: MAIL_READ,
    handler: (call) => ({
      status: 200,
      body: { value: call.mailbox.topFolders().map((f) => folderJson(call.mailbox, f)) },
    }),
  });
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/mailFolders/:folder',
    scopes: MAIL_READ,
    handler: (call) => ({
      status: 200,
      body: folderJson(call.mailbox, folderOrThrow(call.mailbox, call.params.folder ?? '')),
    }),
  });
  graphRoute(app, ctx, {
    method: 'GET',
    path: '/me/mailFolders/:folder/childFolders',
    scopes: MAIL_READ,
    handler: (call) => {
      const parent = folderOrThrow(call.mailbox, call.params.folder ?? '');
      return {
        status: 200,
        body: { value: call.mailbox.childFolders(parent.id).map((f) => folderJson(call.mailbox, f)) },
      };
    },
  });
  // "Create MailFolder" (POST .../childFolders): displayName is the only writable property; 201 with the folder.
  graphRoute(app, ctx, {
    method: 'POST',
    path: '/me/mailFolders/:folder/childFolders',
    scopes: MAIL_WRITE,
    handler: (call) => {
      const parent = folderOrThrow(call.mailbox, call.params.folder ?? '');
      const name = isRecord(call.body) && typeof call.body.displayName === 'string' ? call.body.displayName.trim() : '';
      if (!name) throw badRequest("The parameter 'displayName' is missing.", 'ErrorInvalidParameter');
      // A sibling with the same name is refused (409 ErrorFolderExists: assumed, the Exchange code for it).
      if (call.mailbox.childFolders(parent.id).some((f) => f.displayName.toLowerCase() === name.toLowerCase()))
        throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
      return { status: 201, body: folderJson(call.mailbox, call.mailbox.addFolder(parent, name)) };
    },
  });
}
