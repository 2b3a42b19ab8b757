// Plain browser JS for the sandbox page; it talks only to the same-origin /sandbox/api proxy (the real /v1 API).
export const sandboxScript = `
const CONFIG = JSON.parse(document.body.dataset.config);
const POLL_MS = 4000;
const ui = { connections: null, openMenu: null, scopeFormFor: null, scopeChoice: null, lastJson: '' };
const api = (path, opts = {}) => fetch('/sandbox/api/' + path, { ...opts, headers: opts.body ? { 'content-type': 'application/json' } : {} })
  .then(async (r) => { const body = await r.json().catch(() => ({})); if (!r.ok) throw new Error(body.message || r.statusText); return body; });
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = text; if (cls) e.className = cls; return e; };
const button = (text, cls, onclick, title) => { const b = el('button', text, cls); b.type = 'button'; b.onclick = onclick; if (title) b.title = title; return b; };
const notice = (text, ok, link) => {
  const n = document.getElementById('notice'); n.replaceChildren(el('span', text));
  if (link) { const a = el('a', ' ' + link.text); a.href = link.href; a.target = '_blank'; a.rel = 'noopener'; n.append(a); }
  n.className = ok ? 'ok' : 'err';
  // Confirmations fade after a while (statuses keep moving); errors stay until the next action.
  clearTimeout(notice.timer); if (ok) notice.timer = setTimeout(() => { n.className = ''; }, 12000);
};
const presetLabel = (p) => (CONFIG.presets[p] ? CONFIG.presets[p].label : p);
const canSend = (c) => c.scopePreset !== 'read_only';
const canRead = (c) => c.scopePreset !== 'send_only';
const returnUrl = () => location.origin + '/';
const asksFor = (p) => 'Asks for ' + CONFIG.presets[p].scopes.join(' ');
/** Granted Graph permissions by their short name; the OpenID ones say nothing about the mailbox. */
const shortScopes = (list) => (list || []).map((s) => s.replace(/^https:\\/\\/graph\\.microsoft\\.com\\//i, '')).filter((s) => !/^(openid|profile|email)$/i.test(s));
/** The admin consent URL names Microsoft's login origin; in the sandbox a browser opens it on the pages origin. */
const forBrowser = (url) => (CONFIG.loginOrigin && CONFIG.pagesOrigin && url.indexOf(CONFIG.loginOrigin + '/') === 0 ? CONFIG.pagesOrigin + url.slice(CONFIG.loginOrigin.length) : url);

async function loadApps() {
  const { data } = await api('oauth-apps');
  const select = document.getElementById('app');
  select.replaceChildren(...data.map((a) => { const o = el('option', a.name); o.value = a.id; return o; }));
  document.getElementById('authorize').disabled = data.length === 0;
  if (!data.length) document.getElementById('app-hint').textContent = 'No OAuth apps yet: register your Microsoft app under Settings > OAuth Apps first.';
}

async function startAuthorize(body) {
  const r = await api('connect', { method: 'POST', body: JSON.stringify({ returnUrl: returnUrl(), ...body }) });
  location.assign(r.authorizeUrl);
}

async function authorize() {
  const body = { appId: document.getElementById('app').value, scopePreset: document.getElementById('preset').value };
  const tenant = document.getElementById('tenant').value.trim(); if (tenant) body.tenant = tenant;
  await startAuthorize(body).catch((e) => notice(e.message));
}

/** Reconnect keeps the connection: the same row comes back Active after consent. */
function reconnect(c) {
  return startAuthorize({ appId: c.appId, scopePreset: c.scopePreset, tenant: c.tenant, loginHint: c.mailbox, connectionId: c.id }).catch((e) => notice(e.message));
}

async function changeScope(c, scopePreset) {
  try {
    const r = await api('connections/' + c.id + '/change-scope', { method: 'POST', body: JSON.stringify({ scopePreset, returnUrl: returnUrl() }) });
    location.assign(r.authorizeUrl);
  } catch (e) { notice(e.message); }
}

function run(promise, ok) { return promise.then((r) => { if (ok) notice(ok, true); return refresh(true); }, (e) => notice(e.message)); }

function menuFor(c) {
  const menu = el('details', null, 'row-menu'); menu.open = ui.openMenu === c.id;
  menu.addEventListener('toggle', () => { ui.openMenu = menu.open ? c.id : (ui.openMenu === c.id ? null : ui.openMenu); });
  const summary = el('summary', '\\u22EF'); summary.title = 'More actions'; summary.setAttribute('aria-label', 'More actions for ' + c.mailbox);
  const items = el('div', null, 'menu-items');
  items.append(button('Reconnect', 'menu-reconnect', () => reconnect(c)));
  items.append(button('Change scope\\u2026', 'menu-change-scope', () => { ui.openMenu = null; ui.scopeFormFor = c.id; ui.scopeChoice = null; render(); }));
  if (c.status !== 'disconnected') items.append(button('Disconnect', 'menu-disconnect danger', () => { ui.openMenu = null; run(api('connections/' + c.id + '/disconnect', { method: 'POST', body: '{}' }), c.mailbox + ' is disconnected.'); }));
  menu.append(summary, items);
  return menu;
}

function rowFor(c) {
  const tr = el('tr'); tr.dataset.connectionId = c.id; tr.dataset.mailbox = c.mailbox; tr.dataset.status = c.status; tr.dataset.preset = c.scopePreset;
  const who = el('td'); who.append(el('div', c.mailbox, 'mailbox'), el('div', [c.displayName, 'tenant ' + c.tenant].filter(Boolean).join(' \\u00B7 '), 'sub'));
  const scope = el('td'); scope.append(el('div', presetLabel(c.scopePreset), 'preset'), el('div', 'Granted ' + (shortScopes(c.grantedScopes).join(', ') || 'nothing yet'), 'sub'));
  const status = el('td', null, 'status-cell'); status.append(el('span', c.statusLabel, 'pill status status-' + c.status));
  if (c.reason) status.append(el('div', c.reason.remediation, 'remediation'));
  else if (c.status === 'active' && c.sync && c.sync.lastSuccessAt) status.append(el('div', 'Inbox synced ' + new Date(c.sync.lastSuccessAt).toLocaleTimeString(), 'sub'));
  const actions = el('td', null, 'row-actions');
  if (c.status === 'active') {
    const send = button('Send test email', 'send-test', () => run(api('connections/' + c.id + '/test-email', { method: 'POST', body: '{}' }), 'Test email queued from ' + c.mailbox + '. It appears in the inbox view after the next sync.'));
    if (!canSend(c)) { send.disabled = true; send.title = 'Read-only cannot send: change the scope to send.'; }
    const inbox = button('Inbox', 'show-inbox', () => showInbox(c));
    if (!canRead(c)) { inbox.disabled = true; inbox.title = 'Send only cannot read the inbox: change the scope to read.'; }
    actions.append(send, inbox);
  } else {
    actions.append(button('Reconnect', 'reconnect primary', () => reconnect(c)));
  }
  actions.append(menuFor(c));
  tr.append(who, scope, status, actions);
  return tr;
}

function scopeFormRow(c) {
  const tr = el('tr', null, 'scope-form'); tr.dataset.connectionId = c.id;
  const td = el('td'); td.colSpan = 4;
  const inner = el('div', null, 'scope-form-inner');
  const select = el('select', null, 'change-scope-preset'); select.setAttribute('aria-label', 'New scope for ' + c.mailbox);
  Object.keys(CONFIG.presets).forEach((p) => { const o = el('option', CONFIG.presets[p].label); o.value = p; select.append(o); });
  select.value = ui.scopeChoice || (c.scopePreset === 'full' ? 'full_calendar' : 'full');
  const scopes = el('span', asksFor(select.value), 'hint change-scope-scopes');
  select.onchange = () => { ui.scopeChoice = select.value; scopes.textContent = asksFor(select.value); };
  inner.append(el('span', 'Change the scope of ' + c.mailbox + ' to'), select, scopes,
    button('Continue to Microsoft', 'change-scope-go primary', () => changeScope(c, select.value)),
    button('Cancel', 'change-scope-cancel', () => { ui.scopeFormFor = null; render(); }),
    el('span', 'Tokens are scope-locked: this disconnects the connection and asks Microsoft for the new scope.', 'hint'));
  td.append(inner); tr.append(td);
  return tr;
}

function render() {
  const body = document.getElementById('connections');
  const list = ui.connections || [];
  if (!list.length) {
    const tr = el('tr'); const td = el('td', null, 'empty'); td.colSpan = 4;
    td.append(el('strong', 'No mailboxes connected yet.'), el('span', 'Pick the app, scope and tenant above, then click Authorize with Microsoft.'));
    tr.append(td); body.replaceChildren(tr); return;
  }
  const rows = [];
  list.forEach((c) => { rows.push(rowFor(c)); if (ui.scopeFormFor === c.id) rows.push(scopeFormRow(c)); });
  body.replaceChildren(...rows);
}

async function loadConnections(force) {
  const { data } = await api('connections');
  const json = JSON.stringify(data);
  ui.connections = data;
  if (force || json !== ui.lastJson) { ui.lastJson = json; render(); }
  return data;
}

async function refresh(force) {
  await loadConnections(force);
  if (typeof refreshInbox === 'function') await refreshInbox();
}

async function showOutcome() {
  const q = new URLSearchParams(location.search);
  if (q.get('status') === 'connected') {
    const c = await api('connections/' + q.get('connectionId')).catch(() => null);
    notice(c ? 'Mailbox connected: ' + c.mailbox + ' (' + presetLabel(c.scopePreset) + ') is ' + c.statusLabel + '.' : 'Mailbox connected.', true);
  }
  if (q.get('status') === 'error') {
    const a = await api('connect/attempts/' + q.get('attemptId')).catch(() => null);
    const o = a && a.outcome;
    const text = 'Could not connect (' + q.get('code') + '). ' + (o ? o.remediation : '');
    notice(text, false, o && o.adminConsentUrl ? { text: 'Open the admin consent page', href: forBrowser(o.adminConsentUrl) } : null);
  }
  if (q.has('status')) history.replaceState(null, '', '/');
}

document.getElementById('authorize').onclick = authorize;
document.getElementById('preset').onchange = (e) => { document.getElementById('preset-scopes').textContent = asksFor(e.target.value); };
document.addEventListener('click', (e) => { if (ui.openMenu && !e.target.closest('details.row-menu')) { ui.openMenu = null; document.querySelectorAll('details.row-menu[open]').forEach((d) => { d.open = false; }); } });
showOutcome().then(loadApps).then(() => loadConnections(true)).catch((e) => notice(e.message));
const live = document.getElementById('live');
setInterval(() => { refresh(false).then(() => { live.textContent = 'Statuses update automatically'; }, () => { live.textContent = 'Cannot reach the API; retrying'; }); }, POLL_MS);
`;
