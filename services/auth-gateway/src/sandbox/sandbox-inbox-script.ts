// The inbox view of the sandbox page: messages the inbox worker synced, refreshed while the panel is open.
export const sandboxInboxScript = `
const inboxUi = { connection: null, lastJson: '' };

function showInbox(c) {
  inboxUi.connection = c; inboxUi.lastJson = '';
  return refreshInbox().then(() => document.getElementById('inbox').scrollIntoView({ behavior: 'smooth', block: 'start' }), (e) => notice(e.message));
}

function messageItem(m) {
  const li = el('li');
  const from = el('div', m.from ? (m.from.name || m.from.address) : '', 'msg-from');
  const text = el('div'); text.append(el('div', m.subject || '(no subject)', 'msg-subject'), el('div', m.bodyPreview || '', 'msg-preview'));
  li.append(from, text, el('div', new Date(m.receivedAt).toLocaleString(), 'msg-time'));
  return li;
}

async function refreshInbox() {
  const c = inboxUi.connection;
  if (!c) return;
  const current = (ui.connections || []).find((x) => x.id === c.id) || c;
  const { data } = await api('connections/' + c.id + '/messages?limit=25');
  const json = JSON.stringify([data, current.sync, current.status]);
  if (json === inboxUi.lastJson) return;
  inboxUi.lastJson = json;
  const box = document.getElementById('inbox');
  box.hidden = false;
  const head = el('div', null, 'card-head');
  head.append(el('h2', 'Inbox of ' + c.mailbox), button('Close', 'close-inbox', () => { inboxUi.connection = null; box.hidden = true; }));
  const sync = current.sync || {};
  const status = sync.lastSuccessAt ? 'Last synced ' + new Date(sync.lastSuccessAt).toLocaleTimeString() + ' \\u00B7 ' + sync.syncedCount + ' messages synced'
    : 'The first inbox sync has not finished yet.';
  box.replaceChildren(head, el('div', status + ' \\u00B7 updates automatically', 'sub'));
  if (!data.length) {
    const empty = el('div', null, 'empty');
    empty.append(el('strong', 'No messages yet.'), el('span', canSend(current) ? 'Click Send test email on this connection; the message appears here after the next inbox sync (under a minute).' : 'New mail in this mailbox appears here after the next inbox sync.'));
    box.append(empty);
    return;
  }
  const ul = el('ul', null, 'messages'); data.forEach((m) => ul.append(messageItem(m)));
  box.append(ul);
}
`;
