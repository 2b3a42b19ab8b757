/** The last `lines` non-empty lines of a process's output. */
export function tailOf(text: string, lines = 20): string {
  const all = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  return all.slice(-lines).join('\n');
}
