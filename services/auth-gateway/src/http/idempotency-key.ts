import { ApiError } from './api-error';

const invalid = (field: string, reason: string) =>
  new ApiError(400, 'invalid_request', `${field}: ${reason}`, { issues: [{ field, reason }] });

/** The request's idempotency key: the `Idempotency-Key` header or the body's idempotencyKey; both given must agree. */
export function idempotencyKeyOf(header: string | undefined, body: string | undefined): string {
  if (header !== undefined && body !== undefined && header !== body) {
    throw invalid(
      'headers.idempotency-key',
      'differs from body.idempotencyKey; send the key once, or the same in both',
    );
  }
  const key = header ?? body;
  if (key === undefined) throw invalid('body.idempotencyKey', 'required (or send an Idempotency-Key header)');
  return key;
}
