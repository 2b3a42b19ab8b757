import fs from 'node:fs';
import path from 'node:path';
import { startEmulator } from './emulator';
import { seedSandbox } from './sandbox/seed';

export { seedSandbox } from './sandbox/seed';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Writes the sandbox app's credentials (0600, atomically): the secret never goes to the terminal. */
function writeCredentials(file: string, data: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

async function main(): Promise<void> {
  const port = Number(process.env.EMULATOR_PORT ?? 5443);
  const host = process.env.EMULATOR_HOST ?? '127.0.0.1';
  const emu = await startEmulator({ port, host, interactive: true, logger: process.env.EMULATOR_LOG ? (l) => console.log(JSON.stringify(l)) : undefined });
  const redirectUris = process.env.EMULATOR_REDIRECT_URIS?.split(',').map((s) => s.trim()).filter(Boolean);
  const seed = seedSandbox(emu.control, redirectUris ? { redirectUris } : {});
  const credentialsFile = path.join(repoRoot, '.local', 'sandbox', 'emulator-app.json');
  writeCredentials(credentialsFile, {
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    tenant: 'common',
    tenantId: seed.tenant.id,
    redirectUris: seed.app.redirectUris,
    loginUrl: emu.loginUrl,
    graphUrl: emu.graphUrl,
  });
  const lines = [
    `Microsoft emulator (interactive) on ${emu.url}`,
    '',
    `  authority           ${emu.loginUrl}/<tenant>/   e.g. ${emu.loginUrl}/common/ or ${emu.loginUrl}/${seed.tenant.id}/`,
    `  knownAuthorities    ["${emu.knownAuthority}"]`,
    `  MICROSOFT_LOGIN_URL ${emu.loginUrl}`,
    `  MICROSOFT_GRAPH_URL ${emu.graphUrl}`,
    `  trust the CA        NODE_EXTRA_CA_CERTS=${emu.caPath}`,
    `  app credentials     ${credentialsFile} (client id ${seed.clientId}; secret in the file, mode 0600)`,
    `  redirect URIs       ${seed.app.redirectUris.join(', ')}`,
    `  tenants             ${seed.tenant.domain} (${seed.tenant.id}), ${seed.otherTenant.domain} (${seed.otherTenant.id})`,
    `  users               ${seed.users.map((u) => u.email + (u.autoConsent ? ' (auto-consent)' : '')).join(', ')}`,
    `  control API         GET ${emu.url}/_emulator lists operations; POST ${emu.url}/_emulator/<operation> with JSON`,
    `                      e.g. curl --cacert ${emu.caPath} -X POST ${emu.url}/_emulator/setUserBehavior -H 'content-type: application/json' -d '{"email":"alex@contoso.onmicrosoft.com","behavior":{"declineConsent":true}}'`,
    '',
    'Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));
  const stop = (): void => {
    void emu.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
