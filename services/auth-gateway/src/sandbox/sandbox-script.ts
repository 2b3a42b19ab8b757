// Plain browser JS for the sandbox page; it talks only to the same-origin /sandbox/api proxy.
export const sandboxScript = `
const api = (path, opts = {}) => fetch('/sandbox/api/' + path, { ...opts, headers: opts.body ? { 'content-type': 'application/json' } : {} })
  .then(async (r) => { const body = await r.json().catch(() => ({})); if (!r.ok) throw new Error(body.message || r.statusText); return body; });
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const notice = (text, ok) => { const n = document.getElementById('notice'); n.textContent = text; n.className = ok ? 'ok' : 'err'; };

async function loadApps() {
  const { data } = await api('oauth-apps');
  const select = document.getElementById('app');
  select.replaceChildren(...data.map((a) => { const o = el('option', a.name); o.value = a.id; return o; }));
}

async function loadConnections() {
  const { data } = await api('connections');
  const rows = data.map((c) => {
    const tr = el('tr'); tr.dataset.connectionId = c.id; tr.dataset.mailbox = c.mailbox;
    tr.append(el('td', c.mailbox + (c.displayName ? ' (' + c.displayName + ')' : '')), el('td', c.scopePreset));
    const status = el('td'); status.append(el('span', c.statusLabel, 'status status-' + c.status));
    if (c.reason) status.append(el('div', c.reason.code + ': ' + c.reason.remediation, 'remediation'));
    const actions = el('td');
    if (c.status === 'active') {
      const send = el('button', 'Send test email', 'send-test');
      send.onclick = () => api('connections/' + c.id + '/test-email', { method: 'POST', body: '{}' }).then(() => notice('Test email queued from ' + c.mailbox, true), (e) => notice(e.message));
      const inbox = el('button', 'Inbox', 'show-inbox'); inbox.onclick = () => showInbox(c);
      const off = el('button', 'Disconnect', 'disconnect');
      off.onclick = () => api('connections/' + c.id + '/disconnect', { method: 'POST', body: '{}' }).then(loadConnections, (e) => notice(e.message));
      actions.append(send, inbox, off);
    }
    tr.append(status, actions);
    return tr;
  });
  document.getElementById('connections').replaceChildren(...rows);
}

async function showInbox(c) {
  const { data } = await api('connections/' + c.id + '/messages?limit=25');
  const box = document.getElementById('inbox');
  box.replaceChildren(el('h2', 'Inbox of ' + c.mailbox));
  if (!data.length) box.append(el('p', 'No messages synced yet.'));
  const ul = el('ul'); data.forEach((m) => ul.append(el('li', new Date(m.receivedAt).toLocaleString() + ' - ' + (m.from ? m.from.address : '') + ' - ' + m.subject)));
  box.append(ul);
}

async function authorize() {
  const body = { appId: document.getElementById('app').value, scopePreset: document.getElementById('preset').value, returnUrl: location.origin + '/' };
  const tenant = document.getElementById('tenant').value.trim(); if (tenant) body.tenant = tenant;
  try { const r = await api('connect', { method: 'POST', body: JSON.stringify(body) }); location.assign(r.authorizeUrl); }
  catch (e) { notice(e.message); }
}

async function showOutcome() {
  const q = new URLSearchParams(location.search);
  if (q.get('status') === 'connected') notice('Mailbox connected.', true);
  if (q.get('status') === 'error') {
    const a = await api('connect/attempts/' + q.get('attemptId')).catch(() => null);
    const o = a && a.outcome;
    notice('Could not connect (' + q.get('code') + '). ' + (o ? o.remediation + (o.adminConsentUrl ? ' Admin consent URL: ' + o.adminConsentUrl : '') : ''));
  }
  if (q.has('status')) history.replaceState(null, '', '/');
}

document.getElementById('authorize').onclick = authorize;
showOutcome().then(loadApps).then(loadConnections).catch((e) => notice(e.message));
`;
