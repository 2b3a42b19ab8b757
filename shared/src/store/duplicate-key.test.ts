import { isDuplicateKeyError } from './duplicate-key';

describe('isDuplicateKeyError', () => {
  it('recognises the shapes MongoDB and FerretDB give', () => {
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError({ code: 11001 })).toBe(true);
    expect(isDuplicateKeyError({ codeName: 'DuplicateKey' })).toBe(true);
    expect(isDuplicateKeyError({ errorResponse: { code: 11000 } })).toBe(true);
    expect(isDuplicateKeyError(new Error('E11000 duplicate key error collection: db.apps index: ws_1_name_1'))).toBe(
      true,
    );
    // FerretDB 1.24 on findOneAndUpdate / updateOne (seen against the embedded store).
    expect(
      isDuplicateKeyError({
        code: 1,
        codeName: 'InternalError',
        message: "[msg_findandmodify.go:196 ...] constraint failed: UNIQUE constraint failed: index 'x' (2067)",
      }),
    ).toBe(true);
    expect(isDuplicateKeyError({ writeErrors: [{ code: 11000 }, { err: { code: 11000 } }] })).toBe(true);
  });

  it('refuses everything else', () => {
    expect(isDuplicateKeyError(undefined)).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError('E11000')).toBe(false);
    expect(isDuplicateKeyError({ code: 1, codeName: 'InternalError', message: 'disk full' })).toBe(false);
    expect(isDuplicateKeyError(new Error('MongoServerSelectionError: connect ECONNREFUSED'))).toBe(false);
    expect(isDuplicateKeyError({ message: 'user wrote E11000 later in a sentence' })).toBe(false);
    // A bulk write with one duplicate and one other failure is not "only duplicates".
    expect(isDuplicateKeyError({ writeErrors: [{ code: 11000 }, { code: 2 }] })).toBe(false);
  });
});
