export interface ReceivedWebhook {
  at: string;
  webhookId: string;
  type: string;
  verified: boolean;
  body: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sandbox receiver's page: what arrived, newest first; it reloads itself every few seconds (no script). */
export function webhookReceiverPage(received: ReceivedWebhook[]): string {
  const rows = received
    .map(
      (r) =>
        `<tr><td>${esc(r.at)}</td><td><code>${esc(r.type)}</code></td><td>${r.verified ? 'verified' : '<strong>signature does not verify</strong>'}</td>` +
        `<td><code>${esc(r.webhookId)}</code></td><td><details><summary>body</summary><pre>${esc(r.body)}</pre></details></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Sandbox webhooks</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.4rem .6rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;max-width:60rem}</style></head>
<body><h1>Webhooks received</h1>
<p>The sandbox workspace's endpoint points here: every event is POSTed as a Standard Webhook and verified with its secret. Connect a mailbox on <a href="/">the sandbox page</a> and <code>connection.created</code> lands below.</p>
${received.length ? `<table><thead><tr><th>received</th><th>type</th><th>signature</th><th>webhook-id</th><th></th></tr></thead><tbody>\n${rows}\n</tbody></table>` : '<p id="empty">Nothing yet.</p>'}
</body></html>
`;
}
