import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { curlExample, sandboxBanner, shownPath } from './sandbox-banner';

const input = {
  publicUrl: 'http://localhost:3000',
  dashboardUrl: 'http://localhost:3002',
  emulatorUrl: 'https://localhost:5443',
  interactiveUrl: 'http://localhost:5480',
  users: ['alex@contoso.onmicrosoft.com'],
  apiKey: { path: '/repo/.local/sandbox/api-key', value: 'ock_sandboxkey' },
  adminToken: { path: '/repo/.local/sandbox/admin-token', value: 'admintoken-0123456789abcdef' },
  dashboardPasswordFile: '/repo/.local/sandbox/dashboard-password',
  logDir: '/repo/.local/sandbox/logs',
  cwd: '/repo',
};

describe('the sandbox banner', () => {
  it('prints the URL, the ready API key, the admin token and the five curl lines with the paths to type', () => {
    const banner = sandboxBanner(input);
    expect(banner).toContain('outlook-connect sandbox is running:  http://localhost:3000/');
    expect(banner).toContain("The sandbox workspace's API key: ock_sandboxkey  (in .local/sandbox/api-key)");
    expect(banner).toContain(
      'ADMIN_TOKEN (creates workspaces): admintoken-0123456789abcdef  (in .local/sandbox/admin-token)',
    );
    expect(banner).toContain('consent page (http://localhost:5480)');
    const lines = curlExample('http://localhost:3000', '.local/sandbox/api-key', '.local/sandbox/admin-token');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(banner).toContain(`    ${line}\n`);
    expect(banner).toContain('--reset');
  });

  it('shows paths outside the working directory as they are', () => {
    expect(shownPath('/repo/.local/sandbox/api-key', '/repo')).toBe('.local/sandbox/api-key');
    expect(shownPath('/tmp/sb/api-key', '/repo')).toBe('/tmp/sb/api-key');
  });

  it('is what the README shows for the default settings', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const line of curlExample('http://localhost:3000', '.local/sandbox/api-key', '.local/sandbox/admin-token'))
      expect(readme).toContain(`\n${line}\n`);
  });
});
