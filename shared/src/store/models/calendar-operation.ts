import { Schema } from 'mongoose';
import { newId } from './ids';

export type CalendarOperationKind = 'create' | 'update' | 'cancel';
export type CalendarOperationStatus = 'queued' | 'running' | 'succeeded' | 'failed';

export interface CalendarOperationDoc {
  _id: string;
  workspaceId: string;
  connectionId: string;
  idempotencyKey: string;
  /** Canonical hash of the request the key was first used for (null on records made before it was kept). */
  requestHash: string | null;
  kind: CalendarOperationKind;
  status: CalendarOperationStatus;
  request: Record<string, unknown>;
  /** Graph's transactionId for creation: makes a retried create return the same event. */
  transactionId: string;
  eventId: string | null;
  result: Record<string, unknown> | null;
  metadata: Record<string, unknown>;
  attempts: number;
  error: { kind: string; code: string; message: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

export const calendarOperationSchema = new Schema<CalendarOperationDoc>(
  {
    _id: { type: String, default: () => newId('cal') },
    workspaceId: { type: String, required: true },
    connectionId: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    requestHash: { type: String, default: null },
    kind: { type: String, enum: ['create', 'update', 'cancel'], required: true },
    status: { type: String, enum: ['queued', 'running', 'succeeded', 'failed'], default: 'queued' },
    request: { type: Schema.Types.Mixed, required: true },
    transactionId: { type: String, required: true },
    eventId: { type: String, default: null },
    result: { type: Schema.Types.Mixed, default: null },
    metadata: { type: Schema.Types.Mixed, default: () => ({}) },
    attempts: { type: Number, default: 0 },
    error: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true, collection: 'calendar_operations', minimize: false },
);
calendarOperationSchema.index({ connectionId: 1, idempotencyKey: 1 }, { unique: true });
calendarOperationSchema.index({ workspaceId: 1, createdAt: -1 });
// The operation sweep (open records, oldest update first) and retention (finished ones past their age).
calendarOperationSchema.index({ status: 1, updatedAt: 1 });
