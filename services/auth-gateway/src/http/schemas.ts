import { z } from 'zod';
import { SCOPE_PRESETS } from '@outlook-connect/shared';

export const scopePresetSchema = z.enum(
  SCOPE_PRESETS as unknown as ['read_only', 'send_only', 'full', 'full_calendar'],
);

export const idParams = (prefix: string) =>
  z.object({ id: z.string().regex(new RegExp(`^${prefix}_[a-f0-9]{24}$`), `must be a ${prefix}_ id`) });

/** The one error body every route answers with (error-handler.ts); registered so the document references it once. */
export const apiErrorSchema = z
  .object({
    error: z.string().describe('stable code, e.g. invalid_request, unauthorized, not_found, idempotency_key_reused'),
    message: z.string().describe('for the developer, not the end user'),
    issues: z
      .array(z.object({ field: z.string().describe('e.g. body.message.to'), reason: z.string() }))
      .optional()
      .describe('invalid_request: one entry per bad field'),
  })
  .loose()
  .meta({
    id: 'ApiError',
    description:
      'An error. Some codes add details beside these fields (sendId or operationId for idempotency_key_reused, reason, status).',
  });

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 502 | 503;

const ERROR_MEANING: Record<ErrorStatus, string> = {
  400: 'invalid_request: issues names each bad field (malformed JSON and bad ids too)',
  401: 'unauthorized: no valid bearer token',
  403: 'the connection was not granted what this needs (e.g. scope_missing)',
  404: 'not_found: no such resource in this workspace',
  409: 'conflict with the current state (the code says which)',
  413: 'the body is larger than the gateway accepts',
  415: 'the body is not application/json',
  429: 'throttled (mailbox_busy) or too_many_failed_attempts from this address: retry after the Retry-After header',
  500: 'internal_error: a fault on our side (nothing about it is shown)',
  502: 'Microsoft answered something we cannot use',
  503: 'Microsoft, or a dependency of ours (dependency_unavailable names the store or Redis), is unavailable for now, or the request timed out: retry after the Retry-After header',
};

/** The error answers a route can give, all with the ApiError body. */
export function errors(...codes: ErrorStatus[]) {
  const answer = (c: ErrorStatus) => ({
    description: ERROR_MEANING[c],
    content: { 'application/json': { schema: apiErrorSchema } },
  });
  return Object.fromEntries(codes.map((c) => [c, answer(c)])) as Partial<
    Record<ErrorStatus, ReturnType<typeof answer>>
  >;
}

/** Every /v1 route: no key or a bad one (401), too many bad ones (429), a fault on our side (500), an outage (503). */
const always: ErrorStatus[] = [401, 429, 500, 503];
/** A route that reads a JSON body: malformed or invalid (400), too large (413), not JSON (415). */
const withBody: ErrorStatus[] = [400, 413, 415];

export const apiErrors = (opts: { body?: boolean; params?: boolean; query?: boolean }, ...more: ErrorStatus[]) =>
  errors(
    ...always,
    ...(opts.body ? withBody : []),
    ...(opts.params ? ([400, 404] as ErrorStatus[]) : []),
    ...(opts.query ? ([400] as ErrorStatus[]) : []),
    ...more,
  );

/** Security requirements: the workspace API key on /v1, the operator's ADMIN_TOKEN to create workspaces. */
export const workspaceApiKey = [{ workspaceApiKey: [] }];
export const adminToken = [{ adminToken: [] }];

/** Idempotency keys ride in the `Idempotency-Key` header (or the body's idempotencyKey); other headers pass. */
export const idempotencyHeaders = z
  .object({
    'idempotency-key': z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'Same key on the same connection and the same request returns the original (200); with a different request: 409 idempotency_key_reused',
      ),
  })
  .loose();
