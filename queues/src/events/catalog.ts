import { z } from 'zod';

// The one catalog of product events the CRM consumes: a zod schema per event type for its `data`. Producers emit
// through emitEvent (which validates against it); docs/events.md and the JSON Schema for consumers come from it.

const iso = z.iso.datetime();
const metadata = z.record(z.string(), z.unknown());
const error = z.object({ kind: z.string(), code: z.string(), message: z.string() });

/** Why a connection needs reconnecting, as the CRM shows it (never a token or secret). */
export const publicReasonSchema = z.object({
  code: z.string(),
  message: z.string(),
  remediation: z.string(),
  aadsts: z.number().int().optional(),
  appSecretVersion: z.number().int().optional(),
});

const granted = z.object({
  mailbox: z.string(),
  scopePreset: z.string(),
  grantedScopes: z.array(z.string()),
  tenantId: z.string(),
});

const sendOutcome = z.object({
  sendId: z.string(),
  idempotencyKey: z.string(),
  source: z.string(),
  status: z.enum(['sent', 'failed']),
  attempts: z.number().int(),
  sentAt: iso.nullable(),
  sentMessageId: z.string().nullable(),
  internetMessageId: z.string().nullable(),
  conversationId: z.string().nullable(),
  sentItems: z
    .enum(['pending', 'seen', 'not_seen'])
    .nullable()
    .describe(
      'pending: submitted, Exchange has not put the copy in Sent Items yet (send.confirmed follows); seen: it had; null: the connection cannot read Sent Items (send_only) or the send failed',
    ),
  error: error.nullable(),
  metadata,
});

const calendarOperation = {
  operationId: z.string(),
  idempotencyKey: z.string(),
  kind: z.enum(['create', 'update', 'cancel']),
  metadata,
};

const dateTimeZone = z.object({ dateTime: z.string(), timeZone: z.string() }).nullable();
/** What the operation kept of Graph's event (null when a run finished without a fresh answer from Graph). */
const eventSummary = z
  .object({
    eventId: z.string(),
    iCalUId: z.string().nullable(),
    webLink: z.string().nullable(),
    joinUrl: z
      .string()
      .nullable()
      .describe("the online meeting's join URL (Teams: onlineMeeting.joinUrl), null for a meeting that is not online"),
    start: dateTimeZone,
    end: dateTimeZone,
    isCancelled: z.boolean(),
  })
  .nullable();

const calendarDone = z.object({ ...calendarOperation, eventId: z.string(), event: eventSummary });

const appSecretFailed = z.object({
  secretVersion: z.number().int(),
  secretStatus: z.enum(['expired', 'invalid']),
  code: z.string().optional(),
  aadsts: z.number().int().optional(),
  secretExpiresAt: iso.nullable().optional(),
});

const address = z.object({ name: z.string().nullish(), address: z.string() });

interface EventSpec<S extends z.ZodType = z.ZodType> {
  /** What happened, for the CRM's developers (docs/events.md). */
  description: string;
  /** What `id` is made of (eventId(type, subject, ...occurrence)). */
  id: string;
  data: S;
}

export const eventCatalog = {
  'connection.created': {
    description: 'A mailbox was connected for the first time (through this OAuth app).',
    id: 'connection id, connect attempt id',
    data: granted,
  },
  'connection.reconnected': {
    description: 'An existing connection was connected again in place (same id): active, failures cleared.',
    id: 'connection id, connect attempt id',
    data: granted,
  },
  'connection.disconnected': {
    description: 'The connection was disconnected: tokens wiped, queued sends and calendar operations failed.',
    id: 'connection id, token version',
    data: z.object({ mailbox: z.string() }),
  },
  'connection.needs_reconnect': {
    description:
      'Microsoft refused the connection (revoked grant, password change, app secret): it needs the user to reconnect. The reason says why and what to do.',
    id: 'connection id, time of the reason (epoch ms)',
    data: z.object({ mailbox: z.string(), status: z.literal('needs_reconnect'), reason: publicReasonSchema }),
  },
  'connection.recovered': {
    description: "A connection marked because of its OAuth app's secret works again after the secret was updated.",
    id: 'connection id, token version',
    data: z.object({
      mailbox: z.string(),
      status: z.literal('active'),
      previousReason: z.string().optional(),
      secretVersion: z.number().int(),
    }),
  },
  'app.secret_expiring': {
    description: "The OAuth app's client secret expires soon (30, 7 and 1 days before).",
    id: 'app id, secret version, days before',
    data: z.object({
      secretVersion: z.number().int(),
      secretExpiresAt: iso.nullable(),
      daysBefore: z.number().int(),
      expiresInMs: z.number(),
    }),
  },
  'app.secret_expired': {
    description:
      "The OAuth app's client secret expired: its connections need reconnecting until the secret is updated.",
    id: 'app id, secret version',
    data: appSecretFailed,
  },
  'app.secret_invalid': {
    description:
      "Microsoft refused the OAuth app's client secret: its connections need reconnecting until the secret is updated.",
    id: 'app id, secret version',
    data: appSecretFailed,
  },
  'send.sent': {
    description:
      'Microsoft accepted the email (202): it is submitted, at most once. Exchange finishes sending after that; sentItems says whether the copy is in Sent Items yet (send.confirmed when it appears).',
    id: 'send id',
    data: sendOutcome,
  },
  'send.failed': {
    description: 'The email was not sent; error says why.',
    id: 'send id',
    data: sendOutcome,
  },
  'send.confirmed': {
    description:
      "The sent email's copy appeared in Sent Items: Exchange has sent it. Carries the ids of the copy (a reply links to the send through internetMessageId / conversationId).",
    id: 'send id',
    data: z.object({
      sendId: z.string(),
      idempotencyKey: z.string(),
      source: z.string(),
      sentAt: iso.nullable(),
      seenInSentItemsAt: iso,
      sentMessageId: z.string().nullable(),
      internetMessageId: z.string().nullable(),
      conversationId: z.string().nullable(),
      metadata,
    }),
  },
  'send.canceled': {
    description: 'The send was canceled before it went out.',
    id: 'send id',
    data: z.object({ sendId: z.string(), idempotencyKey: z.string(), source: z.string(), metadata }),
  },
  'message.received': {
    description:
      "A new message arrived in the connected mailbox's Inbox; inReplyToSendId links a reply to one of our sends.",
    id: 'connection id, hash of the Graph message id',
    data: z.object({
      messageId: z.string(),
      graphId: z.string(),
      conversationId: z.string().nullable(),
      internetMessageId: z.string().nullable(),
      inReplyTo: z.string().nullable(),
      references: z.array(z.string()),
      from: address.nullable(),
      fromSelf: z.boolean(),
      subject: z.string(),
      receivedAt: iso,
      inReplyToSendId: z.string().nullable(),
    }),
  },
  'calendar.event_created': {
    description: 'A calendar operation created its event.',
    id: 'operation id',
    data: calendarDone,
  },
  'calendar.event_updated': {
    description: 'A calendar operation updated its event.',
    id: 'operation id',
    data: calendarDone,
  },
  'calendar.event_canceled': {
    description: 'A calendar operation canceled its event.',
    id: 'operation id',
    data: calendarDone,
  },
  'calendar.event_failed': {
    description: 'A calendar operation failed; error says why.',
    id: 'operation id',
    data: z.object({ ...calendarOperation, eventId: z.string().nullable(), error }),
  },
  'webhook_endpoint.disabled': {
    description:
      'A webhook endpoint failed for too long and was disabled; its deliveries stop until it is enabled again (PATCH enabled: true) and replayed.',
    id: 'endpoint id, time disabled (epoch ms)',
    data: z.object({ endpointId: z.string(), url: z.string(), failingSince: iso, reason: z.string() }),
  },
  'webhook.test': {
    description:
      'Sent to one endpoint by POST /v1/webhook-endpoints/:id/test, to check it receives and verifies webhooks.',
    id: 'endpoint id, time requested (epoch ms)',
    data: z.object({ endpointId: z.string(), message: z.string() }),
  },
} as const satisfies Record<string, EventSpec>;

export type EventName = keyof typeof eventCatalog;
/** The `data` of an event type, as the CRM receives it (dates as ISO strings). */
export type EventData<T extends EventName> = z.input<(typeof eventCatalog)[T]['data']>;
