import { nextScanCursor } from './subscription-sweep';

describe('nextScanCursor', () => {
  const page = (...ids: string[]) => ids.map((_id) => ({ _id }));

  it('continues after the last _id of a full page', () => {
    expect(nextScanCursor(page('a', 'b'), 2)).toBe('b');
  });

  it('starts over after a short or empty page', () => {
    expect(nextScanCursor(page('c'), 2)).toBeNull();
    expect(nextScanCursor([], 2)).toBeNull();
  });
});
