import { missingFiles, RANGE_BYTES, uploadRanges } from './large-attachments';

describe('uploadRanges', () => {
  it('cuts a file into in-order ranges of 320 KiB multiples under 4 MB, the last one shorter', () => {
    expect(RANGE_BYTES % (320 * 1024)).toBe(0);
    expect(RANGE_BYTES).toBeLessThan(4_000_000);
    const size = 10 * 1024 * 1024;
    const ranges = uploadRanges(size);
    expect(ranges).toHaveLength(3);
    expect(ranges[0]).toEqual({ start: 0, end: RANGE_BYTES - 1 });
    expect(ranges[2]).toEqual({ start: 2 * RANGE_BYTES, end: size - 1 });
    expect(uploadRanges(RANGE_BYTES)).toEqual([{ start: 0, end: RANGE_BYTES - 1 }]);
  });
});

describe('missingFiles', () => {
  it('skips what the draft already has, by name and size, each match once', () => {
    const files = [
      { name: 'a.pdf', size: 5 },
      { name: 'a.pdf', size: 5 },
      { name: 'b.pdf', size: 7 },
    ];
    expect(missingFiles(files, [{ name: 'a.pdf', size: 5 }])).toEqual([
      { name: 'a.pdf', size: 5 },
      { name: 'b.pdf', size: 7 },
    ]);
    expect(missingFiles(files, [{ name: 'b.pdf', size: 8 }])).toEqual(files);
    expect(missingFiles(files, files)).toEqual([]);
  });
});
