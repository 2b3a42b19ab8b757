import type { Client } from '@microsoft/microsoft-graph-client';
import { callGraph, type SendBudget } from '@outlook-connect/mailbox-runtime';
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

/** The copy Exchange puts in Sent Items once it has sent the message (after the 202), or null while it has not. */
export async function findInSentItems(client: Client, marker: string): Promise<MarkedMessage | null> {
  return callGraph(async () => {
    const page = (await client
      .api('/me/mailFolders/sentitems/messages')
      .filter(markerFilter(marker))
      .select('id,isDraft,internetMessageId,conversationId')
      .top(1)
      .get()) as { value?: MarkedMessage[] };
    return page.value?.find((m) => m.isDraft === false) ?? null;
  });
}

/** A created draft: Graph answers with the draft, its internetMessageId and conversationId included ("Create message"). */
export interface CreatedDraft {
  id: string;
  internetMessageId: string | null;
  conversationId: string | null;
}

const createdOf = (m: MarkedMessage, fallback?: MarkedMessage): CreatedDraft => ({
  id: m.id,
  internetMessageId: m.internetMessageId ?? fallback?.internetMessageId ?? null,
  conversationId: m.conversationId ?? fallback?.conversationId ?? null,
});

/** A marked draft; a reply draft when the send threads on an earlier message. */
export async function createDraft(client: Client, message: OutgoingMessage, marker: string): Promise<CreatedDraft> {
  return callGraph(async () => {
    const graphMessage = toGraphMessage(message, marker);
    if (message.replyToMessageId) {
      // createReply keeps the thread (In-Reply-To, References, conversation); our content and marker replace its defaults.
      const reply = (await client
        .api(`/me/messages/${enc(message.replyToMessageId)}/createReply`)
        .post({})) as MarkedMessage;
      const { attachments, ...fields } = graphMessage;
      const patched = ((await client.api(`/me/messages/${enc(reply.id)}`).patch(fields)) ?? reply) as MarkedMessage;
      // PATCH cannot carry attachments: each is added to the draft on its own.
      for (const attachment of (attachments as unknown[] | undefined) ?? []) {
        await client.api(`/me/messages/${enc(reply.id)}/attachments`).post(attachment);
      }
      return createdOf({ ...patched, id: reply.id }, reply);
    }
    return createdOf((await client.api('/me/messages').post(graphMessage)) as MarkedMessage);
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

/**
 * send_only connections: one sendMail (or reply) call; Graph answers 202 with no id. The gate reserves `budget` with
 * the request's slot (one step: a refusal takes neither, and nothing is sent).
 */
export async function sendMail(
  client: Client,
  message: OutgoingMessage,
  marker: string,
  budget: SendBudget,
): Promise<void> {
  return callGraph(async () => {
    const graphMessage = toGraphMessage(message, marker);
    if (message.replyToMessageId) {
      await client
        .api(`/me/messages/${enc(message.replyToMessageId)}/reply`)
        .middlewareOptions([budget])
        .post({ message: graphMessage });
      return;
    }
    await client.api('/me/sendMail').middlewareOptions([budget]).post({ message: graphMessage, saveToSentItems: true });
  });
}
