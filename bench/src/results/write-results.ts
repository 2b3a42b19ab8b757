import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@outlook-connect/stack';
import type { BenchResults } from './bench-results';
import { renderMarkdown } from './render-markdown';

export const resultsDir = join(repoRoot, 'bench', 'results');
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

/** Replaces the README's generated block (between the bench markers) with the latest table; false when there are no markers. */
export function withReadmeBlock(readme: string, block: string): string | null {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return null;
  return `${readme.slice(0, start + README_START.length)}\n${block.trim()}\n${readme.slice(end)}`;
}

/** Writes bench/results/<date>.json and .md, updates the README's block; returns the markdown. */
export function writeResults(results: BenchResults): { markdown: string; jsonPath: string; mdPath: string; readmeUpdated: boolean } {
  mkdirSync(resultsDir, { recursive: true });
  const markdown = renderMarkdown(results);
  const jsonPath = join(resultsDir, `${results.date}.json`);
  const mdPath = join(resultsDir, `${results.date}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdPath, markdown);
  const readmePath = join(repoRoot, 'README.md');
  let readmeUpdated = false;
  if (existsSync(readmePath)) {
    const block = `${markdown.replace(/^### .*\n\n/, '')}\nFull figures: [bench/results/${results.date}.json](bench/results/${results.date}.json) ([table](bench/results/${results.date}.md)).`;
    const next = withReadmeBlock(readFileSync(readmePath, 'utf8'), block);
    if (next !== null) {
      writeFileSync(readmePath, next);
      readmeUpdated = true;
    }
  }
  return { markdown, jsonPath, mdPath, readmeUpdated };
}
