import { folderId as newFolderId, itemId, opaque } from '../util/ids';
import type { CalendarEvent, MailFolder, Message } from './types';

export interface MailboxOwner {
  id: string;
  email: string;
  displayName: string;
}

const WELL_KNOWN: Array<[string, string]> = [
  ['inbox', 'Inbox'],
  ['sentitems', 'Sent Items'],
  ['drafts', 'Drafts'],
  ['deleteditems', 'Deleted Items'],
  ['archive', 'Archive'],
  ['junkemail', 'Junk Email'],
  ['outbox', 'Outbox'],
];

export interface Tombstone {
  id: string;
  folderId: string;
  seq: number;
}

/** What happened to a message, for change notifications (created = appeared in a folder, deleted = left it). */
export type MessageChange =
  | { kind: 'created' | 'updated'; message: Message }
  | { kind: 'deleted'; id: string; folderId: string; changeKey: string };

export type FolderChange =
  { kind: 'upsert'; seq: number; message: Message } | { kind: 'removed'; seq: number; id: string };

/** One user's mailbox: folders, messages with a change sequence (for delta), and the calendar. */
export class Mailbox {
  readonly folders = new Map<string, MailFolder>();
  readonly messages = new Map<string, Message>();
  readonly events = new Map<string, CalendarEvent>();
  private readonly tombstones: Tombstone[] = [];
  private seq = 0;
  /** Bumped by invalidateDeltaTokens: tokens minted under an older epoch are rejected. */
  deltaEpoch = 1;
  deltaInvalidCode: 'syncStateNotFound' | 'resyncRequired' = 'syncStateNotFound';
  /** How an invalidated token is answered: 410 with a Location header, or another 4xx (delta-routes). */
  deltaInvalidStatus: 400 | 404 | 410 = 410;
  /** Most messages one filtered delta round returns ("Get incremental changes to messages": 5,000). */
  deltaFilterCap = 5000;
  /** Exchange Online's maximum message size for this mailbox, attachments included (35 MB default, up to 150 MB). */
  maxMessageSizeBytes = 35 * 1024 * 1024;
  replayNextDelta = false;
  lastDeltaBody: unknown;
  /** Wiring, not state (functions are never saved): change notifications listen here (`mailboxOf` sets it). */
  changeListener?: (change: MessageChange) => void;

  constructor(readonly owner: MailboxOwner) {
    const root = newFolderId();
    for (const [wellKnownName, displayName] of WELL_KNOWN) {
      const folder: MailFolder = { id: newFolderId(), displayName, wellKnownName, parentFolderId: root };
      this.folders.set(folder.id, folder);
    }
  }

  nextSeq(): number {
    return ++this.seq;
  }

  currentSeq(): number {
    return this.seq;
  }

  /** Folder by id or well-known name (case-insensitive). */
  folder(idOrName: string): MailFolder | undefined {
    const direct = this.folders.get(idOrName);
    if (direct) return direct;
    const lower = idOrName.toLowerCase();
    for (const folder of this.folders.values()) if (folder.wellKnownName === lower) return folder;
    return undefined;
  }

  wellKnown(name: string): MailFolder {
    const folder = this.folder(name);
    if (!folder) throw new Error(`no folder ${name}`);
    return folder;
  }

  insert(message: Omit<Message, 'seq' | 'changeKey'>): Message {
    const stored: Message = { ...message, seq: this.nextSeq(), changeKey: opaque(12) };
    this.messages.set(stored.id, stored);
    this.changeListener?.({ kind: 'created', message: stored });
    return stored;
  }

  touch(message: Message, nowIso: string): Message {
    message.seq = this.nextSeq();
    message.changeKey = opaque(12);
    message.lastModifiedDateTime = nowIso;
    this.changeListener?.({ kind: 'updated', message });
    return message;
  }

  /** Moves a message: like Exchange, the moved copy gets a new id and the old id disappears from the source. */
  move(message: Message, destination: MailFolder, nowIso: string): Message {
    this.remove(message);
    const { seq: _seq, changeKey: _ck, ...rest } = message;
    return this.insert({ ...rest, id: itemId(), parentFolderId: destination.id, lastModifiedDateTime: nowIso });
  }

  remove(message: Message): void {
    this.messages.delete(message.id);
    this.tombstones.push({ id: message.id, folderId: message.parentFolderId, seq: this.nextSeq() });
    this.changeListener?.({
      kind: 'deleted',
      id: message.id,
      folderId: message.parentFolderId,
      changeKey: message.changeKey,
    });
  }

  /** DELETE semantics: to Deleted Items, or gone for good when already there. */
  delete(message: Message, nowIso: string): void {
    const deleted = this.wellKnown('deleteditems');
    if (message.parentFolderId === deleted.id) this.remove(message);
    else this.move(message, deleted, nowIso);
  }

  inFolder(folderId: string): Message[] {
    const result: Message[] = [];
    for (const message of this.messages.values()) if (message.parentFolderId === folderId) result.push(message);
    return result;
  }

  /** Changes in a folder with afterSeq < seq <= upToSeq, in sequence order. */
  changes(folderId: string, afterSeq: number, upToSeq: number, includeRemovals: boolean): FolderChange[] {
    const result: FolderChange[] = [];
    for (const message of this.messages.values()) {
      if (message.parentFolderId === folderId && message.seq > afterSeq && message.seq <= upToSeq) {
        result.push({ kind: 'upsert', seq: message.seq, message });
      }
    }
    if (includeRemovals) {
      for (const t of this.tombstones) {
        if (t.folderId === folderId && t.seq > afterSeq && t.seq <= upToSeq)
          result.push({ kind: 'removed', seq: t.seq, id: t.id });
      }
    }
    return result.sort((a, b) => a.seq - b.seq);
  }
}
