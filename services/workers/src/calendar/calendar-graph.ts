import type { Client } from '@microsoft/microsoft-graph-client';
import { callGraph, microsoftFailureOf } from '@outlook-connect/mailbox-runtime';
import type { StoredRequest } from '@outlook-connect/queues';
import { markerFilter, summarizeEvent, toGraphEvent, toGraphEventPatch, type EventSummary } from './graph-event';

// The three Graph calls of calendar operations, on a mailbox's gated client; a Microsoft error is classified here.

const path = (eventId: string) => `/me/events/${encodeURIComponent(eventId)}`;

/** The event an earlier run of this operation created, found by our marker (null when there is none). */
export async function findCreatedEvent(client: Client, transactionId: string): Promise<EventSummary | null> {
  const page = (await callGraph(() => client.api('/me/events').filter(markerFilter(transactionId)).top(2).get())) as {
    value?: unknown[];
  };
  const first = Array.isArray(page.value) ? page.value[0] : undefined;
  return first === undefined ? null : summarizeEvent(first);
}

/**
 * POST /me/events, exactly once per operation. A retry (an earlier run may have created the event and lost the
 * answer) looks for the marker first; a create Graph refuses as a duplicate (409) is looked up the same way.
 */
export async function createEvent(
  client: Client,
  request: Extract<StoredRequest, { kind: 'create' }>,
  transactionId: string,
  retry: boolean,
): Promise<EventSummary> {
  if (retry) {
    const existing = await findCreatedEvent(client, transactionId);
    if (existing) return existing;
  }
  try {
    return summarizeEvent(
      await callGraph(() => client.api('/me/events').post(toGraphEvent(request.event, transactionId))),
    );
  } catch (err) {
    if (microsoftFailureOf(err)?.status !== 409) throw err;
    const existing = await findCreatedEvent(client, transactionId);
    if (existing) return existing;
    throw err;
  }
}

export async function updateEvent(
  client: Client,
  eventId: string,
  request: Extract<StoredRequest, { kind: 'update' }>,
): Promise<EventSummary> {
  return summarizeEvent(await callGraph(() => client.api(path(eventId)).patch(toGraphEventPatch(request.changes))));
}

/** POST /me/events/{id}/cancel: Graph mails the attendees the comment and removes the meeting (organizer only). */
export async function cancelEvent(
  client: Client,
  eventId: string,
  request: Extract<StoredRequest, { kind: 'cancel' }>,
): Promise<void> {
  await callGraph(() => client.api(`${path(eventId)}/cancel`).post({ comment: request.comment }));
}
