import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@outlook-connect/stack';
import type { BenchResults } from './bench-results';
import { renderMarkdown } from './render-markdown';

/** The tracked results the README links to: written only when asked (--write-readme or BENCH_WRITE=1). */
export const resultsDir = join(repoRoot, 'bench', 'results');
/** Where a run's results go by default: untracked (.local is gitignored), so a run leaves the work tree clean. */
export const localResultsDir = join(repoRoot, '.local', 'bench-results');

export interface ResultsTarget {
  dir: string;
  updateReadme: boolean;
}

/** Tracked files (bench/results, the README's table) change only when asked: `--write-readme` or BENCH_WRITE=1. */
export function resultsTarget(argv: string[], env: NodeJS.ProcessEnv): ResultsTarget {
  const unknown = argv.filter((a) => a !== '--write-readme');
  if (unknown.length) throw new Error(`unknown option ${unknown[0]}: usage: npm run bench [-- --write-readme]`);
  const flag = env.BENCH_WRITE;
  if (flag !== undefined && !['1', '0', 'true', 'false', ''].includes(flag))
    throw new Error(`BENCH_WRITE=${flag}: use 1 or 0`);
  const write = argv.includes('--write-readme') || flag === '1' || flag === 'true';
  return write ? { dir: resultsDir, updateReadme: true } : { dir: localResultsDir, updateReadme: false };
}
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

/** Replaces the README's generated block (between the bench markers) with the latest table; false when there are no markers. */
export function withReadmeBlock(readme: string, block: string): string | null {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return null;
  return `${readme.slice(0, start + README_START.length)}\n${block.trim()}\n${readme.slice(end)}`;
}

/** Writes <dir>/<date>.json and .md and, when the target says so, updates the README's block; returns the markdown. */
export function writeResults(
  results: BenchResults,
  target: ResultsTarget,
): { markdown: string; jsonPath: string; mdPath: string; readmeUpdated: boolean } {
  mkdirSync(target.dir, { recursive: true });
  const markdown = renderMarkdown(results);
  const jsonPath = join(target.dir, `${results.date}.json`);
  const mdPath = join(target.dir, `${results.date}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdPath, markdown);
  const readmePath = join(repoRoot, 'README.md');
  let readmeUpdated = false;
  if (target.updateReadme && existsSync(readmePath)) {
    const block = `${markdown.replace(/^### .*\n\n/, '')}\nFull figures: [bench/results/${results.date}.json](bench/results/${results.date}.json) ([table](bench/results/${results.date}.md)).`;
    const next = withReadmeBlock(readFileSync(readmePath, 'utf8'), block);
    if (next !== null) {
      writeFileSync(readmePath, next);
      readmeUpdated = true;
    }
  }
  return { markdown, jsonPath, mdPath, readmeUpdated };
}
