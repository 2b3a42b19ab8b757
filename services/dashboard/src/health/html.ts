// A tiny escaping template for the server-rendered health pages: every interpolated value is escaped unless it is
// already SafeHtml (built by this same template), so data from the store cannot inject markup.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:center}
header a{color:#cfe0ff;text-decoration:none}header strong{margin-right:20px}
main{padding:20px;max-width:1200px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #dde1e7;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5}
.cards{display:flex;gap:12px}.card{background:#fff;border:1px solid #dde1e7;padding:10px 16px;min-width:140px}
.card b{display:block;font-size:22px}
.sev-ok{color:#17633a}.sev-warning{color:#8a5a00}.sev-critical,.sev-expired{color:#b00020;font-weight:600}
.sev-unknown{color:#666}.muted{color:#666}code{font-size:12px}
.status-needs_reconnect{color:#b00020;font-weight:600}.status-active{color:#17633a}.status-disconnected{color:#666}
`;

export function page(title: string, body: SafeHtml, opts: { readOnly: boolean }): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} - outlook-connect operators</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${new SafeHtml(STYLE)}</style></head>
<body><header><strong>outlook-connect operators</strong><a href="/health">Connection health</a><a href="/queues">Queues</a>
<a href="/metrics">Metrics</a>${opts.readOnly ? html`<span class="muted">read-only</span>` : ''}</header>
<main>${body}</main></body></html>`.value;
}
