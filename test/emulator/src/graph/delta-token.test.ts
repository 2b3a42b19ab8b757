import { decodeDeltaState, encodeDeltaState, type DeltaState } from './delta-token';

describe('delta tokens', () => {
  const state: DeltaState = {
    v: 1,
    kind: 'skip',
    u: 'user',
    f: 'folder',
    e: 2,
    from: 5,
    to: 40,
    after: 17,
    size: 10,
    select: 'subject',
    i: 1,
  };

  it('round-trips and is URL-safe', () => {
    const token = encodeDeltaState(state);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeDeltaState(token)).toEqual(state);
  });

  it('rejects garbage and foreign versions', () => {
    expect(decodeDeltaState('not json')).toBeUndefined();
    expect(decodeDeltaState(Buffer.from(JSON.stringify({ ...state, v: 2 })).toString('base64url'))).toBeUndefined();
    expect(
      decodeDeltaState(Buffer.from(JSON.stringify({ v: 1, kind: 'delta' })).toString('base64url')),
    ).toBeUndefined();
  });
});
