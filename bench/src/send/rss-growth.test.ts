import { rssGrowth } from './rss-growth';

const MB = 1048576;

describe('RSS growth after warm-up', () => {
  it('is zero for a flat process, whatever it did while warming up', () => {
    const samples = [
      { sent: 0, bytes: 80 * MB },
      { sent: 100, bytes: 150 * MB },
      { sent: 200, bytes: 160 * MB },
      { sent: 300, bytes: 160 * MB },
      { sent: 400, bytes: 160 * MB },
    ];
    expect(rssGrowth(samples, 200)).toEqual({ afterWarmUpMb: 160, endMb: 160, growthMb: 0, slopeMbPer10kSends: 0 });
  });

  it('reports a leak as growth and a slope per 10,000 sends', () => {
    const samples = [0, 1, 2, 3, 4].map((i) => ({ sent: 10_000 * (i + 1), bytes: (100 + 5 * i) * MB }));
    expect(rssGrowth(samples, 10_000)).toEqual({ afterWarmUpMb: 100, endMb: 120, growthMb: 20, slopeMbPer10kSends: 5 });
  });

  it('says nothing before the warm-up ends', () => {
    expect(rssGrowth([{ sent: 5, bytes: MB }], 10).growthMb).toBeNull();
  });
});
