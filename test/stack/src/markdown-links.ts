import { dirname, isAbsolute, join, normalize, relative } from 'node:path';

export interface BrokenLink {
  file: string;
  target: string;
  why: 'outside the repo' | 'missing';
}

// [text](target "title") and [label]: target; code blocks are skipped (they hold shell, not links).
const INLINE = /\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm;
// A document named by an absolute path in backticks (`/somewhere/notes.md`) is a link too, just not clickable.
const ABSOLUTE_DOC = /`(\/[^`\s]+\.(?:md|txt))`/g;

function withoutCodeBlocks(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Every link of a markdown file (repo-relative path `file`) that does not resolve to a file inside the repo. */
export function brokenLinks(file: string, text: string, exists: (repoPath: string) => boolean): BrokenLink[] {
  const body = withoutCodeBlocks(text);
  const targets = [...body.matchAll(INLINE), ...body.matchAll(REFERENCE), ...body.matchAll(ABSOLUTE_DOC)].map(
    (m) => m[1]!,
  );
  const broken: BrokenLink[] = [];
  for (const target of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // a URL or an anchor
    const path = decodeURIComponent(target.split('#')[0]!.split('?')[0]!);
    if (!path) continue;
    if (isAbsolute(path)) {
      broken.push({ file, target, why: 'outside the repo' });
      continue;
    }
    const inRepo = normalize(join(dirname(file), path));
    if (inRepo.startsWith('..') || isAbsolute(relative('.', inRepo)) || relative('.', inRepo).startsWith('..'))
      broken.push({ file, target, why: 'outside the repo' });
    else if (!exists(inRepo)) broken.push({ file, target, why: 'missing' });
  }
  return broken;
}
