import { sandboxScript } from './sandbox-script';

/** The CRM's side of the flow, minimal: pick app, preset and tenant, authorize, then manage connections. */
export function sandboxPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Email Connections (sandbox)</title>
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
fieldset{border:1px solid #ccc;padding:1rem;margin-bottom:1.5rem}label{display:block;margin:.4rem 0}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
.status-active{color:#0a7d22;font-weight:600}.status-needs_reconnect{color:#b35c00;font-weight:600}.status-disconnected{color:#777}
#notice{padding:.6rem;margin-bottom:1rem;display:none}#notice.ok{display:block;background:#e6f6ea}#notice.err{display:block;background:#fdecea}
.remediation{font-size:.9em;color:#555}
</style></head>
<body>
<h1>Email Connections</h1>
<div id="notice" role="status"></div>
<fieldset><legend>Connect mailbox</legend>
<label>Microsoft OAuth app <select id="app"></select></label>
<label>Scope <select id="preset">
<option value="read_only">Read-only (offline_access Mail.Read)</option>
<option value="send_only">Send only (offline_access Mail.Send)</option>
<option value="full" selected>Full access (offline_access Mail.ReadWrite Mail.Send)</option>
<option value="full_calendar">Full + Calendar (offline_access Mail.ReadWrite Mail.Send Calendars.ReadWrite)</option>
</select></label>
<label>Tenant <input id="tenant" value="common" placeholder="common or a tenant ID"></label>
<button id="authorize" type="button">Authorize with Microsoft</button>
</fieldset>
<h2>Connections</h2>
<table><thead><tr><th>Mailbox</th><th>Scope</th><th>Status</th><th></th></tr></thead><tbody id="connections"></tbody></table>
<div id="inbox"></div>
<script>${sandboxScript}</script>
</body></html>`;
}
