import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
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

export interface CliOptions {
  port: number;
  host: string;
  stateDir?: string;
  httpPort?: number;
  /** SANDBOX ONLY: change notifications may go to http://127.0.0.1|localhost (the sandbox gateway has no TLS). */
  changeNotifications?: { allowHttpLoopback: true };
}

const USAGE =
  'usage: npm run emulator -- [--port 5443] [--host 127.0.0.1] [--state-dir <folder>] [--http-port <port>] [--allow-http-notifications]';

function portValue(name: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new Error(`${name} must be a port number (0-65535), got "${value}". ${USAGE}`);
  return port;
}

/**
 * Flags win over the environment (EMULATOR_PORT, EMULATOR_HOST, EMULATOR_STATE_DIR, EMULATOR_HTTP_PORT,
 * EMULATOR_ALLOW_HTTP_NOTIFICATIONS=1).
 */
export function cliOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'state-dir': { type: 'string' },
      'http-port': { type: 'string' },
      'allow-http-notifications': { type: 'boolean' },
    },
    strict: true,
  });
  const stateDir = values['state-dir'] ?? env.EMULATOR_STATE_DIR;
  const httpPort = values['http-port'] ?? env.EMULATOR_HTTP_PORT;
  return {
    port: portValue('--port', values.port ?? env.EMULATOR_PORT ?? '5443'),
    host: values.host ?? env.EMULATOR_HOST ?? '127.0.0.1',
    ...(stateDir ? { stateDir: path.resolve(stateDir) } : {}),
    ...(httpPort !== undefined && httpPort !== '' ? { httpPort: portValue('--http-port', httpPort) } : {}),
    ...(values['allow-http-notifications'] || env.EMULATOR_ALLOW_HTTP_NOTIFICATIONS === '1'
      ? { changeNotifications: { allowHttpLoopback: true as const } }
      : {}),
  };
}

async function main(): Promise<void> {
  const opts = cliOptions(process.argv.slice(2), process.env);
  const emu = await startEmulator({
    ...opts,
    interactive: true,
    logger: process.env.EMULATOR_LOG ? (l) => console.log(JSON.stringify(l)) : undefined,
  });
  const redirectUris = process.env.EMULATOR_REDIRECT_URIS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
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
    `  sign-in pages       ${emu.interactiveUrl}${emu.interactiveUrl.startsWith('http:') ? ' (plain HTTP on 127.0.0.1: no certificate warning in the browser)' : ' (a browser must trust the CA below)'}`,
    `  state               ${emu.stateFile ? `${emu.stateFile} (kept across restarts; delete it to start empty)` : 'in memory only (--state-dir <folder> keeps it across restarts)'}`,
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
