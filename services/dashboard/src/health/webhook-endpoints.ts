import type { Models } from '@outlook-connect/shared';
import { html, type SafeHtml } from './html';

export interface WebhookEndpointItem {
  endpointId: string;
  workspaceId: string;
  url: string;
  enabled: boolean;
  failingSince: string | null;
  disabledAt: string | null;
  disabledReason: string | null;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

/** Webhook endpoints that need an operator's eye first: disabled (webhook_endpoint.disabled), then failing, then the rest. */
export async function webhookEndpointHealth(
  models: Models,
  scope: { workspaceId?: string } = {},
): Promise<WebhookEndpointItem[]> {
  const docs = await models.WebhookEndpoint.find(scope.workspaceId ? { workspaceId: scope.workspaceId } : {}, {
    secretEnc: 0,
    previousSecretEnc: 0,
  })
    .limit(1000)
    .lean();
  const rank = (e: WebhookEndpointItem) => (!e.enabled && e.disabledAt ? 0 : e.failingSince ? 1 : 2);
  return docs
    .map((e) => ({
      endpointId: e._id,
      workspaceId: e.workspaceId,
      url: e.url,
      enabled: e.enabled,
      failingSince: iso(e.failingSince),
      disabledAt: iso(e.disabledAt),
      disabledReason: e.disabledReason,
    }))
    .sort((a, b) => rank(a) - rank(b));
}

export function renderWebhookEndpoints(items: WebhookEndpointItem[]): SafeHtml {
  if (!items.length) return html`<p class="muted">No webhook endpoints.</p>`;
  const rows = items.map((e) => {
    const state =
      !e.enabled && e.disabledAt
        ? html`<strong class="sev-expired">webhook_endpoint.disabled</strong><div class="muted">${e.disabledAt} - ${e.disabledReason ?? ''}</div>`
        : !e.enabled
          ? html`disabled by the CRM`
          : e.failingSince
            ? html`<span class="sev-warning">failing since ${e.failingSince}</span>`
            : html`delivering`;
    return html`<tr data-webhook-endpoint="${e.endpointId}"><td>${e.url}<div class="muted"><code>${e.endpointId}</code></div></td><td><code>${e.workspaceId}</code></td><td>${state}</td></tr>`;
  });
  return html`<table><thead><tr><th>Endpoint</th><th>Workspace</th><th>State</th></tr></thead><tbody>${rows}</tbody></table>`;
}
