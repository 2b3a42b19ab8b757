import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokenLinks } from './markdown-links';
import { repoRoot } from './paths';

describe('brokenLinks', () => {
  const exists = (p: string) => ['docs/architecture.md', 'shared/src/store/README.md', 'README.md'].includes(p);

  it('resolves relative links from the file they are in, with anchors and titles', () => {
    const text =
      '[a](docs/architecture.md#names) [b](../../README.md "top") [c](https://learn.microsoft.com/x) [d](#usage)\n[ref]: docs/architecture.md\n';
    expect(brokenLinks('README.md', text.replace('../../README.md', 'README.md'), exists)).toEqual([]);
    expect(
      brokenLinks(
        'shared/src/store/README.md',
        '[up](../../../README.md) [arch](../../../docs/architecture.md)',
        exists,
      ),
    ).toEqual([]);
  });

  it('names links to missing files and to places outside the repo', () => {
    const text =
      '[gone](docs/gone.md) [out](../../elsewhere/x.md) [abs](/work/shared/notes.md) see `/work/shared/docs/guide.md` and `/v1/connections`';
    expect(brokenLinks('README.md', text, exists)).toEqual([
      { file: 'README.md', target: 'docs/gone.md', why: 'missing' },
      { file: 'README.md', target: '../../elsewhere/x.md', why: 'outside the repo' },
      { file: 'README.md', target: '/work/shared/notes.md', why: 'outside the repo' },
      { file: 'README.md', target: '/work/shared/docs/guide.md', why: 'outside the repo' },
    ]);
  });

  it('skips code blocks', () => {
    expect(brokenLinks('README.md', '```sh\necho "[x](nowhere.md)"\n```\n', exists)).toEqual([]);
  });
});

describe('markdown tracked in git', () => {
  it('links only to files inside the repo that exist', () => {
    const files = execFileSync('git', ['ls-files', '*.md'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    expect(files).toContain('README.md');
    const broken = files.flatMap((f) =>
      brokenLinks(f, readFileSync(join(repoRoot, f), 'utf8'), (p) => existsSync(join(repoRoot, p))),
    );
    expect(broken).toEqual([]);
  });
});
