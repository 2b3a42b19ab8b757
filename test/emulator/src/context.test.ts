import { accessTokenLifetimeSec } from './context';

describe('access token lifetime', () => {
  it('is drawn from [min, max] like Microsoft 60-90 minutes, both ends included', () => {
    const range = { accessTokenSec: 3600, accessTokenMaxSec: 5400 };
    expect(accessTokenLifetimeSec(range, () => 0)).toBe(3600);
    expect(accessTokenLifetimeSec(range, () => 0.999999)).toBe(5400);
    expect(accessTokenLifetimeSec(range, () => 0.5)).toBe(4500);
  });

  it('is fixed when tests pin it (min = max)', () => {
    expect(accessTokenLifetimeSec({ accessTokenSec: 120, accessTokenMaxSec: 120 }, () => 0.7)).toBe(120);
  });
});
