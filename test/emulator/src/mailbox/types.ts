/** Graph resource shapes kept by the emulated mailbox (property names as in Graph v1.0). */
export interface EmailAddress {
  name?: string;
  address: string;
}

export interface Recipient {
  emailAddress: EmailAddress;
}

export interface ItemBody {
  contentType: 'text' | 'html';
  content: string;
}

export interface InternetMessageHeader {
  name: string;
  value: string;
}

export interface SingleValueExtendedProperty {
  id: string;
  value: string;
}

export interface FileAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentBytes: string;
  lastModifiedDateTime: string;
}

/** Threading a reply carries into the delivered copy (Exchange writes these headers on send). */
export interface ReplyContext {
  inReplyTo: string;
  references: string;
}

export interface Message {
  /** The REST id (`restId`): changes when the message moves to another folder. */
  id: string;
  /** The immutable id (`restImmutableEntryId`): fixed while the message stays in this mailbox. */
  immutableId: string;
  parentFolderId: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  receivedDateTime: string;
  sentDateTime: string | null;
  changeKey: string;
  internetMessageId: string;
  conversationId: string;
  subject: string;
  bodyPreview: string;
  body: ItemBody;
  from: Recipient | null;
  sender: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  isRead: boolean;
  isDraft: boolean;
  hasAttachments: boolean;
  importance: 'low' | 'normal' | 'high';
  categories: string[];
  flag: { flagStatus: 'notFlagged' | 'flagged' | 'complete' };
  internetMessageHeaders: InternetMessageHeader[];
  singleValueExtendedProperties: SingleValueExtendedProperty[];
  attachments: FileAttachment[];
  replyContext?: ReplyContext;
  /** Emulator bookkeeping (never serialized): change sequence number for delta. */
  seq: number;
}

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface Attendee {
  type: 'required' | 'optional' | 'resource';
  emailAddress: EmailAddress;
  status?: { response: string; time: string };
}

/** onlineMeetingInfo: how attendees join (Teams fills joinUrl and conferenceId). */
export interface OnlineMeetingInfo {
  joinUrl: string;
  conferenceId: string;
  tollNumber: string | null;
}

export interface CalendarEvent {
  id: string;
  iCalUId: string;
  transactionId: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  subject: string;
  bodyPreview: string;
  body: ItemBody;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  location: { displayName: string };
  attendees: Attendee[];
  organizer: Recipient;
  isAllDay: boolean;
  isCancelled: boolean;
  isOrganizer: boolean;
  showAs: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
  sensitivity: 'normal' | 'personal' | 'private' | 'confidential';
  type: 'singleInstance';
  webLink: string;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: 'unknown' | 'teamsForBusiness' | 'skypeForBusiness' | 'skypeForConsumer';
  onlineMeeting: OnlineMeetingInfo | null;
  singleValueExtendedProperties: SingleValueExtendedProperty[];
  /** Emulator bookkeeping: UTC instants (ms) of start/end. */
  startMs: number;
  endMs: number;
}

export interface MailFolder {
  id: string;
  displayName: string;
  wellKnownName: string;
  parentFolderId: string;
}
