import { PRESET_SCOPES, SCOPE_PRESETS } from '@outlook-connect/shared';
import { sandboxInboxScript } from './sandbox-inbox-script';
import { sandboxScript } from './sandbox-script';
import { sandboxStyle } from './sandbox-style';

/** The user guide's names for the presets. */
export const PRESET_LABELS = {
  read_only: 'Read-only',
  send_only: 'Send only',
  full: 'Full access',
  full_calendar: 'Full + Calendar',
} as const;

export interface SandboxPageInput {
  /** Microsoft's login origin as the gateway knows it (https) and where its sign-in pages are served for browsers. */
  loginOrigin?: string;
  pagesOrigin?: string;
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The CRM's side of the flow, minimal: pick app, preset and tenant, authorize, then manage connections. */
export function sandboxPage(input: SandboxPageInput = {}): string {
  const presets = Object.fromEntries(
    SCOPE_PRESETS.map((p) => [p, { label: PRESET_LABELS[p], scopes: PRESET_SCOPES[p] }]),
  );
  const options = SCOPE_PRESETS.map(
    (p) => `<option value="${p}"${p === 'full' ? ' selected' : ''}>${PRESET_LABELS[p]}</option>`,
  ).join('');
  const config = { presets, loginOrigin: input.loginOrigin ?? null, pagesOrigin: input.pagesOrigin ?? null };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Email Connections (sandbox)</title><style>${sandboxStyle}</style></head>
<body data-config="${escapeAttr(JSON.stringify(config))}">
<header class="topbar"><span class="brand">CRM</span><span class="crumbs">Settings &rsaquo; Email Connections</span><span class="badge" title="Microsoft is emulated; no real mailbox is touched">Sandbox</span></header>
<main>
<h1>Email Connections</h1>
<p class="lead">Connect Outlook / Microsoft 365 mailboxes so the CRM can read and send email on their behalf.</p>
<div id="notice" role="status"></div>
<section class="card" id="connect-card">
<h2>Connect a mailbox</h2>
<div class="grid">
<div class="field"><label for="app">Microsoft OAuth app</label><select id="app"></select><small id="app-hint">The app registered under Settings &rsaquo; OAuth Apps.</small></div>
<div class="field"><label for="preset">Scope</label><select id="preset">${options}</select><small id="preset-scopes">Asks for ${PRESET_SCOPES.full.join(' ')}</small></div>
<div class="field"><label for="tenant">Tenant</label><input id="tenant" type="text" value="common" placeholder="common or a tenant ID"><small>common = any Microsoft account; a tenant ID restricts to one organization.</small></div>
</div>
<div class="actions-bar"><button id="authorize" type="button" class="primary">Authorize with Microsoft</button>
<span class="hint">You sign in on Microsoft's consent screen, then come back here.</span></div>
</section>
<section class="card">
<div class="card-head"><h2>Connections</h2><span class="live" id="live">Statuses update automatically</span></div>
<table><thead><tr><th>Mailbox</th><th>Scope</th><th>Status</th><th></th></tr></thead><tbody id="connections"></tbody></table>
</section>
<section class="card" id="inbox" hidden></section>
</main>
<script>${sandboxScript}
${sandboxInboxScript}</script>
</body></html>`;
}
