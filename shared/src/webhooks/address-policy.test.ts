import { checkWebhookUrl, parseAllowList, refusedAddress } from './address-policy';
import { checkedLookup, refusedHost } from './resolve-checked';

const none = parseAllowList('');

describe('where webhooks may go', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fd00:ec2::254',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:a00:1',
    '224.0.0.1',
  ])('refuses %s', (ip) => expect(refusedAddress(ip, none)).toMatch(/private|loopback|reserved/));

  it.each(['93.184.216.34', '2606:4700::1111', '8.8.8.8'])('accepts the public address %s', (ip) =>
    expect(refusedAddress(ip, none)).toBeNull(),
  );

  it('lets the allow-list through, by address or by host', () => {
    expect(refusedAddress('127.0.0.1', parseAllowList('127.0.0.1'))).toBeNull();
    expect(refusedAddress('127.0.0.1', parseAllowList('receiver.test'), 'receiver.test')).toBeNull();
    expect(refusedAddress('10.0.0.1', parseAllowList('127.0.0.1'))).not.toBeNull();
  });

  it('checks the URL: https, no credentials, no literal private address', () => {
    expect(checkWebhookUrl('https://crm.example.com/hooks', none)).toEqual({ ok: true });
    expect(checkWebhookUrl('http://crm.example.com/hooks', none).reason).toBe('must be an https URL');
    expect(checkWebhookUrl('https://u:p@crm.example.com/', none).reason).toBe('must not carry credentials');
    expect(checkWebhookUrl('https://127.0.0.1/', none).reason).toMatch(/^refused/);
    expect(checkWebhookUrl('https://[::1]:8443/', none).reason).toMatch(/^refused/);
    expect(checkWebhookUrl('https://localhost/', none).reason).toMatch(/^refused/);
    expect(checkWebhookUrl('not a url', none).reason).toBe('must be an absolute URL');
    expect(checkWebhookUrl('http://127.0.0.1:9000/in', parseAllowList('127.0.0.1'))).toEqual({ ok: true });
  });

  it('refuses a host whose DNS answer holds a private address (any of them), at connection time', async () => {
    const fakeDns = ((_h: string, _o: unknown, cb: (e: null, a: Array<{ address: string; family: number }>) => void) =>
      cb(null, [
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.5', family: 4 },
      ])) as never;
    const lookup = checkedLookup(none, fakeDns);
    const err = await new Promise<Error | null>((resolve) => lookup('rebind.example', {}, (e) => resolve(e)));
    expect(err?.name).toBe('WebhookAddressRefusedError');
    expect(await refusedHost('127.0.0.1', none)).toMatch(/loopback/);
  });
});
