import { findEvent } from '@outlook-connect/queues';
import { connectMailbox } from '@outlook-connect/stack';
import { startInboxHarness, type InboxHarness } from '../testing/inbox-harness';
import { receivedEventId } from './received-events';
import { syncConnection } from './sync-connection';

// The mailbox address is the primary SMTP address (the id token's email claim), not the sign-in name: a message the
// mailbox sent itself is fromSelf even when the user's UPN and preferred_username are something else.

jest.setTimeout(120_000);

let h: InboxHarness;

beforeAll(async () => {
  h = await startInboxHarness('inboxfromself', { pageSize: 50, maxPagesPerRun: 5, pollIntervalMs: 3_600_000 });
});
afterAll(async () => h?.close());

it('fromSelf compares with the mailbox address, not the UPN', async () => {
  const tenantId = h.emu.control.directory().tenants[0]!.id;
  const domain = h.emu.control.directory().tenants[0]!.domain;
  const user = h.emu.control.createUser({
    tenantId,
    email: `first.last@${domain}`,
    upn: `flast07@${domain}`,
    preferredUsername: '+14255550100',
  });
  const conn = await connectMailbox({
    models: h.deps.models,
    box: h.deps.box,
    emulator: h.emu,
    workspaceId: h.workspaceId,
    app: h.app,
    email: user.upn,
    preset: 'read_only',
  });
  expect(conn.mailbox).toBe(`first.last@${domain}`);
  expect(await syncConnection(h.deps, conn._id, false)).toMatchObject({ kind: 'synced' });

  const self = h.emu.control.deliverMessage(user.mail!, { from: user.mail!, subject: 'Note to self' });
  const other = h.emu.control.deliverMessage(user.mail!, { from: user.upn, subject: 'From the sign-in name' });
  expect(await syncConnection(h.deps, conn._id, false)).toMatchObject({ kind: 'synced' });
  const events = h.deps.queues.queue('events');
  expect((await findEvent(events, receivedEventId(conn._id, String(self.immutableId))))?.data).toMatchObject({
    fromSelf: true,
  });
  expect((await findEvent(events, receivedEventId(conn._id, String(other.immutableId))))?.data).toMatchObject({
    fromSelf: false,
  });
});
