import type { Client } from '@microsoft/microsoft-graph-client';
import { callGraph } from '@outlook-connect/mailbox-runtime';
import type { OutgoingMessage } from '@outlook-connect/shared';
import { markerFilter, toGraphMessage } from './graph-message';
import type { MarkedMessage } from './send-policy';

// The Graph calls of a send. Each is a single request through the mailbox's gated client; none is retried here.
// callGraph classifies a Microsoft error once, here (MicrosoftCallError); callers read its failure.

const enc = encodeURIComponent;

/** Every message of the mailbox carrying the marker (Drafts, Outbox, Sent Items...). Needs Mail.Read(Write). */
export async function findByMarker(client: Client, marker: string): Promise<MarkedMessage[]> {
  return callGraph(async () => {
    const page = (await client
      .api('/me/messages')
      .filter(markerFilter(marker))
      .select('id,isDraft,internetMessageId,conversationId')
      .top(10)
      .get()) as { value?: MarkedMessage[] };
    return page.value ?? [];
  });
}

/** A marked draft; a reply draft when the send threads on an earlier message. Returns its id. */
export async function createDraft(client: Client, message: OutgoingMessage, marker: string): Promise<string> {
  return callGraph(async () => {
    const graphMessage = toGraphMessage(message, marker);
    if (message.replyToMessageId) {
      // createReply keeps the thread (In-Reply-To, References, conversation); our content and marker replace its defaults.
      const reply = (await client.api(`/me/messages/${enc(message.replyToMessageId)}/createReply`).post({})) as {
        id: string;
      };
      const { attachments, ...fields } = graphMessage;
      await client.api(`/me/messages/${enc(reply.id)}`).patch(fields);
      // PATCH cannot carry attachments: each is added to the draft on its own.
      for (const attachment of (attachments as unknown[] | undefined) ?? []) {
        await client.api(`/me/messages/${enc(reply.id)}/attachments`).post(attachment);
      }
      return reply.id;
    }
    const draft = (await client.api('/me/messages').post(graphMessage)) as { id: string };
    return draft.id;
  });
}

export async function sendDraft(client: Client, draftId: string): Promise<void> {
  return callGraph(async () => {
    await client.api(`/me/messages/${enc(draftId)}/send`).post(null);
  });
}

export async function deleteDraft(client: Client, draftId: string): Promise<void> {
  return callGraph(async () => {
    await client.api(`/me/messages/${enc(draftId)}`).delete();
  });
}

/** send_only connections: one sendMail (or reply) call; Graph answers 202 with no id. */
export async function sendMail(client: Client, message: OutgoingMessage, marker: string): Promise<void> {
  return callGraph(async () => {
    const graphMessage = toGraphMessage(message, marker);
    if (message.replyToMessageId) {
      await client.api(`/me/messages/${enc(message.replyToMessageId)}/reply`).post({ message: graphMessage });
      return;
    }
    await client.api('/me/sendMail').post({ message: graphMessage, saveToSentItems: true });
  });
}
