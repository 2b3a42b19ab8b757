import { checkHandlers, handlerFor, HandlerMapError } from './worker-runtime';
import { workerQueueNames } from './catalog';
import { clusterSafePrefix } from './prefix';
import { InvalidPayloadError, validatePayload } from './queue-client';

const noop = async () => undefined;
const all = () => workerQueueNames.map((q) => handlerFor(q, noop));

describe('handler map', () => {
  it('accepts exactly one handler per served queue', () => {
    expect(() => checkHandlers(all())).not.toThrow();
  });

  it('refuses a queue with no handler, naming it', () => {
    expect(() => checkHandlers(all().filter((r) => r.queue !== 'send'))).toThrow(/queue "send" has no handler/);
  });

  it('refuses a queue with two handlers', () => {
    expect(() => checkHandlers([...all(), handlerFor('send', noop)])).toThrow(HandlerMapError);
    expect(() => checkHandlers([...all(), handlerFor('send', noop)])).toThrow(/queue "send" has 2 handlers/);
  });

  it('refuses a handler for a queue the process does not serve', () => {
    expect(() => checkHandlers([handlerFor('send', noop), handlerFor('events', noop)], ['send'])).toThrow(
      /queue "events", which this process does not serve/,
    );
  });
});

describe('payload validation', () => {
  it('accepts a valid payload and names the bad field otherwise', () => {
    expect(validatePayload('send', { sendId: 'send_0123456789abcdef01234567' })).toEqual({
      sendId: 'send_0123456789abcdef01234567',
    });
    expect(() => validatePayload('send', { sendId: 'x' })).toThrow(InvalidPayloadError);
    expect(() =>
      validatePayload('token-refresh', { connectionId: 'conn_0123456789abcdef01234567', reason: 'whenever' }),
    ).toThrow(/reason/);
  });
});

describe('cluster-safe prefix', () => {
  it('wraps the prefix in a hash tag and refuses odd characters', () => {
    expect(clusterSafePrefix('oc')).toBe('{oc}');
    expect(() => clusterSafePrefix('a b')).toThrow(/may only use/);
  });
});
