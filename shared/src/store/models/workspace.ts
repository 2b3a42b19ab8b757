import { Schema } from 'mongoose';
import { newId } from './ids';

export interface WorkspaceDoc {
  _id: string;
  name: string;
  /** sha256 of each API key; the key itself is shown once at creation. */
  apiKeyHashes: string[];
  createdAt: Date;
  updatedAt: Date;
}

export const workspaceSchema = new Schema<WorkspaceDoc>(
  {
    _id: { type: String, default: () => newId('ws') },
    name: { type: String, required: true },
    apiKeyHashes: { type: [String], default: [] },
  },
  { timestamps: true, collection: 'workspaces' },
);
workspaceSchema.index({ apiKeyHashes: 1 });
