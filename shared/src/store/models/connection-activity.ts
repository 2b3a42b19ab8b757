import { Schema } from 'mongoose';
import { newId } from './ids';

export type ActivityType =
  | 'connected'
  | 'reconnected'
  | 'status_changed'
  | 'refreshed'
  | 'refresh_failed'
  | 'synced'
  | 'sync_failed'
  | 'sent'
  | 'send_failed'
  | 'throttled'
  | 'calendar'
  | 'disconnected';

/** One line of a connection's timeline (operators' view). Trimmed by age in a sweep, not a TTL index. */
export interface ConnectionActivityDoc {
  _id: string;
  workspaceId: string;
  connectionId: string;
  type: ActivityType;
  at: Date;
  detail: Record<string, unknown>;
}

export const connectionActivitySchema = new Schema<ConnectionActivityDoc>(
  {
    _id: { type: String, default: () => newId('act') },
    workspaceId: { type: String, required: true },
    connectionId: { type: String, required: true },
    type: { type: String, required: true },
    at: { type: Date, default: () => new Date() },
    detail: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { collection: 'connection_activity', minimize: false },
);
connectionActivitySchema.index({ connectionId: 1, at: -1 });
connectionActivitySchema.index({ at: 1 });
