import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveHeapEnv, liveHeapLines, takeLiveHeap } from './live-heap';

describe('liveHeapLines', () => {
  it('reads every complete line and leaves out a torn one', () => {
    expect(liveHeapLines('{"heapUsed":10,"rss":20}\n{"heapUsed":11,"rss":21}\n{"heapU')).toEqual([
      { heapUsed: 10, rss: 20 },
      { heapUsed: 11, rss: 21 },
    ]);
  });
});

describe('takeLiveHeap', () => {
  it('gets the reachable heap after a full GC from a child with the preload: what it keeps, not its garbage', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-live-heap-'));
    const file = join(dir, 'heap.jsonl');
    const { nodeOptions, env } = liveHeapEnv(file);
    // Keeps ~40 MB reachable and leaves ~200 MB of garbage behind.
    const script = `
      globalThis.kept = Array.from({ length: 40 }, () => new Array(131072).fill(1.5));
      for (let i = 0; i < 200; i++) { const g = new Array(131072).fill(2.5); g.length; }
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, ...env, NODE_OPTIONS: nodeOptions },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const live = await takeLiveHeap(child.pid!, file);
      expect(live).not.toBeNull();
      const mb = live!.heapUsed / 1048576;
      expect(mb).toBeGreaterThan(35);
      expect(mb).toBeLessThan(80);
      expect(live!.rss).toBeGreaterThan(live!.heapUsed);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
