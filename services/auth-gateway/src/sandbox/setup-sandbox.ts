import { clientSecretContext, newId } from '@outlook-connect/shared';
import type { GatewayDeps } from '../clients';
import { hashApiKey, newApiKey } from '../workspaces/api-keys';
import { ensureSandboxReceiver } from './sandbox-webhooks';

export interface SandboxAppInput {
  /** The app registered in the emulator for this run. */
  clientId: string;
  clientSecret: string;
  tenant?: string;
}

const WORKSPACE = 'Sandbox';
const APP = 'Sandbox app';

/**
 * The sandbox's workspace and OAuth app (reused across runs; the emulator app's credentials are updated). The
 * workspace's one API key is `apiKey` (the launcher keeps it across restarts and prints it for curl) or, without one,
 * a fresh key. Only its hash is stored; the page uses the key server-side: set it as deps.sandboxApiKey.
 */
export async function setupSandbox(
  deps: GatewayDeps,
  input: SandboxAppInput,
  givenApiKey?: string,
): Promise<{ workspaceId: string; apiKey: string; appId: string }> {
  if (givenApiKey !== undefined && givenApiKey.length < 24)
    throw new Error('the sandbox API key (SANDBOX_API_KEY_FILE) must be at least 24 characters');
  const apiKey = givenApiKey ?? newApiKey();
  const ws =
    (await deps.models.Workspace.findOneAndUpdate(
      { name: WORKSPACE },
      { $set: { apiKeyHashes: [hashApiKey(apiKey)] } },
      { returnDocument: 'after' },
    ).lean()) ??
    (await deps.models.Workspace.create({ name: WORKSPACE, apiKeyHashes: [hashApiKey(apiKey)] })).toObject();
  const existing = await deps.models.OAuthApp.findOne({ workspaceId: ws._id, name: APP }).lean();
  const appId = existing?._id ?? newId('app');
  const fields = {
    clientId: input.clientId,
    clientSecretEnc: deps.box.encrypt(input.clientSecret, clientSecretContext(appId)),
    defaultTenant: input.tenant ?? 'common',
    redirectUri: `${deps.env.PUBLIC_URL}/oauth/callback`,
    secretStatus: 'ok' as const,
  };
  if (existing) await deps.models.OAuthApp.updateOne({ _id: appId }, { $set: fields, $inc: { secretVersion: 1 } });
  else await deps.models.OAuthApp.create({ _id: appId, workspaceId: ws._id, name: APP, ...fields });
  // The receiver page (/sandbox/webhooks) gets every event of the sandbox workspace.
  await ensureSandboxReceiver(deps, ws._id);
  return { workspaceId: ws._id, apiKey, appId };
}
