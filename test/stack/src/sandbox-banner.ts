import { isAbsolute, relative } from 'node:path';

/** A path as the user can type it from `cwd` (relative when inside it). */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * Five lines a newcomer can paste: the workspace API key, list connections, the first connection's id, a send from
 * it, and a new workspace with the admin token. The README shows the same lines for the default settings.
 */
export function curlExample(publicUrl: string, apiKeyFile: string, adminTokenFile: string): string[] {
  const json = "-H 'Content-Type: application/json'";
  const send = JSON.stringify({
    idempotencyKey: 'hello-1',
    source: 'other',
    message: {
      to: ['megan@contoso.onmicrosoft.com'],
      subject: 'Hello from the API',
      body: { contentType: 'text', content: 'Sent through outlook-connect.' },
    },
  });
  return [
    `KEY=$(cat ${apiKeyFile})`,
    `curl -s ${publicUrl}/v1/connections -H "Authorization: Bearer $KEY"`,
    `CONN=$(curl -s ${publicUrl}/v1/connections -H "Authorization: Bearer $KEY" | grep -o 'conn_[0-9a-f]*' | head -1)`,
    `curl -s ${publicUrl}/v1/connections/$CONN/sends -H "Authorization: Bearer $KEY" ${json} -d '${send}'`,
    `curl -s ${publicUrl}/v1/workspaces -H "Authorization: Bearer $(cat ${adminTokenFile})" ${json} -d '{"name":"My CRM"}'`,
  ];
}

export interface BannerInput {
  publicUrl: string;
  dashboardUrl: string;
  emulatorUrl: string;
  /** Where the consent pages are served (the emulator's plain-HTTP listener when it has one). */
  interactiveUrl: string;
  users: string[];
  apiKey: { path: string; value: string };
  adminToken: { path: string; value: string };
  dashboardPasswordFile: string;
  logDir: string;
  cwd: string;
}

/** What `npm start` prints once everything answers. */
export function sandboxBanner(b: BannerInput): string {
  const p = (path: string) => shownPath(path, b.cwd);
  return [
    '',
    `  outlook-connect sandbox is running:  ${b.publicUrl}/`,
    '',
    `  Connect a mailbox on that page; sign in at the emulator's consent page (${b.interactiveUrl}) as ${b.users.join(', ')}.`,
    `  The sandbox workspace's API key: ${b.apiKey.value}  (in ${p(b.apiKey.path)})`,
    `  ADMIN_TOKEN (creates workspaces): ${b.adminToken.value}  (in ${p(b.adminToken.path)})`,
    `  Try the API (OpenAPI at ${b.publicUrl}/openapi.json): list connections, send from the first one, create a workspace:`,
    ...curlExample(b.publicUrl, p(b.apiKey.path), p(b.adminToken.path)).map((l) => `    ${l}`),
    `  Webhooks: every event of the sandbox workspace is delivered, signed, to ${b.publicUrl}/sandbox/webhooks (open it to watch them land)`,
    `  Operators' dashboard: ${b.dashboardUrl}/ (user "operator", password in ${p(b.dashboardPasswordFile)})`,
    `  Microsoft emulator: ${b.emulatorUrl} (control API under /_emulator); logs in ${p(b.logDir)}`,
    '  Ctrl-C stops everything; `npm start -- --reset` starts clean.',
    '',
  ].join('\n');
}
