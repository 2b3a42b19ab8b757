import { Webhook } from 'standardwebhooks';

/**
 * The Standard Webhooks headers of one attempt: a fresh timestamp each time, the same id on every retry. During a
 * secret rotation's overlap both secrets sign (space-separated `v1,` signatures), so either verifies.
 */
export function webhookHeaders(id: string, body: string, secrets: string[], at: Date): Record<string, string> {
  const signatures = secrets.map((s) => new Webhook(s).sign(id, at, body));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
