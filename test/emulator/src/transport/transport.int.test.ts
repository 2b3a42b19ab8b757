import type { Client } from '@microsoft/microsoft-graph-client';
import { connect, eventually, graphFor, startWorld, uniqueEmail, type World } from '../testing/harness';

// Exchange's asynchronous send ("Send mail by using the Microsoft Graph API"): 202 first, Sent Items and the
// recipients later, with the real Graph client.

const PROP = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name OcSendId';
type Listed = { value: Array<{ id: string; isDraft: boolean; subject: string }> };

describe('transport: the message lands in Sent Items after a delay', () => {
  let w: World;
  let graph: Client;
  let peer: string;

  beforeAll(async () => {
    w = await startWorld({ sendDelayMs: { minMs: 300, maxMs: 500 } });
    graph = graphFor(w, (await connect(w)).result.accessToken);
    peer = w.emu.control.createUser({ tenantId: w.tenant.id, email: uniqueEmail(w.tenant.domain, 'peer') }).email;
  });
  afterAll(async () => {
    await w.emu.close();
  });
  afterEach(async () => {
    w.emu.control.setSendDelay({ minMs: 300, maxMs: 500 });
    await eventually(() => w.emu.control.inTransit() === 0, 'transport to drain');
  });

  const marked = (marker: string) =>
    graph
      .api('/me/messages')
      .filter(`singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq '${marker}')`)
      .select('id,isDraft,subject,parentFolderId')
      .get() as Promise<Listed>;
  const mail = (subject: string, marker: string) => ({
    subject,
    body: { contentType: 'Text', content: 'hi' },
    toRecipients: [{ emailAddress: { address: peer } }],
    singleValueExtendedProperties: [{ id: PROP, value: marker }],
  });

  it('sendMail: 202, the message waits in Drafts as a draft, then moves to Sent Items and reaches the recipient', async () => {
    await graph.api('/me/sendMail').post({ message: mail('Async 1', 'm-1'), saveToSentItems: true });
    const drafts = (await graph.api('/me/mailFolders/drafts/messages').select('subject,isDraft').get()) as Listed;
    expect(drafts.value.filter((m) => m.subject === 'Async 1').map((m) => m.isDraft)).toEqual([true]);
    expect(w.emu.control.sentItems(w.user.email).some((m) => m.subject === 'Async 1')).toBe(false);
    expect(w.emu.control.listMessages(peer).some((m) => m.subject === 'Async 1')).toBe(false);
    expect(w.emu.control.counters().sendsByMarker['m-1']).toBe(1); // submitted: counted as sent once
    await eventually(() => w.emu.control.sentItems(w.user.email).some((m) => m.subject === 'Async 1'), 'Sent Items');
    expect(w.emu.control.listMessages(peer).some((m) => m.subject === 'Async 1')).toBe(true);
    const after = await marked('m-1');
    expect(after.value.map((m) => m.isDraft)).toEqual([false]);
  });

  it('sendMail with saveToSentItems false: the Drafts copy is removed, nothing in Sent Items, the recipient gets it', async () => {
    await graph.api('/me/sendMail').post({ message: mail('Async 2', 'm-2'), saveToSentItems: false });
    expect((await marked('m-2')).value).toHaveLength(1);
    await eventually(() => w.emu.control.listMessages(peer).some((m) => m.subject === 'Async 2'), 'delivery');
    expect((await marked('m-2')).value).toHaveLength(0);
  });

  it('/send: the draft stays as it is (same id, still a draft) until transport moves it, then its id is gone', async () => {
    const draft = (await graph.api('/me/messages').post(mail('Async 3', 'm-3'))) as { id: string };
    await graph.api(`/me/messages/${draft.id}/send`).post(null);
    const during = (await graph.api(`/me/messages/${draft.id}`).select('isDraft').get()) as { isDraft: boolean };
    expect(during.isDraft).toBe(true);
    await eventually(async () => (await marked('m-3')).value.every((m) => !m.isDraft), 'the move to Sent Items');
    const sent = (await marked('m-3')).value;
    expect(sent).toHaveLength(1);
    expect(sent[0]?.id).not.toBe(draft.id);
    await expect(graph.api(`/me/messages/${draft.id}`).get()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('/send again while the draft is in transit sends it again (assumed: least forgiving)', async () => {
    const draft = (await graph.api('/me/messages').post(mail('Async 4', 'm-4'))) as { id: string };
    await graph.api(`/me/messages/${draft.id}/send`).post(null);
    await graph.api(`/me/messages/${draft.id}/send`).post(null);
    expect(w.emu.control.counters().sendsByMarker['m-4']).toBe(2);
    await eventually(() => w.emu.control.listMessages(peer).filter((m) => m.subject === 'Async 4').length === 2, '2');
    expect((await marked('m-4')).value.map((m) => m.isDraft)).toEqual([false, false]);
  });

  it('follows the emulator clock: advanceClock completes a long transit; setSendDelay changes the delay', async () => {
    w.emu.control.setSendDelay(3_600_000);
    await graph.api('/me/sendMail').post({ message: mail('Async 5', 'm-5') });
    expect(w.emu.control.inTransit()).toBe(1);
    w.emu.control.advanceClock(3_600_000);
    expect(w.emu.control.inTransit()).toBe(0);
    expect(w.emu.control.sentItems(w.user.email).some((m) => m.subject === 'Async 5')).toBe(true);
    expect(() => w.emu.control.setSendDelay({ minMs: 10, maxMs: 5 })).toThrow(/minMs <= maxMs/);
  });

  it('reply: waits in Drafts too, then lands in Sent Items threaded', async () => {
    const incoming = w.emu.control.deliverMessage(w.user.email, { from: peer, subject: 'Q?' });
    await graph.api(`/me/messages/${String(incoming.id)}/reply`).post({ comment: 'A.' });
    expect(w.emu.control.sentItems(w.user.email).some((m) => m.subject === 'RE: Q?')).toBe(false);
    await eventually(() => w.emu.control.sentItems(w.user.email).some((m) => m.subject === 'RE: Q?'), 'reply sent');
  });
});
