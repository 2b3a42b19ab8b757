import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, startProcess } from './child';
import { registered, stopAll } from './shutdown';

// The FerretDB build runs through runCommand: while it runs, timers (the readiness checks) must keep firing.

describe('runCommand', () => {
  it('does not block the event loop while the command runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    try {
      await runCommand('sleep', 'sleep', ['1']);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('resolves with stdout and fails with the end of stderr and how it ended', async () => {
    expect(await runCommand('echo', 'sh', ['-c', 'echo built'])).toBe('built\n');
    await expect(runCommand('go build', 'sh', ['-c', 'echo "main.go:3: undefined: x" >&2; exit 2'])).rejects.toThrow(
      /go build failed \(exit code 2\):\nmain.go:3: undefined: x/,
    );
    await expect(runCommand('missing', '/nonexistent/go', [])).rejects.toThrow(/could not start \/nonexistent\/go/);
  });

  it('is stopped by a shutdown (a signal during the build ends the build too)', async () => {
    const running = runCommand('long build', 'sleep', ['30']);
    expect(registered()).toContain('long build');
    const t = Date.now();
    await stopAll();
    await expect(running).rejects.toThrow(/long build failed \(killed by SIGKILL\)/);
    expect(Date.now() - t).toBeLessThan(5000);
    expect(registered()).not.toContain('long build');
  });
});

describe('startProcess', () => {
  it("keeps a helper's output that comes after one of its pipes closed, and stops without a stream error", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-child-'));
    try {
      const logFile = join(dir, 'helper.log');
      // stdout closes first, then the helper still writes to stderr: with each pipe ending the log, that last line
      // was a write after end, an unhandled error that crashed the stack CLI while it stopped.
      const helper = startProcess(
        'late writer',
        'sh',
        ['-c', 'echo first; exec 1>&-; sleep 0.3; echo "last line" >&2; sleep 0.2'],
        logFile,
      );
      await expect(helper.exited).resolves.toBe('exit code 0');
      await helper.stop();
      expect(readFileSync(logFile, 'utf8')).toBe('first\nlast line\n');
      expect(registered()).not.toContain('late writer');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
