import { GraphError } from '../graph/graph-error';
import {
  checkEndpointUrl,
  MAX_MESSAGE_SUBSCRIPTION_MINUTES,
  parseCreateRequest,
  parsePatchRequest,
} from './subscription-request';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const strict = { allowHttpLoopback: false };
const body = (over: Record<string, unknown> = {}) => ({
  changeType: 'created,updated',
  notificationUrl: 'https://crm.example/hooks',
  resource: "me/mailFolders('inbox')/messages",
  expirationDateTime: new Date(NOW + 3600_000).toISOString(),
  clientState: 'secret',
  ...over,
});
const errorOf = (fn: () => unknown): GraphError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof GraphError) return err;
    throw err;
  }
  throw new Error('expected a GraphError');
};

describe('parseCreateRequest', () => {
  it('takes a documented request', () => {
    expect(parseCreateRequest(body(), NOW, strict)).toMatchObject({
      target: { user: 'me', folder: 'inbox' },
      changeTypes: ['created', 'updated'],
      clientState: 'secret',
      lifecycleNotificationUrl: null,
      latestSupportedTlsVersion: 'v1_2',
      expiresAt: NOW + 3600_000,
    });
  });

  it('allows exactly the maximum lifetime and refuses a millisecond more (ExtensionError)', () => {
    const max = NOW + MAX_MESSAGE_SUBSCRIPTION_MINUTES * 60_000;
    expect(parseCreateRequest(body({ expirationDateTime: new Date(max).toISOString() }), NOW, strict).expiresAt).toBe(
      max,
    );
    const err = errorOf(() =>
      parseCreateRequest(body({ expirationDateTime: new Date(max + 1).toISOString() }), NOW, strict),
    );
    expect([err.status, err.code, err.message]).toEqual([
      400,
      'ExtensionError',
      'Subscription expiration can only be 10080 minutes in the future.',
    ]);
  });

  it('refuses an expiration in the past', () => {
    expect(
      errorOf(() => parseCreateRequest(body({ expirationDateTime: new Date(NOW).toISOString() }), NOW, strict)).code,
    ).toBe('ExtensionError');
  });

  it.each([
    [{ notificationUrl: 'http://crm.example/hooks' }, "NotificationUrl scheme='http' is not supported."],
    [
      { lifecycleNotificationUrl: 'http://crm.example/life' },
      "LifecycleNotificationUrl scheme='http' is not supported.",
    ],
    [{ notificationUrl: 'not a url' }, 'notificationUrl'],
    [{ notificationUrl: undefined }, 'notificationUrl'],
    [{ resource: 'me/events' }, 'resource'],
    [{ resource: undefined }, 'resource'],
    [{ changeType: 'created,moved' }, 'moved'],
    [{ changeType: undefined }, 'changeType'],
    [{ expirationDateTime: undefined }, 'expirationDateTime'],
    [{ clientState: 'x'.repeat(129) }, 'clientState'],
    [{ includeResourceData: true }, 'includeResourceData'],
    [{ latestSupportedTlsVersion: 'v2' }, 'latestSupportedTlsVersion'],
  ])('refuses %j naming the field (400)', (over, text) => {
    const err = errorOf(() => parseCreateRequest(body(over), NOW, strict));
    expect(err.status).toBe(400);
    expect(err.message).toContain(text);
  });

  it('takes a 128-character clientState', () => {
    expect(parseCreateRequest(body({ clientState: 'x'.repeat(128) }), NOW, strict).clientState).toHaveLength(128);
  });
});

describe('checkEndpointUrl', () => {
  it('refuses http on loopback unless the sandbox option allows it', () => {
    expect(() => checkEndpointUrl('notificationUrl', 'http://127.0.0.1:3000/n', strict)).toThrow(GraphError);
    const sandbox = { allowHttpLoopback: true };
    expect(checkEndpointUrl('notificationUrl', 'http://127.0.0.1:3000/n', sandbox)).toBe('http://127.0.0.1:3000/n');
    expect(checkEndpointUrl('notificationUrl', 'http://localhost:3000/n', sandbox)).toBe('http://localhost:3000/n');
    expect(() => checkEndpointUrl('notificationUrl', 'http://crm.example/n', sandbox)).toThrow(GraphError);
  });
});

describe('parsePatchRequest', () => {
  it('renews and may move the notificationUrl', () => {
    const expirationDateTime = new Date(NOW + 7200_000).toISOString();
    expect(parsePatchRequest({ expirationDateTime }, NOW, strict)).toEqual({ expiresAt: NOW + 7200_000 });
    expect(parsePatchRequest({ expirationDateTime, notificationUrl: 'https://crm.example/new' }, NOW, strict)).toEqual({
      expiresAt: NOW + 7200_000,
      notificationUrl: 'https://crm.example/new',
    });
  });

  it('refuses other properties, a missing expiration and one beyond the maximum', () => {
    const ok = new Date(NOW + 7200_000).toISOString();
    expect(
      errorOf(() => parsePatchRequest({ expirationDateTime: ok, clientState: 'x' }, NOW, strict)).message,
    ).toContain('clientState');
    expect(errorOf(() => parsePatchRequest({}, NOW, strict)).message).toContain('expirationDateTime');
    const tooLong = new Date(NOW + (MAX_MESSAGE_SUBSCRIPTION_MINUTES + 1) * 60_000).toISOString();
    expect(errorOf(() => parsePatchRequest({ expirationDateTime: tooLong }, NOW, strict)).code).toBe('ExtensionError');
  });
});
