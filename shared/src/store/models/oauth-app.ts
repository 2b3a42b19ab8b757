import { Schema } from 'mongoose';
import { newId } from './ids';

export type AppSecretStatus = 'ok' | 'expired' | 'invalid';
/** The Azure app registration's supported account types (its sign-in audience); null until known. */
export type OAuthAppAudience = 'single_tenant' | 'multi_tenant' | 'multi_tenant_and_personal';
export const OAUTH_APP_AUDIENCES: readonly OAuthAppAudience[] = [
  'single_tenant',
  'multi_tenant',
  'multi_tenant_and_personal',
];

export interface OAuthAppDoc {
  _id: string;
  workspaceId: string;
  name: string;
  clientId: string;
  /** SecretBox ciphertext, context `oauth-app:<id>:clientSecret`. */
  clientSecretEnc: string;
  /** Bumped on every secret update; connections remember the version they were marked under. */
  secretVersion: number;
  secretExpiresAt: Date | null;
  secretStatus: AppSecretStatus;
  secretStatusSince: Date | null;
  /** Expiry warnings already sent for this secret version (days before: 30, 7, 1). */
  secretWarningsSent: number[];
  defaultTenant: string;
  /** Given by the user, or learned from Microsoft's AADSTS50194 (single-tenant app used through /common). */
  audience: OAuthAppAudience | null;
  redirectUri: string;
  createdAt: Date;
  updatedAt: Date;
}

export const oauthAppSchema = new Schema<OAuthAppDoc>(
  {
    _id: { type: String, default: () => newId('app') },
    workspaceId: { type: String, required: true },
    name: { type: String, required: true },
    clientId: { type: String, required: true },
    clientSecretEnc: { type: String, required: true },
    secretVersion: { type: Number, default: 1 },
    secretExpiresAt: { type: Date, default: null },
    secretStatus: { type: String, enum: ['ok', 'expired', 'invalid'], default: 'ok' },
    secretStatusSince: { type: Date, default: null },
    secretWarningsSent: { type: [Number], default: [] },
    defaultTenant: { type: String, default: 'common' },
    audience: { type: String, enum: [...OAUTH_APP_AUDIENCES, null], default: null },
    redirectUri: { type: String, required: true },
  },
  { timestamps: true, collection: 'oauth_apps' },
);
oauthAppSchema.index({ workspaceId: 1, name: 1 }, { unique: true });
oauthAppSchema.index({ secretExpiresAt: 1 });
