import { escapeHtml, html, SafeHtml } from './html';
import { bySecretUrgency, presentActivity, presentApp, presentNeedsReconnect } from './present';

const now = Date.parse('2025-03-10T12:00:00Z');

describe('needs-reconnect item', () => {
  it('carries reason, remediation and since when, and nothing else of the connection', () => {
    const since = new Date(now - 3 * 3600_000);
    const item = presentNeedsReconnect(
      {
        _id: 'conn_1',
        workspaceId: 'ws_1',
        appId: 'app_1',
        mailbox: 'ana@contoso.com',
        displayName: 'Ana',
        status: 'needs_reconnect',
        statusReason: {
          code: 'grant_revoked',
          message: 'revoked',
          remediation: 'Reconnect the mailbox',
          aadsts: 50173,
          since,
        },
        ...({ refreshTokenEnc: 'v1.k1.secret' } as object),
      },
      now,
    );
    expect(item).toEqual({
      connectionId: 'conn_1',
      workspaceId: 'ws_1',
      appId: 'app_1',
      mailbox: 'ana@contoso.com',
      displayName: 'Ana',
      reason: { code: 'grant_revoked', message: 'revoked', remediation: 'Reconnect the mailbox', aadsts: 50173 },
      since: since.toISOString(),
      sinceLabel: '3 hours ago',
    });
    expect(JSON.stringify(item)).not.toContain('secret');
  });

  it('says what is missing when no reason was recorded', () => {
    const item = presentNeedsReconnect(
      { _id: 'c', workspaceId: 'w', appId: 'a', mailbox: 'm', status: 'needs_reconnect', statusReason: null },
      now,
    );
    expect(item.reason.code).toBe('unknown');
    expect(item.since).toBeNull();
    expect(item.sinceLabel).toBe('unknown');
  });
});

describe('OAuth app item', () => {
  const app = (id: string, days: number | null, status: 'ok' | 'expired' | 'invalid' = 'ok') =>
    presentApp(
      {
        _id: id,
        workspaceId: 'ws',
        name: id,
        clientId: `client-${id}`,
        secretStatus: status,
        secretExpiresAt: days === null ? null : new Date(now + days * 86400_000),
      },
      now,
    );

  it('shows the countdown and orders the most urgent first', () => {
    expect(app('a', 12).countdown).toEqual({ days: 12, label: 'expires in 12 days', severity: 'warning' });
    const sorted = [
      app('later', 90),
      app('none', null),
      app('soon', 3),
      app('gone', -2),
      app('bad', 100, 'invalid'),
    ].sort(bySecretUrgency);
    expect(sorted.map((a) => a.appId)).toEqual(['gone', 'bad', 'soon', 'later', 'none']);
  });
});

describe('timeline entry', () => {
  it('summarises the common activity types', () => {
    const at = new Date(now);
    expect(
      presentActivity({
        type: 'status_changed',
        at,
        detail: { from: 'active', to: 'needs_reconnect', code: 'grant_revoked' },
      }).summary,
    ).toBe('status active -> needs_reconnect · grant_revoked');
    expect(
      presentActivity({ type: 'refresh_failed', at, detail: { kind: 'transient', code: 'network' } }).summary,
    ).toBe('transient · network');
    expect(presentActivity({ type: 'throttled', at, detail: { retryAfterMs: 30_000 } }).summary).toBe('paused 30 s');
    expect(presentActivity({ type: 'synced', at, detail: { count: 12 } }).summary).toBe('12 messages');
    expect(presentActivity({ type: 'refreshed', at, detail: {} })).toEqual({
      at: at.toISOString(),
      type: 'refreshed',
      summary: '',
      detail: {},
    });
  });

  it('redacts anything credential-shaped a worker put in the detail', () => {
    const entry = presentActivity({
      type: 'refreshed',
      at: new Date(now),
      detail: {
        refreshToken: 'rt-secret-value',
        accessTokenEnc: 'v1.k.x',
        note: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      },
    });
    const text = JSON.stringify(entry);
    expect(text).not.toContain('rt-secret-value');
    expect(text).not.toContain('v1.k.x');
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9');
  });
});

describe('html template', () => {
  it('escapes every interpolated value unless it is SafeHtml', () => {
    const reason = '<script>alert("x")</script>';
    expect(html`<td>${reason}</td>`.value).toBe('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>');
    expect(html`<ul>${['<a>', html`<li>${"it's"}</li>`]}</ul>`.value).toBe('<ul>&lt;a&gt;<li>it&#39;s</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(html`${new SafeHtml('<b>ok</b>')}`.value).toBe('<b>ok</b>');
    expect(escapeHtml(`a&b'"`)).toBe('a&amp;b&#39;&quot;');
  });
});
