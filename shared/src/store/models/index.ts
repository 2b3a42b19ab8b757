import type { Connection, Model } from 'mongoose';
import { attachmentChunkSchema, attachmentSchema, type AttachmentChunkDoc, type AttachmentDoc } from './attachment';
import { calendarOperationSchema, type CalendarOperationDoc } from './calendar-operation';
import { connectAttemptSchema, type ConnectAttemptDoc } from './connect-attempt';
import { connectionSchema, type ConnectionDoc } from './connection';
import { connectionActivitySchema, type ConnectionActivityDoc } from './connection-activity';
import { inboxMessageSchema, type InboxMessageDoc } from './inbox-message';
import { inboxSubscriptionSchema, type InboxSubscriptionDoc } from './inbox-subscription';
import { oauthAppSchema, type OAuthAppDoc } from './oauth-app';
import { replyKeySchema, type ReplyKeyDoc } from './reply-key';
import {
  scheduleBucketSchema,
  scheduleCursorSchema,
  type ScheduleBucketDoc,
  type ScheduleCursorDoc,
} from './schedule-bucket';
import { sendSchema, type SendDoc } from './send';
import { webhookDeliverySchema, type WebhookDeliveryDoc } from './webhook-delivery';
import { webhookEndpointSchema, type WebhookEndpointDoc } from './webhook-endpoint';
import { workspaceSchema, type WorkspaceDoc } from './workspace';

export * from './attachment';
export * from './calendar-operation';
export * from './connect-attempt';
export * from './connection';
export * from './connection-activity';
export * from './inbox-message';
export * from './inbox-subscription';
export * from './oauth-app';
export * from './reply-key';
export * from './schedule-bucket';
export * from './send';
export * from './webhook-delivery';
export * from './webhook-endpoint';
export * from './workspace';
export { newId } from './ids';

export interface Models {
  Workspace: Model<WorkspaceDoc>;
  OAuthApp: Model<OAuthAppDoc>;
  Connection: Model<ConnectionDoc>;
  ConnectAttempt: Model<ConnectAttemptDoc>;
  Send: Model<SendDoc>;
  InboxMessage: Model<InboxMessageDoc>;
  InboxSubscription: Model<InboxSubscriptionDoc>;
  CalendarOperation: Model<CalendarOperationDoc>;
  ConnectionActivity: Model<ConnectionActivityDoc>;
  Attachment: Model<AttachmentDoc>;
  AttachmentChunk: Model<AttachmentChunkDoc>;
  WebhookEndpoint: Model<WebhookEndpointDoc>;
  WebhookDelivery: Model<WebhookDeliveryDoc>;
  ScheduleBucket: Model<ScheduleBucketDoc>;
  ScheduleCursor: Model<ScheduleCursorDoc>;
  ReplyKey: Model<ReplyKeyDoc>;
}

/** Registers every model on a connection and waits for their indexes (unique indexes carry invariants). */
export async function createModels(conn: Connection): Promise<Models> {
  const models: Models = {
    Workspace: conn.model<WorkspaceDoc>('Workspace', workspaceSchema),
    OAuthApp: conn.model<OAuthAppDoc>('OAuthApp', oauthAppSchema),
    Connection: conn.model<ConnectionDoc>('Connection', connectionSchema),
    ConnectAttempt: conn.model<ConnectAttemptDoc>('ConnectAttempt', connectAttemptSchema),
    Send: conn.model<SendDoc>('Send', sendSchema),
    InboxMessage: conn.model<InboxMessageDoc>('InboxMessage', inboxMessageSchema),
    InboxSubscription: conn.model<InboxSubscriptionDoc>('InboxSubscription', inboxSubscriptionSchema),
    CalendarOperation: conn.model<CalendarOperationDoc>('CalendarOperation', calendarOperationSchema),
    ConnectionActivity: conn.model<ConnectionActivityDoc>('ConnectionActivity', connectionActivitySchema),
    Attachment: conn.model<AttachmentDoc>('Attachment', attachmentSchema),
    AttachmentChunk: conn.model<AttachmentChunkDoc>('AttachmentChunk', attachmentChunkSchema),
    WebhookEndpoint: conn.model<WebhookEndpointDoc>('WebhookEndpoint', webhookEndpointSchema),
    WebhookDelivery: conn.model<WebhookDeliveryDoc>('WebhookDelivery', webhookDeliverySchema),
    ScheduleBucket: conn.model<ScheduleBucketDoc>('ScheduleBucket', scheduleBucketSchema),
    ScheduleCursor: conn.model<ScheduleCursorDoc>('ScheduleCursor', scheduleCursorSchema),
    ReplyKey: conn.model<ReplyKeyDoc>('ReplyKey', replyKeySchema),
  };
  await Promise.all(Object.values(models).map((m: Model<unknown>) => m.init()));
  return models;
}
