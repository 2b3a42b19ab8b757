import { GraphError } from '../graph/graph-error';
import { guid } from '../util/ids';
import type { DeliveryLog } from './delivery-log';
import { postToEndpoint, type PostOutcome } from './endpoint-post';

/** The opaque token Graph sends; real ones hold spaces and colons, so a receiver must URL-decode it. */
export const validationToken = (): string =>
  `Validation: Testing client application reachability for subscription Request-Id: ${guid()}`;

/** Where the validation POST goes: the URL with its own query string kept, plus validationToken. */
export function validationUrl(endpoint: string, token: string): string {
  const url = new URL(endpoint);
  url.searchParams.append('validationToken', token);
  return url.toString();
}

const failed = (message: string, code = 'ValidationError'): GraphError => new GraphError(400, code, message);

/**
 * Judges the endpoint's answer to the validation request ("notificationUrl validation"): within 10 s, 200 OK,
 * `text/plain`, and a body that is exactly the URL-decoded token. Otherwise creating the subscription fails with 400.
 */
export function judgeValidation(outcome: PostOutcome, token: string): GraphError | undefined {
  if (outcome.kind === 'timeout') return failed('Subscription validation request timed out.', 'InvalidRequest');
  if (outcome.kind === 'network') return failed(outcome.message, 'InvalidRequest');
  if (outcome.status !== 200)
    return failed(
      'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
    );
  if (!/^text\/plain\b/i.test(outcome.contentType.trim()))
    return failed('Subscription validation request failed. Must respond with 200 OK and text/plain content type.');
  if (outcome.body !== token)
    return failed(
      'Subscription validation request failed. Response must exactly match validationToken query parameter.',
    );
  return undefined;
}

/** The validation exchange for one endpoint: logged, and a GraphError (400) thrown when it fails. */
export async function validateEndpoint(
  url: string,
  subscriptionId: string,
  deps: { timeoutMs: number; now: () => number; log: DeliveryLog },
): Promise<void> {
  const token = validationToken();
  const outcome = await postToEndpoint(validationUrl(url, token), '', 'text/plain; charset=utf-8', deps.timeoutMs);
  const error = judgeValidation(outcome, token);
  deps.log.add({
    at: deps.now(),
    kind: 'validation',
    url,
    subscriptionIds: [subscriptionId],
    count: 1,
    outcome: error ? 'refused' : 'validated',
    durationMs: outcome.durationMs,
    ...(outcome.kind === 'answered' ? { status: outcome.status } : {}),
    ...(error ? { error: error.message } : {}),
  });
  if (error) throw error;
}
