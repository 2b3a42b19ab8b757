import { fmt, fmtBytes, fmtPercent, fmtRatio, markdownTable } from './format';

describe('report formatting', () => {
  it('numbers with separators, n/a when missing', () => {
    expect(fmt(123456.789, 1)).toBe('123,456.8');
    expect(fmt(3)).toBe('3');
    expect(fmt(null)).toBe('n/a');
    expect(fmt(NaN)).toBe('n/a');
  });

  it('ratios, percentages and bytes', () => {
    expect(fmtRatio(0.8123)).toBe('0.81x');
    expect(fmtRatio(12.4)).toBe('12x');
    expect(fmtRatio(0.00387)).toBe('0.0039x');
    expect(fmtRatio(null)).toBe('n/a');
    expect(fmtPercent(1)).toBe('100.0%');
    expect(fmtPercent(0.99951, 2)).toBe('99.95%');
    expect(fmtBytes(1_210)).toBe('1.18 KB');
    expect(fmtBytes(123 * 1048576)).toBe('123.0 MB');
    expect(fmtBytes(12)).toBe('12 B');
  });

  it('renders a markdown table and escapes pipes', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe('| a | b |\n| --- | --- |\n| 1 | x\\|y |');
  });
});
