import { runCommand } from './child';
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
