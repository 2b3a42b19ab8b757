import { flushActivityLines } from '@outlook-connect/mailbox-runtime';
import type { ConnectionDoc } from '@outlook-connect/shared';
import { startSendHarness, type SendHarness } from '../testing/send-harness';
import { beginAttempt, markSent, sentLineId } from './send-records';

// The outcome of a send that went out: the record's compare-and-set is its one store write; the `sent` timeline line
// goes out later with the lines of other sends, in one insert, and a retry of the outcome stores it once.

jest.setTimeout(60_000);

let h: SendHarness;
let conn: ConnectionDoc;

beforeAll(async () => {
  h = await startSendHarness('sendrecords');
  conn = (await h.connect('send_only', 'recorder')).connection;
});

afterAll(async () => {
  await h?.close();
});

const NO_IDS = { sentMessageId: null, internetMessageId: null, conversationId: null, sentItemsStatus: null };

it('records sends one after another with their timeline lines grouped, not one insert per send', async () => {
  const { deps } = h.clients;
  const ids: string[] = [];
  for (let i = 0; i < 8; i++) {
    const { send } = await h.sends.enqueueSend({
      workspaceId: h.workspaceId,
      connectionId: conn._id,
      idempotencyKey: `records-${i}`,
      source: 'sequence',
      message: { to: ['lead@example.com'], subject: `Step ${i}`, body: { contentType: 'text', content: 'Hi' } },
      sendAt: new Date(Date.now() + 3_600_000), // no worker runs here; the record is taken by hand below
    });
    ids.push(send._id);
  }
  const inserts = jest.spyOn(deps.models.ConnectionActivity, 'insertMany');
  try {
    for (const id of ids) {
      const sending = await beginAttempt(deps, id, { claimSubmission: true });
      expect(sending?.status).toBe('sending');
      const sent = await markSent(deps, sending!, NO_IDS);
      expect(sent).toMatchObject({ _id: id, status: 'sent' });
    }
    // Again, as a retry through an outage would: the record is already sent, the line is stored once.
    await markSent(deps, (await deps.models.Send.findById(ids[0]).lean())!, NO_IDS);
    await flushActivityLines();
    expect(inserts.mock.calls.length).toBeLessThan(ids.length);
  } finally {
    inserts.mockRestore();
  }
  const lines = await deps.models.ConnectionActivity.find({ connectionId: conn._id, type: 'sent' }).lean();
  expect(lines.map((l) => l._id).sort()).toEqual(ids.map(sentLineId).sort());
  expect(lines.find((l) => l._id === sentLineId(ids[0]!))?.detail).toMatchObject({ sendId: ids[0], recipients: 1 });
});
