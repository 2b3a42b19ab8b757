import { Schema } from 'mongoose';
import { newId } from './ids';

/** One API key of a workspace: the key itself is shown once at creation; only its sha256 is kept. */
export interface WorkspaceApiKey {
  id: string;
  /** The key's first characters (`ock_AbCd`), so an operator can tell keys apart. */
  prefix: string;
  hash: string;
  createdAt: Date;
}

export interface WorkspaceDoc {
  _id: string;
  name: string;
  apiKeys: WorkspaceApiKey[];
  /** Bumped by every change to the keys: changes are compare-and-set on it (no multi-document transactions). */
  apiKeysVersion: number;
  /** Before apiKeys: sha256 of each key. Still read (older workspaces), moved into apiKeys on their first key change. */
  apiKeyHashes: string[];
  createdAt: Date;
  updatedAt: Date;
}

const apiKeySchema = new Schema<WorkspaceApiKey>(
  {
    id: { type: String, required: true },
    prefix: { type: String, required: true },
    hash: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { _id: false },
);

export const workspaceSchema = new Schema<WorkspaceDoc>(
  {
    _id: { type: String, default: () => newId('ws') },
    name: { type: String, required: true },
    apiKeys: { type: [apiKeySchema], default: [] },
    apiKeysVersion: { type: Number, default: 0 },
    apiKeyHashes: { type: [String], default: [] },
  },
  { timestamps: true, collection: 'workspaces' },
);
workspaceSchema.index({ apiKeyHashes: 1 });
workspaceSchema.index({ 'apiKeys.hash': 1 });
