import { Writable } from 'node:stream';
import { createLogger } from '@outlook-connect/shared';
import { jobLogBindings } from './worker-runtime';

// Every line a job logs carries queue, job id and connection id, and no secret (the per-job child logger).

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { lines, logger: createLogger({ service: 'workers', level: 'debug', destination }) };
}

describe('job log bindings', () => {
  it("puts queue, job id, attempt and the payload's connection on every line of the job", () => {
    const { lines, logger } = capture();
    const log = logger.child(
      jobLogBindings('token-refresh', {
        id: '42',
        attemptsMade: 2,
        data: { connectionId: 'conn_a', reason: 'scheduled' },
      }),
    );
    log.info('refreshing');
    log.warn({ code: 'network' }, 'refresh failed');
    for (const line of lines)
      expect(line).toMatchObject({
        service: 'workers',
        queue: 'token-refresh',
        jobId: '42',
        attempt: 3,
        connectionId: 'conn_a',
      });
    expect(lines).toHaveLength(2);
  });

  it('lets a send or calendar handler add the connection once it has loaded the record', () => {
    const { lines, logger } = capture();
    const log = logger.child(jobLogBindings('send', { id: '7', attemptsMade: 0, data: { sendId: 'send_1' } }));
    log.info('loading send');
    log.setBindings({ connectionId: 'conn_b' });
    log.info('sending');
    expect(lines[0]).not.toHaveProperty('connectionId');
    expect(lines[1]).toMatchObject({ queue: 'send', jobId: '7', attempt: 1, connectionId: 'conn_b' });
  });

  it("keeps tokens and secrets out of a job's lines", () => {
    const { lines, logger } = capture();
    const log = logger.child(
      jobLogBindings('token-refresh', { id: '9', attemptsMade: 0, data: { connectionId: 'conn_c' } }),
    );
    log.info(
      {
        refreshToken: 'rt-0.secret-refresh',
        tokens: { accessToken: 'at-secret' },
        connection: { refreshTokenEnc: 'v1.k1.ct' },
      },
      'refreshed',
    );
    log.error({ err: new Error('token endpoint said no: client_secret=s3cr3t-value') }, 'refresh failed');
    const text = JSON.stringify(lines);
    for (const secret of ['rt-0.secret-refresh', 'at-secret', 'v1.k1.ct', 's3cr3t-value'])
      expect(text).not.toContain(secret);
    expect(lines.every((l) => l.connectionId === 'conn_c' && l.jobId === '9')).toBe(true);
  });
});
