import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '@outlook-connect/shared';
import { webhookHeaders } from './sign-webhook';

describe('signing a webhook (Standard Webhooks)', () => {
  const body = JSON.stringify({ id: 'connection.created_conn_1_ca_1', type: 'connection.created', data: {} });

  it("is verified by the specification's library with the endpoint's secret", () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders('connection.created_conn_1_ca_1', body, [secret], new Date());
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  });

  it('signs with both secrets during a rotation, so either verifies', () => {
    const [now, before] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = webhookHeaders('evt_1', body, [now, before], new Date());
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(now).verify(body, headers)).toBeTruthy();
    expect(new Webhook(before).verify(body, headers)).toBeTruthy();
  });
});
