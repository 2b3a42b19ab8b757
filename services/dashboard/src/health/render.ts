import type { ConnectionStatus } from '@outlook-connect/shared';
import { MAILBOX_QUEUES } from './depth-tally';
import type { ConnectionHealthView } from './health-queries';
import { html, page, type SafeHtml } from './html';
import type { AppSecretItem, ConnectionItem, NeedsReconnectItem } from './present';
import { renderWebhookEndpoints, type WebhookEndpointItem } from './webhook-endpoints';

export interface OverviewData {
  counts: Record<ConnectionStatus, number>;
  needsReconnect: { total: number; items: NeedsReconnectItem[] };
  apps: AppSecretItem[];
  connections: { total: number; items: ConnectionItem[] };
  webhookEndpoints?: WebhookEndpointItem[];
  workspaceId?: string;
}

const connectionLink = (id: string, label: string) =>
  html`<a href="/health/connections/${encodeURIComponent(id)}">${label}</a>`;
/** The connection page's timeline section: what happened to this mailbox, newest first. */
const timelineLink = (id: string) =>
  html`<a class="timeline-link" href="/health/connections/${encodeURIComponent(id)}#timeline">Timeline</a>`;
const when = (isoDate: string | null, label: string) =>
  isoDate ? html`<time datetime="${isoDate}" title="${isoDate}">${label}</time>` : html`${label}`;

export function renderOverview(d: OverviewData, opts: { readOnly: boolean }): string {
  const cards = (Object.keys(d.counts) as ConnectionStatus[]).map(
    (s) =>
      html`<div class="card" data-status="${s}"><b>${d.counts[s]}</b><span class="status-${s}">${s.replace('_', ' ')}</span></div>`,
  );
  const rows = d.needsReconnect.items.map(
    (c) => html`<tr data-connection="${c.connectionId}">
<td>${connectionLink(c.connectionId, c.mailbox)}<div class="muted">${c.displayName}</div></td>
<td><code>${c.workspaceId}</code></td>
<td><code class="reason-code">${c.reason.code}</code>${c.reason.aadsts ? html` <span class="muted">AADSTS${c.reason.aadsts}</span>` : ''}<div class="reason-message">${c.reason.message}</div></td>
<td>${when(c.since, c.sinceLabel)}</td>
<td class="remediation">${c.reason.remediation}</td>
<td>${timelineLink(c.connectionId)}</td></tr>`,
  );
  const more =
    d.needsReconnect.total > d.needsReconnect.items.length
      ? html`<p class="muted">Showing ${d.needsReconnect.items.length} of ${d.needsReconnect.total}.</p>`
      : '';
  const body = html`<h1>Connection health${d.workspaceId ? html` <span class="muted">workspace ${d.workspaceId}</span>` : ''}</h1>
<section class="cards">${cards}</section>
<h2 id="needs-reconnect">Needs reconnect (${d.needsReconnect.total})</h2>
${
  rows.length
    ? html`<table><thead><tr><th>Mailbox</th><th>Workspace</th><th>Reason</th><th>Since</th><th>Remediation</th><th>Activity</th></tr></thead><tbody>${rows}</tbody></table>${more}`
    : html`<p class="muted">No connection needs reconnecting.</p>`
}
<h2 id="oauth-apps">OAuth app secrets</h2>
${renderApps(d.apps)}
<h2 id="webhook-endpoints">Webhook endpoints</h2>
${renderWebhookEndpoints(d.webhookEndpoints ?? [])}
<h2 id="connections">Connections (${d.connections.total})</h2>
${renderConnections(d.connections)}
<p class="muted">Queues: <a href="/queues">queue dashboard</a> · JSON: <a href="/api/health/summary">/api/health/summary</a></p>`;
  return page('Connection health', body, opts);
}

function renderConnections(list: OverviewData['connections']): SafeHtml {
  if (!list.items.length) return html`<p class="muted">No connections.</p>`;
  const rows = list.items.map(
    (
      c,
    ) => html`<tr data-connection="${c.connectionId}"><td>${connectionLink(c.connectionId, c.mailbox)}<div class="muted">${c.displayName}</div></td>
<td><code>${c.workspaceId}</code></td><td><span class="status-${c.status}">${c.status.replace('_', ' ')}</span></td>
<td>${when(c.updatedAt, c.updatedLabel)}</td><td>${timelineLink(c.connectionId)}</td></tr>`,
  );
  const more =
    list.total > list.items.length
      ? html`<p class="muted">Showing the ${list.items.length} most recently changed of ${list.total}.</p>`
      : '';
  return html`<table><thead><tr><th>Mailbox</th><th>Workspace</th><th>Status</th><th>Changed</th><th>Activity</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

function renderApps(apps: AppSecretItem[]): SafeHtml {
  if (!apps.length) return html`<p class="muted">No OAuth apps.</p>`;
  const rows = apps.map(
    (
      a,
    ) => html`<tr data-app="${a.appId}"><td>${a.name}<div class="muted"><code>${a.appId}</code></div></td><td><code>${a.workspaceId}</code></td>
<td><code>${a.clientId}</code></td><td>${a.secretStatus}</td><td>${a.secretExpiresAt ? a.secretExpiresAt.slice(0, 10) : '-'}</td>
<td class="sev-${a.countdown.severity}">${a.countdown.label}</td></tr>`,
  );
  return html`<table><thead><tr><th>App</th><th>Workspace</th><th>Client ID</th><th>Secret status</th><th>Expires</th><th>Countdown</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderConnection(v: ConnectionHealthView, opts: { readOnly: boolean }): string {
  const c = v.connection;
  const depthRows = MAILBOX_QUEUES.map(
    (q) =>
      html`<tr data-queue="${q}"><td>${q}</td><td>${v.queueDepth.queues[q].waiting}</td><td>${v.queueDepth.queues[q].delayed}</td></tr>`,
  );
  const timeline = v.timeline.map(
    (t) =>
      html`<tr><td>${when(t.at, t.at.replace('T', ' ').slice(0, 19))}</td><td>${t.type}</td><td>${t.summary}</td><td><code>${JSON.stringify(t.detail)}</code></td></tr>`,
  );
  const body = html`<p><a href="/health">&larr; Connection health</a></p>
<h1>${c.mailbox} <span class="status-${c.status}">${c.status.replace('_', ' ')}</span></h1>
<p class="muted"><code>${c.connectionId}</code> · workspace <code>${c.workspaceId}</code> · app <code>${c.appId}</code> · ${c.scopePreset}</p>
${
  c.reason
    ? html`<table><tr><th>Reason</th><td><code>${c.reason.code}</code> ${c.reason.message}</td></tr>
<tr><th>Since</th><td>${c.statusSince ?? 'unknown'}</td></tr><tr><th>Remediation</th><td>${c.reason.remediation}</td></tr></table>`
    : ''
}
<h2>Tokens and sync</h2>
<table>
<tr><th>Access token expires</th><td>${c.accessTokenExpiresAt ?? '-'}</td></tr>
<tr><th>Last refresh</th><td>${c.lastRefreshAt ?? '-'} (next ${c.nextRefreshAt ?? '-'}, ${c.refreshFailures} failures in a row)</td></tr>
<tr><th>Last refresh error</th><td>${c.lastRefreshError ? `${c.lastRefreshError.kind} ${c.lastRefreshError.code}: ${c.lastRefreshError.message}` : '-'}</td></tr>
<tr><th>Last inbox sync</th><td>${c.sync.lastSuccessAt ?? 'never'} (attempted ${c.sync.lastAttemptAt ?? '-'}, ${c.sync.consecutiveFailures} failures in a row, ${c.sync.syncedCount} messages)</td></tr>
<tr><th>New mail</th><td>${c.push.mode === 'push' ? 'push healthy (polled at the safety interval)' : `polling (${c.push.reason})`}</td></tr>
<tr><th>Subscription</th><td>expires ${c.push.subscriptionExpiresAt ?? '-'} (renewed ${c.push.lastRenewedAt ?? '-'}, ${c.push.failures} failures in a row${c.push.lastError ? `; last: ${c.push.lastError.code}: ${c.push.lastError.message}` : ''})</td></tr>
<tr><th>Last notification</th><td>${c.push.lastNotificationAt ?? 'never'}</td></tr>
</table>
<h2>Queued for this mailbox</h2>
<table><thead><tr><th>Queue</th><th>Waiting</th><th>Delayed</th></tr></thead><tbody>${depthRows}</tbody></table>
<p class="muted">As of ${v.queueDepth.asOf}${v.queueDepth.truncated ? ' - a queue was larger than the scan limit: counts are lower bounds' : ''}.</p>
<h2 id="timeline">Timeline</h2>
${
  timeline.length
    ? html`<table><thead><tr><th>When</th><th>What</th><th>Summary</th><th>Detail</th></tr></thead><tbody>${timeline}</tbody></table>`
    : html`<p class="muted">No activity recorded.</p>`
}`;
  return page(c.mailbox, body, opts);
}
