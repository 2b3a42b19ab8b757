import { folderId as newFolderId, immutableItemId, itemId, opaque } from '../util/ids';
import type { NewMessage } from './message-factory';
import type { CalendarEvent, MailFolder, Message } from './types';

/** The id format a request sees and addresses messages by: `Prefer: IdType="ImmutableId"` asks for immutable ones. */
export type IdType = 'rest' | 'immutable';

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
  /** Absent on tombstones saved before immutable ids existed (they then show the REST id in both forms). */
  immutableId?: string;
  folderId: string;
  seq: number;
}

/** What happened to a message, for change notifications (created = appeared in a folder, deleted = left it). */
export type MessageChange =
  | { kind: 'created' | 'updated'; message: Message }
  | { kind: 'deleted'; id: string; immutableId: string; folderId: string; changeKey: string };

export type FolderChange =
  { kind: 'upsert'; seq: number; message: Message } | { kind: 'removed'; seq: number; id: string; immutableId: string };

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
  /** immutable id -> REST id; built on first use (a mailbox restored from a state file has none yet). */
  private immutableIndex?: Map<string, string>;

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
    if (!lower) return undefined;
    for (const folder of this.folders.values()) if (folder.wellKnownName === lower) return folder;
    return undefined;
  }

  /** A user folder under `parent` (well-known name empty). */
  addFolder(parent: MailFolder, displayName: string): MailFolder {
    const folder: MailFolder = { id: newFolderId(), displayName, wellKnownName: '', parentFolderId: parent.id };
    this.folders.set(folder.id, folder);
    return folder;
  }

  childFolders(parentId: string): MailFolder[] {
    return [...this.folders.values()].filter((f) => f.parentFolderId === parentId);
  }

  /** Folders directly under the root (their parent is not a folder Graph lists). */
  topFolders(): MailFolder[] {
    return [...this.folders.values()].filter((f) => !this.folders.has(f.parentFolderId));
  }

  wellKnown(name: string): MailFolder {
    const folder = this.folder(name);
    if (!folder) throw new Error(`no folder ${name}`);
    return folder;
  }

  /** Stores a new item: a new immutable id unless it is the same item in a new place (`immutableId` given). */
  insert(message: NewMessage, immutableId: string = immutableItemId()): Message {
    const stored: Message = { ...message, immutableId, seq: this.nextSeq(), changeKey: opaque(12) };
    this.messages.set(stored.id, stored);
    this.index().set(immutableId, stored.id);
    this.changeListener?.({ kind: 'created', message: stored });
    return stored;
  }

  private index(): Map<string, string> {
    if (this.immutableIndex) return this.immutableIndex;
    const index = new Map<string, string>();
    for (const m of this.messages.values()) {
      m.immutableId ??= immutableItemId(); // a message saved before immutable ids existed
      index.set(m.immutableId, m.id);
    }
    this.immutableIndex = index;
    return index;
  }

  /** Gives messages restored from a state file written before immutable ids existed one. */
  backfill(): void {
    for (const m of this.messages.values()) {
      if (m.immutableId !== undefined) continue;
      this.immutableIndex = undefined;
      this.index();
      return;
    }
  }

  /** The message a request names, in the id format the request uses. */
  find(id: string, idType: IdType): Message | undefined {
    const restId = idType === 'immutable' ? this.index().get(id) : id;
    return restId === undefined ? undefined : this.messages.get(restId);
  }

  /** The id of a message as a request of `idType` sees it. */
  idOf(message: Pick<Message, 'id' | 'immutableId'>, idType: IdType): string {
    if (idType === 'rest') return message.id;
    this.index();
    return message.immutableId;
  }

  touch(message: Message, nowIso: string): Message {
    message.seq = this.nextSeq();
    message.changeKey = opaque(12);
    message.lastModifiedDateTime = nowIso;
    this.changeListener?.({ kind: 'updated', message });
    return message;
  }

  /**
   * Moves a message: like Exchange, the moved copy gets a new REST id and the old one disappears from the source;
   * the immutable id stays ("Obtain immutable identifiers for Outlook resources", "Lifetime of immutable IDs").
   */
  move(message: Message, destination: MailFolder, nowIso: string): Message {
    const immutableId = this.idOf(message, 'immutable');
    this.remove(message);
    const { seq: _seq, changeKey: _ck, immutableId: _im, ...rest } = message;
    return this.insert(
      { ...rest, id: itemId(), parentFolderId: destination.id, lastModifiedDateTime: nowIso },
      immutableId,
    );
  }

  remove(message: Message): void {
    const immutableId = this.idOf(message, 'immutable');
    this.messages.delete(message.id);
    this.index().delete(immutableId);
    this.tombstones.push({ id: message.id, immutableId, folderId: message.parentFolderId, seq: this.nextSeq() });
    this.changeListener?.({
      kind: 'deleted',
      id: message.id,
      immutableId,
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
          result.push({ kind: 'removed', seq: t.seq, id: t.id, immutableId: t.immutableId ?? t.id });
      }
    }
    return result.sort((a, b) => a.seq - b.seq);
  }
}
