import { existsSync, mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSandboxArgs, resetSandbox, sandboxSecrets } from './sandbox-files';

describe('sandbox files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oc-sandbox-files-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates each secret once, private to the user, and reuses it', () => {
    const first = sandboxSecrets(dir);
    const again = sandboxSecrets(dir);
    expect(again).toEqual(first);
    expect(first.apiKey.value).toMatch(/^ock_[A-Za-z0-9_-]{32}$/);
    expect(first.adminToken.value.length).toBeGreaterThanOrEqual(24);
    for (const s of Object.values(first)) expect(statSync(s.path).mode & 0o777).toBe(0o600);
  });

  it('--reset removes the data and the keys, so the next start makes new ones', () => {
    const before = sandboxSecrets(dir);
    mkdirSync(join(dir, 'data', 'store'), { recursive: true });
    writeFileSync(join(dir, 'data', 'store', 'outlook_connect.sqlite'), 'x');
    expect(resetSandbox(dir).sort()).toEqual(['admin-token', 'api-key', 'dashboard-password', 'data', 'secrets-keys']);
    expect(existsSync(join(dir, 'data'))).toBe(false);
    expect(sandboxSecrets(dir).apiKey.value).not.toBe(before.apiKey.value);
    expect(resetSandbox(join(dir, 'nothing-here'))).toEqual([]);
  });

  it('takes --reset and refuses anything else naming it', () => {
    expect(parseSandboxArgs([])).toEqual({ reset: false });
    expect(parseSandboxArgs(['--reset'])).toEqual({ reset: true });
    expect(() => parseSandboxArgs(['--rest'])).toThrow(/unknown option --rest: usage: npm start \[-- --reset\]/);
  });
});
