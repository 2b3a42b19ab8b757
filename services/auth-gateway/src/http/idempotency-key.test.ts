import { ApiError } from './api-error';
import { idempotencyKeyOf } from './idempotency-key';

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return {
      status: (err as ApiError).statusCode,
      fields: ((err as ApiError).details?.issues as Array<{ field: string }>).map((i) => i.field),
    };
  }
  throw new Error('did not throw');
};

describe('idempotency key of a request', () => {
  it('comes from the header or the body', () => {
    expect(idempotencyKeyOf('h-1', undefined)).toBe('h-1');
    expect(idempotencyKeyOf(undefined, 'b-1')).toBe('b-1');
    expect(idempotencyKeyOf('same', 'same')).toBe('same');
  });
  it('is refused naming the header when header and body differ', () => {
    expect(issuesOf(() => idempotencyKeyOf('h-1', 'b-1'))).toEqual({
      status: 400,
      fields: ['headers.idempotency-key'],
    });
  });
  it('is required, naming the body field', () => {
    expect(issuesOf(() => idempotencyKeyOf(undefined, undefined))).toEqual({
      status: 400,
      fields: ['body.idempotencyKey'],
    });
  });
});
