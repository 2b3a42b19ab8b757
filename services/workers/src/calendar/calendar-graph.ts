import type { Client } from '@microsoft/microsoft-graph-client';
import { callGraph } from '@outlook-connect/mailbox-runtime';
import type { StoredRequest } from '@outlook-connect/queues';
import { summarizeEvent, toGraphEvent, toGraphEventPatch, type EventSummary } from './graph-event';

// The three Graph calls of calendar operations, on a mailbox's gated client; a Microsoft error is classified here.

const path = (eventId: string) => `/me/events/${encodeURIComponent(eventId)}`;

/** POST /me/events carrying the operation's transactionId: a repeat returns the event the first call made. */
export async function createEvent(client: Client, request: Extract<StoredRequest, { kind: 'create' }>, transactionId: string): Promise<EventSummary> {
  return summarizeEvent(await callGraph(() => client.api('/me/events').post(toGraphEvent(request.event, transactionId))));
}

export async function updateEvent(client: Client, eventId: string, request: Extract<StoredRequest, { kind: 'update' }>): Promise<EventSummary> {
  return summarizeEvent(await callGraph(() => client.api(path(eventId)).patch(toGraphEventPatch(request.changes))));
}

/** POST /me/events/{id}/cancel: Graph mails the attendees the comment and removes the meeting (organizer only). */
export async function cancelEvent(client: Client, eventId: string, request: Extract<StoredRequest, { kind: 'cancel' }>): Promise<void> {
  await callGraph(() => client.api(`${path(eventId)}/cancel`).post({ comment: request.comment }));
}
