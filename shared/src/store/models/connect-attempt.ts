import { Schema } from 'mongoose';
import { newId } from './ids';
import type { ScopePresetName } from './connection';

export type ConnectAttemptStatus = 'pending' | 'succeeded' | 'failed' | 'expired';

export interface ConnectOutcome {
  connectionId?: string;
  created?: boolean;
  errorCode?: string;
  aadsts?: number;
  message?: string;
  remediation?: string;
  adminConsentUrl?: string;
  /** kind admin_consent: the tenant the admin granted consent for (Microsoft's `tenant`, display only). */
  adminConsentTenant?: string;
}

/** connect: a user's sign-in; admin_consent: the state of an admin-consent URL handed out after AADSTS90094. */
export type ConnectAttemptKind = 'connect' | 'admin_consent';

export interface ConnectAttemptDoc {
  _id: string;
  kind: ConnectAttemptKind;
  workspaceId: string;
  appId: string;
  scopePreset: ScopePresetName;
  tenant: string;
  returnUrl: string;
  loginHint: string | null;
  /** The connection being reconnected or re-scoped, if any. */
  connectionId: string | null;
  /** sha256 of the state parameter; the state itself is never stored. */
  stateHash: string;
  codeVerifierEnc: string;
  nonce: string;
  status: ConnectAttemptStatus;
  expiresAt: Date;
  consumedAt: Date | null;
  outcome: ConnectOutcome | null;
  createdAt: Date;
  updatedAt: Date;
}

export const connectAttemptSchema = new Schema<ConnectAttemptDoc>(
  {
    _id: { type: String, default: () => newId('att') },
    kind: { type: String, enum: ['connect', 'admin_consent'], default: 'connect' },
    workspaceId: { type: String, required: true },
    appId: { type: String, required: true },
    scopePreset: { type: String, required: true },
    tenant: { type: String, required: true },
    returnUrl: { type: String, required: true },
    loginHint: { type: String, default: null },
    connectionId: { type: String, default: null },
    stateHash: { type: String, required: true },
    codeVerifierEnc: { type: String, required: true },
    nonce: { type: String, required: true },
    status: { type: String, enum: ['pending', 'succeeded', 'failed', 'expired'], default: 'pending' },
    expiresAt: { type: Date, required: true },
    consumedAt: { type: Date, default: null },
    outcome: { type: Schema.Types.Mixed, default: null },
  },
  { timestamps: true, collection: 'connect_attempts' },
);
connectAttemptSchema.index({ stateHash: 1 }, { unique: true });
connectAttemptSchema.index({ workspaceId: 1, createdAt: -1 });
// Retention: attempts past their expiry, oldest first (a plain index, not a TTL one).
connectAttemptSchema.index({ expiresAt: 1 });
