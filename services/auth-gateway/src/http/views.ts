import { z } from 'zod';
import type { FreeBusyResult } from '@outlook-connect/queues';
import type { attemptView } from '../connect/attempt-view';
import type { connectionView } from '../connections/connection-view';
import type { inboxPage } from '../connections/inbox-page';
import { scopePresetSchema } from './schemas';

// The public answer shapes, in one place. Responses are encoded through them, so a field missing here would be
// dropped from the answer: the checks at the bottom fail to compile when a view and its schema disagree on keys.

const instant = z.string().describe('ISO 8601 UTC instant');
const address = z.object({ address: z.string(), name: z.string().optional() });
const recordError = z.object({ kind: z.string(), code: z.string(), message: z.string() }).nullable();

export const connectionViewSchema = z.object({
  id: z.string(),
  appId: z.string(),
  mailbox: z.string(),
  displayName: z.string(),
  scopePreset: scopePresetSchema,
  grantedScopes: z.array(z.string()),
  tenant: z.string().describe('what the user picked: common, organizations or a tenant'),
  tenantId: z.string().describe('the tenant the account belongs to'),
  status: z.enum(['active', 'needs_reconnect', 'disconnected']),
  statusLabel: z.enum(['Active', 'Needs reconnect', 'Disconnected']),
  reason: z
    .object({ code: z.string(), message: z.string(), remediation: z.string(), since: instant.nullable() })
    .nullable(),
  tokenExpiresAt: instant.nullable(),
  lastRefreshAt: instant.nullable(),
  sync: z.object({
    initialSyncComplete: z.boolean(),
    lastSuccessAt: instant.nullable(),
    lastError: z.object({ code: z.string(), message: z.string(), at: instant.nullable() }).nullable(),
    syncedCount: z.number(),
  }),
  disconnectedAt: instant.nullable(),
  createdAt: instant.nullable(),
  updatedAt: instant.nullable(),
});

export const connectionListSchema = z.object({ data: z.array(connectionViewSchema) });

export const connectStartedSchema = z.object({
  authorizeUrl: z.string().describe("Microsoft's authorize URL: send the browser there"),
  attemptId: z.string(),
  expiresAt: instant,
});

export const changeScopeSchema = connectStartedSchema.extend({ connection: connectionViewSchema });

export const attemptViewSchema = z.object({
  id: z.string(),
  appId: z.string(),
  scopePreset: scopePresetSchema,
  tenant: z.string(),
  connectionId: z.string().nullable(),
  status: z.enum(['pending', 'succeeded', 'failed', 'expired']),
  outcome: z
    .object({
      connectionId: z.string().optional(),
      created: z.boolean().optional(),
      errorCode: z.string().optional(),
      aadsts: z.number().optional(),
      message: z.string().optional(),
      remediation: z.string().optional(),
      adminConsentUrl: z.string().optional(),
    })
    .nullable(),
  expiresAt: instant,
  createdAt: instant,
});

export const inboxPageSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      graphId: z.string(),
      conversationId: z.string().nullable(),
      from: address.nullable(),
      to: z.array(address),
      subject: z.string(),
      bodyPreview: z.string(),
      receivedAt: instant,
      isRead: z.boolean(),
      hasAttachments: z.boolean(),
      webLink: z.string().nullable(),
    }),
  ),
  nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
});

export const sendViewSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  connectionId: z.string(),
  idempotencyKey: z.string(),
  source: z.enum(['sequence', 'ai_sdr', 'test', 'other']),
  status: z.enum(['queued', 'scheduled', 'sending', 'sent', 'failed', 'canceled']),
  message: z.object({
    to: z.array(address),
    cc: z.array(address).optional(),
    bcc: z.array(address).optional(),
    replyTo: z.array(address).optional(),
    subject: z.string(),
    body: z.object({ contentType: z.enum(['html', 'text']), content: z.string() }),
    replyToMessageId: z.string().optional(),
    attachments: z
      .array(
        z.object({
          attachmentId: z
            .string()
            .optional()
            .describe('set for a file uploaded first (POST /v1/connections/{id}/attachments)'),
          name: z.string(),
          contentType: z.string(),
          size: z.number().describe('bytes'),
        }),
      )
      .describe('without their content'),
  }),
  sendAt: z.date().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  attempts: z.number(),
  draftId: z.string().nullable(),
  sentMessageId: z.string().nullable(),
  internetMessageId: z.string().nullable(),
  conversationId: z.string().nullable(),
  sentItemsStatus: z
    .enum(['pending', 'seen', 'not_seen'])
    .nullable()
    .describe('after the 202: pending until the copy is seen in Sent Items; null for send_only connections'),
  sentItemsSeenAt: z.date().nullable(),
  error: recordError,
  createdAt: z.date(),
  updatedAt: z.date(),
  sentAt: z.date().nullable(),
  failedAt: z.date().nullable(),
  canceledAt: z.date().nullable(),
});
export const enqueuedSendSchema = sendViewSchema.extend({
  created: z.boolean().describe('false: the key returned the original send'),
});

export const calendarOperationViewSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  connectionId: z.string(),
  idempotencyKey: z.string(),
  kind: z.enum(['create', 'update', 'cancel']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  request: z
    .record(z.string(), z.unknown())
    .describe('the validated request: {kind, event} | {kind, target, changes} | {kind, target, comment}'),
  eventId: z.string().nullable().describe('the Graph event id once known'),
  result: z.record(z.string(), z.unknown()).nullable(),
  metadata: z.record(z.string(), z.unknown()),
  attempts: z.number(),
  error: recordError,
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const acceptedOperationSchema = calendarOperationViewSchema.extend({
  created: z.boolean().describe('false: the key returned the original operation'),
});

const freeBusyStatus = z.enum(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']);
const period = z.object({ start: instant, end: instant, status: freeBusyStatus });
export const freeBusyResultSchema = z.object({
  connectionId: z.string(),
  start: instant,
  end: instant,
  intervalMinutes: z.number(),
  schedules: z.array(
    z.object({
      schedule: z.string(),
      availabilityView: z
        .string()
        .describe(
          "Graph's availabilityView: one digit per interval (0 free, 1 tentative, 2 busy, 3 oof, 4 working elsewhere)",
        ),
      slots: z.array(period),
      busy: z.array(period).describe('merged non-free periods'),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
const sameKeys = <T extends true>(): T | undefined => undefined;
sameKeys<SameKeys<ReturnType<typeof connectionView>, z.input<typeof connectionViewSchema>>>();
sameKeys<SameKeys<ReturnType<typeof connectionView>['sync'], z.input<typeof connectionViewSchema>['sync']>>();
sameKeys<SameKeys<ReturnType<typeof attemptView>, z.input<typeof attemptViewSchema>>>();
sameKeys<
  SameKeys<Awaited<ReturnType<typeof inboxPage>>['data'][number], z.input<typeof inboxPageSchema>['data'][number]>
>();
sameKeys<SameKeys<FreeBusyResult, z.input<typeof freeBusyResultSchema>>>();
sameKeys<SameKeys<FreeBusyResult['schedules'][number], z.input<typeof freeBusyResultSchema>['schedules'][number]>>();
