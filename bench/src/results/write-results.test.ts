import { localResultsDir, resultsDir, resultsTarget, withReadmeBlock } from './write-results';

describe('withReadmeBlock', () => {
  it('replaces only what is between the markers', () => {
    const readme = '# x\n## Benchmarks\nintro\n<!-- bench:start -->\nold\n<!-- bench:end -->\n## Next\n';
    expect(withReadmeBlock(readme, 'new table\n')).toBe(
      '# x\n## Benchmarks\nintro\n<!-- bench:start -->\nnew table\n<!-- bench:end -->\n## Next\n',
    );
  });

  it('is null without markers', () => {
    expect(withReadmeBlock('# x\n', 'table')).toBeNull();
  });
});

describe('resultsTarget', () => {
  it('keeps a run out of tracked files by default', () => {
    expect(resultsTarget([], {})).toEqual({ dir: localResultsDir, updateReadme: false });
    expect(localResultsDir).toMatch(/\/\.local\/bench-results$/);
    expect(resultsTarget([], { BENCH_WRITE: '0' })).toEqual({ dir: localResultsDir, updateReadme: false });
  });

  it('writes bench/results and the README table when asked', () => {
    expect(resultsTarget(['--write-readme'], {})).toEqual({ dir: resultsDir, updateReadme: true });
    expect(resultsTarget([], { BENCH_WRITE: '1' })).toEqual({ dir: resultsDir, updateReadme: true });
  });

  it('refuses what it does not know, naming it', () => {
    expect(() => resultsTarget(['--write-reamde'], {})).toThrow(/unknown option --write-reamde/);
    expect(() => resultsTarget([], { BENCH_WRITE: 'yes' })).toThrow(/BENCH_WRITE=yes/);
  });
});
