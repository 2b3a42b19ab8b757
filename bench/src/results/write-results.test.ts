import { withReadmeBlock } from './write-results';

describe('withReadmeBlock', () => {
  it('replaces only what is between the markers', () => {
    const readme = '# x\n## Benchmarks\nintro\n<!-- bench:start -->\nold\n<!-- bench:end -->\n## Next\n';
    expect(withReadmeBlock(readme, 'new table\n')).toBe('# x\n## Benchmarks\nintro\n<!-- bench:start -->\nnew table\n<!-- bench:end -->\n## Next\n');
  });

  it('is null without markers', () => {
    expect(withReadmeBlock('# x\n', 'table')).toBeNull();
  });
});
