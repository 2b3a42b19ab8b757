import { DEFAULT_FAULT_RETRY_AFTER_SEC, GRAPH_FAULT_CODES, faultRetryAfter } from './fault-response';

describe('injected Graph answers', () => {
  it('429, 503 and 504 carry Retry-After unless the fault names one or refuses it', () => {
    for (const status of [429, 503, 504])
      expect(faultRetryAfter({ status }, 'graph')).toBe(DEFAULT_FAULT_RETRY_AFTER_SEC);
    expect(faultRetryAfter({ status: 503, retryAfterSec: 7 }, 'graph')).toBe(7);
    expect(faultRetryAfter({ status: 503, noRetryAfter: true }, 'graph')).toBeUndefined();
    expect(faultRetryAfter({ status: 500 }, 'graph')).toBeUndefined();
    expect(faultRetryAfter({ status: 503 }, 'identity')).toBeUndefined();
  });

  it('default codes in the casing "Microsoft Graph error responses" lists', () => {
    expect(GRAPH_FAULT_CODES[503]).toBe('serviceNotAvailable');
    expect(GRAPH_FAULT_CODES[429]).toBe('activityLimitReached');
    expect(GRAPH_FAULT_CODES[500]).toBe('generalException');
    expect(GRAPH_FAULT_CODES[400]).toBe('invalidRequest');
  });
});
