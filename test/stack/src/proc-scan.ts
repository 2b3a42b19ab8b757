import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface FoundProcess {
  pid: number;
  cmd: string;
}

export interface ProcessQuery {
  /** A folder: processes whose working directory or command line is inside it. */
  under?: string;
  /** NAME=value in the environment (children inherit it, even after their parent is gone). */
  marker?: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Linux: the processes (other than this one) that match, read from /proc; the way to find orphans of a run. */
export function findProcesses(q: ProcessQuery): FoundProcess[] {
  const found: FoundProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmd = read(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean).join(' ');
    if (!cmd) continue; // gone, or a kernel thread
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // not ours to read
    }
    const inside = q.under !== undefined && (cwd === q.under || cwd.startsWith(`${q.under}/`) || cmd.includes(q.under));
    const marked = q.marker !== undefined && (read(`/proc/${pid}/environ`)?.split('\0').includes(q.marker) ?? false);
    if (inside || marked) found.push({ pid, cmd });
  }
  return found;
}
