import path from 'node:path';
import { cliOptions } from './cli';

describe('emulator CLI options', () => {
  it('takes --state-dir and --http-port, over the environment', () => {
    expect(
      cliOptions(['--state-dir', 'x/state', '--http-port', '0'], { EMULATOR_HTTP_PORT: '5480', EMULATOR_PORT: '6443' }),
    ).toEqual({
      port: 6443,
      host: '127.0.0.1',
      stateDir: path.resolve('x/state'),
      httpPort: 0,
    });
    expect(cliOptions([], { EMULATOR_STATE_DIR: '/s', EMULATOR_HTTP_PORT: '5480' })).toMatchObject({
      stateDir: '/s',
      httpPort: 5480,
    });
  });

  it('keeps state in memory and pages on https unless asked', () => {
    expect(cliOptions([], {})).toEqual({ port: 5443, host: '127.0.0.1' });
  });

  it('allows http notification URLs on loopback only when asked (sandbox)', () => {
    expect(cliOptions(['--allow-http-notifications'], {}).changeNotifications).toEqual({ allowHttpLoopback: true });
    expect(cliOptions([], { EMULATOR_ALLOW_HTTP_NOTIFICATIONS: '1' }).changeNotifications).toEqual({
      allowHttpLoopback: true,
    });
    expect(cliOptions([], { EMULATOR_ALLOW_HTTP_NOTIFICATIONS: 'true' }).changeNotifications).toBeUndefined();
  });

  it('names a bad port or an unknown flag', () => {
    expect(() => cliOptions(['--http-port', 'eighty'], {})).toThrow(/--http-port must be a port number/);
    expect(() => cliOptions(['--http-port', '70000'], {})).toThrow(/--http-port/);
    expect(() => cliOptions(['--stat-dir', 'x'], {})).toThrow(/stat-dir/);
  });
});
