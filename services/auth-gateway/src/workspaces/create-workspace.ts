import { newId, type Models } from '@outlook-connect/shared';
import { hashApiKey, keyPrefix, newApiKey } from './api-keys';

/** Creates a workspace and its first API key; the key is returned once and stored only hashed. */
export async function createWorkspace(
  models: Pick<Models, 'Workspace'>,
  name: string,
): Promise<{ workspaceId: string; apiKey: string }> {
  const apiKey = newApiKey();
  const ws = await models.Workspace.create({
    name,
    apiKeys: [{ id: newId('key'), prefix: keyPrefix(apiKey), hash: hashApiKey(apiKey), createdAt: new Date() }],
    apiKeysVersion: 1,
  });
  return { workspaceId: ws._id, apiKey };
}
