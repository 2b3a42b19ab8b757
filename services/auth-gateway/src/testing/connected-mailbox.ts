import { randomBytes } from 'node:crypto';
import type { ConnectionDoc, ScopePresetName } from '@outlook-connect/shared';
import { connectMailbox, seedOAuthApp } from '@outlook-connect/stack';
import type { GatewayHarness } from './harness';

/** A new tenant, a multi-tenant OAuth app and one user of it connected with `preset`: what most route tests start from. */
export async function connectedMailbox(
  h: GatewayHarness,
  label: string,
  preset: ScopePresetName,
): Promise<ConnectionDoc> {
  const tenant = h.emulator.control.createTenant();
  const base = { models: h.deps.models, box: h.deps.box, emulator: h.emulator, workspaceId: h.workspaceId };
  const app = await seedOAuthApp({ ...base, homeTenantId: tenant.id, multiTenant: true });
  const email = `${label}-${randomBytes(4).toString('hex')}@${tenant.domain}`;
  h.emulator.control.createUser({ tenantId: tenant.id, email });
  return connectMailbox({ ...base, app, email, preset });
}
