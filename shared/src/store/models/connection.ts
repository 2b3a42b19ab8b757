import { Schema } from 'mongoose';
import { newId } from './ids';

export type ConnectionStatus = 'active' | 'needs_reconnect' | 'disconnected';
export type ScopePresetName = 'read_only' | 'send_only' | 'full' | 'full_calendar';

export interface StatusReason {
  code: string;
  message: string;
  remediation: string;
  aadsts?: number;
  /** The app secret version this reason was set under (app-credential reasons only). */
  appSecretVersion?: number;
  since: Date;
}

export interface SyncState {
  deltaLink?: string | null;
  generation: number;
  /** The nextLink of the inbox pass in progress, so a crashed or yielded run resumes instead of restarting. */
  pageLink?: string | null;
  /** The generation a full pass in progress writes; null when no full pass is running. */
  pendingGeneration?: number | null;
  initialSyncComplete: boolean;
  lastAttemptAt?: Date | null;
  lastSuccessAt?: Date | null;
  lastError?: { code: string; message: string; at: Date } | null;
  consecutiveFailures: number;
  syncedCount: number;
  cursorCreatedAt?: Date | null;
  nextSyncAt?: Date | null;
  /**
   * The Graph id format of the stored inbox rows: 'immutable' once a full pass asking for immutable ids started;
   * absent on connections synced before (their rows hold REST ids, which change when a message moves).
   */
  idType?: 'immutable' | null;
  /** The generation of the full pass that re-keys REST-id rows to immutable ids (matched by internetMessageId). */
  idMigrationGeneration?: number | null;
}

export interface ConnectionDoc {
  _id: string;
  workspaceId: string;
  appId: string;
  status: ConnectionStatus;
  statusReason: StatusReason | null;
  scopePreset: ScopePresetName;
  grantedScopes: string[];
  /** What the user picked: `common` or a tenant id/domain. */
  tenant: string;
  /** The tenant the account actually belongs to (token `tid`). */
  tenantId: string;
  microsoftUserId: string;
  homeAccountId: string;
  mailbox: string;
  displayName: string;
  accessTokenEnc: string | null;
  refreshTokenEnc: string | null;
  accessTokenExpiresAt: Date | null;
  /** Compare-and-set guard: every token write bumps it; a write that read an older version loses. */
  tokenVersion: number;
  lastRefreshAt: Date | null;
  /** When the sweeper must make sure a refresh is scheduled (store is the source of truth). */
  nextRefreshAt: Date | null;
  refreshFailures: number;
  lastRefreshError: { kind: string; code: string; message: string; aadsts?: number; at: Date } | null;
  sync: SyncState;
  limits: { sendsPerMinute?: number | null; dailyRecipientCap?: number | null };
  disconnectedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const reasonSchema = new Schema<StatusReason>(
  {
    code: String,
    message: String,
    remediation: String,
    aadsts: Number,
    appSecretVersion: Number,
    since: Date,
  },
  { _id: false },
);

export const connectionSchema = new Schema<ConnectionDoc>(
  {
    _id: { type: String, default: () => newId('conn') },
    workspaceId: { type: String, required: true },
    appId: { type: String, required: true },
    status: { type: String, enum: ['active', 'needs_reconnect', 'disconnected'], required: true },
    statusReason: { type: reasonSchema, default: null },
    scopePreset: { type: String, enum: ['read_only', 'send_only', 'full', 'full_calendar'], required: true },
    grantedScopes: { type: [String], default: [] },
    tenant: { type: String, required: true },
    tenantId: { type: String, required: true },
    microsoftUserId: { type: String, required: true },
    homeAccountId: { type: String, default: '' },
    mailbox: { type: String, required: true },
    displayName: { type: String, default: '' },
    accessTokenEnc: { type: String, default: null },
    refreshTokenEnc: { type: String, default: null },
    accessTokenExpiresAt: { type: Date, default: null },
    tokenVersion: { type: Number, default: 0 },
    lastRefreshAt: { type: Date, default: null },
    nextRefreshAt: { type: Date, default: null },
    refreshFailures: { type: Number, default: 0 },
    lastRefreshError: { type: Schema.Types.Mixed, default: null },
    sync: {
      type: new Schema<SyncState>(
        {
          deltaLink: { type: String, default: null },
          generation: { type: Number, default: 0 },
          pageLink: { type: String, default: null },
          pendingGeneration: { type: Number, default: null },
          initialSyncComplete: { type: Boolean, default: false },
          lastAttemptAt: { type: Date, default: null },
          lastSuccessAt: { type: Date, default: null },
          lastError: { type: Schema.Types.Mixed, default: null },
          consecutiveFailures: { type: Number, default: 0 },
          syncedCount: { type: Number, default: 0 },
          cursorCreatedAt: { type: Date, default: null },
          nextSyncAt: { type: Date, default: null },
          idType: { type: String, enum: ['immutable', null], default: null },
          idMigrationGeneration: { type: Number, default: null },
        },
        { _id: false },
      ),
      default: () => ({}),
    },
    limits: {
      type: new Schema({ sendsPerMinute: Number, dailyRecipientCap: Number }, { _id: false }),
      default: () => ({}),
    },
    disconnectedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'connections', minimize: false },
);
// The same Microsoft user through the same app is the same connection.
connectionSchema.index({ appId: 1, tenantId: 1, microsoftUserId: 1 }, { unique: true });
connectionSchema.index({ workspaceId: 1, createdAt: -1 });
connectionSchema.index({ status: 1, nextRefreshAt: 1 });
connectionSchema.index({ status: 1, 'sync.nextSyncAt': 1 });
connectionSchema.index({ appId: 1, status: 1 });
