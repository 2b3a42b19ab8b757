import { newId, type Models, type WorkspaceApiKey, type WorkspaceDoc } from '@outlook-connect/shared';
import { ApiError, notFound } from '../http/api-error';
import { hashApiKey, keyPrefix, newApiKey } from './api-keys';

// A workspace's API keys: create another, list, revoke. Changes are compare-and-set on apiKeysVersion (one document,
// no transaction), so two concurrent revokes cannot remove the last two keys between them; within one gateway they
// also run one at a time per workspace, since FerretDB 1.24 lets concurrent compare-and-set updates all succeed.

export const MAX_API_KEYS = 20;
type WorkspaceModels = Pick<Models, 'Workspace'>;

/** The keys as they stand, the pre-apiKeys hashes included (their creation time is the workspace's). */
export function keysOf(ws: Pick<WorkspaceDoc, 'apiKeys' | 'apiKeyHashes' | 'createdAt'>): WorkspaceApiKey[] {
  const legacy = (ws.apiKeyHashes ?? []).map((hash) => ({
    id: `key_${hash.slice(0, 24)}`,
    prefix: 'ock_',
    hash,
    createdAt: ws.createdAt,
  }));
  return [...legacy, ...(ws.apiKeys ?? [])];
}

export const keyView = (k: WorkspaceApiKey) => ({ id: k.id, prefix: k.prefix, createdAt: k.createdAt.toISOString() });

async function load(models: WorkspaceModels, workspaceId: string) {
  const ws = await models.Workspace.findOne({ _id: workspaceId }).lean();
  if (!ws) throw notFound('workspace');
  return ws;
}

/** Replaces the keys if nobody changed them since `ws` was read; the old field is emptied (its keys moved over). */
async function replaceKeys(models: WorkspaceModels, ws: WorkspaceDoc, keys: WorkspaceApiKey[]): Promise<boolean> {
  const version = ws.apiKeysVersion ?? 0;
  const res = await models.Workspace.updateOne(
    { _id: ws._id, apiKeysVersion: version === 0 ? { $in: [0, null] } : version },
    { $set: { apiKeys: keys, apiKeyHashes: [], apiKeysVersion: version + 1 } },
  );
  return res.modifiedCount === 1;
}

const running = new Map<string, Promise<unknown>>();
/** One key change at a time per workspace in this process. */
function oneAtATime<T>(workspaceId: string, change: () => Promise<T>): Promise<T> {
  const next = (running.get(workspaceId) ?? Promise.resolve()).catch(() => undefined).then(change);
  running.set(workspaceId, next);
  void next.finally(() => running.get(workspaceId) === next && running.delete(workspaceId)).catch(() => undefined);
  return next;
}

const conflict = () => new ApiError(409, 'api_keys_changed', 'The API keys changed at the same time; try again.');

export async function listApiKeys(models: WorkspaceModels, workspaceId: string): Promise<WorkspaceApiKey[]> {
  return keysOf(await load(models, workspaceId));
}

export function createApiKey(
  models: WorkspaceModels,
  workspaceId: string,
  now: Date,
): Promise<{ key: WorkspaceApiKey; apiKey: string }> {
  return oneAtATime(workspaceId, () => createKey(models, workspaceId, now));
}

async function createKey(
  models: WorkspaceModels,
  workspaceId: string,
  now: Date,
): Promise<{ key: WorkspaceApiKey; apiKey: string }> {
  const ws = await load(models, workspaceId);
  const keys = keysOf(ws);
  if (keys.length >= MAX_API_KEYS)
    throw new ApiError(409, 'too_many_api_keys', `A workspace has at most ${MAX_API_KEYS} API keys; revoke one first.`);
  const apiKey = newApiKey();
  const key = { id: newId('key'), prefix: keyPrefix(apiKey), hash: hashApiKey(apiKey), createdAt: now };
  if (!(await replaceKeys(models, ws, [...keys, key]))) throw conflict();
  return { key, apiKey };
}

/** Revoking the last key is refused (409 last_api_key): a workspace cannot lock itself out. */
export function revokeApiKey(models: WorkspaceModels, workspaceId: string, keyId: string): Promise<void> {
  return oneAtATime(workspaceId, () => revokeKey(models, workspaceId, keyId));
}

async function revokeKey(models: WorkspaceModels, workspaceId: string, keyId: string): Promise<void> {
  const ws = await load(models, workspaceId);
  const keys = keysOf(ws);
  if (!keys.some((k) => k.id === keyId)) throw notFound('API key');
  if (keys.length === 1)
    throw new ApiError(
      409,
      'last_api_key',
      "This is the workspace's only API key: create another one before revoking it.",
    );
  if (
    !(await replaceKeys(
      models,
      ws,
      keys.filter((k) => k.id !== keyId),
    ))
  )
    throw conflict();
}
