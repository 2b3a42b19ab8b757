import { FAILURE_KIND, type MicrosoftFailure, type MicrosoftFailureCode } from '@outlook-connect/shared';
import { markerFilter, MARKER_PROPERTY_ID, recipientTotal, toGraphMessage } from './graph-message';
import { decideOutcome } from '../operations/outcome';
import { sendOperationPolicy } from './send-kind';
import {
  certainlyNotSent,
  DEFAULT_SEND_POLICY,
  nextDraftStep,
  readFindings,
  sendModeFor,
  sendPolicyFromEnv,
} from './send-policy';

const failure = (code: MicrosoftFailureCode, extra: Partial<MicrosoftFailure> = {}): MicrosoftFailure => ({
  kind: FAILURE_KIND[code],
  code,
  message: '',
  ...extra,
});

describe('sendModeFor', () => {
  it('drafts with Mail.ReadWrite + Mail.Send, sendMail with Mail.Send only, nothing without Mail.Send', () => {
    expect(sendModeFor(['offline_access', 'Mail.ReadWrite', 'Mail.Send'])).toBe('draft');
    expect(sendModeFor(['https://graph.microsoft.com/Mail.Send'])).toBe('send_mail');
    expect(sendModeFor(['Mail.Read', 'Mail.Send'])).toBe('send_mail');
    expect(sendModeFor(['Mail.Read'])).toBe('none');
    expect(sendModeFor([])).toBe('none');
  });
});

describe('marker lookup and the next draft step', () => {
  const draft = { id: 'd1', isDraft: true };
  const sent = { id: 's1', isDraft: false, internetMessageId: '<m@x>', conversationId: 'c1' };
  it('first attempt: create a draft, or send the recorded one', () => {
    expect(nextDraftStep(null, null)).toEqual({ step: 'create_draft' });
    expect(nextDraftStep('d1', null)).toEqual({ step: 'send', draftId: 'd1' });
  });
  it('a sent copy means done, whatever drafts remain', () => {
    expect(nextDraftStep('d1', readFindings([draft, sent]))).toEqual({
      step: 'done',
      sent: { sentMessageId: 's1', internetMessageId: '<m@x>', conversationId: 'c1' },
    });
  });
  it('sends the recorded draft if it is still there, else a found one, else creates one', () => {
    expect(nextDraftStep('d1', readFindings([{ id: 'd0', isDraft: true }, draft]))).toEqual({
      step: 'send',
      draftId: 'd1',
    });
    expect(nextDraftStep(null, readFindings([draft]))).toEqual({ step: 'send', draftId: 'd1' });
    expect(nextDraftStep('gone', readFindings([]))).toEqual({ step: 'create_draft' });
  });
});

describe('a retry after a submission that got no clear answer', () => {
  const draft = { id: 'd1', isDraft: true };
  const sent = { id: 's1', isDraft: false, internetMessageId: '<m@x>', conversationId: 'c1' };
  const earlier = (ageMs: number) => ({ submittedAtMs: 0, nowMs: ageMs, transitMaxMs: 600_000, recheckMs: 10_000 });
  it('takes the draft found as in transit (Exchange leaves it in Drafts until it is sent): looks again, never re-sends', () => {
    expect(nextDraftStep('d1', readFindings([draft]), earlier(5_000))).toEqual({
      step: 'in_transit',
      lookAgainAtMs: 15_000,
    });
    expect(nextDraftStep('d1', readFindings([]), earlier(595_000))).toEqual({
      step: 'in_transit',
      lookAgainAtMs: 600_000,
    });
  });
  it('a copy in Sent Items wins: done, with its ids', () => {
    expect(nextDraftStep('d1', readFindings([draft, sent]), earlier(5_000))).toEqual({
      step: 'done',
      sent: { sentMessageId: 's1', internetMessageId: '<m@x>', conversationId: 'c1' },
    });
  });
  it('a draft still there past the transit bound never went out: submit it again (or a new one if it is gone)', () => {
    expect(nextDraftStep('d1', readFindings([draft]), earlier(600_000))).toEqual({
      step: 'send',
      draftId: 'd1',
      resubmit: true,
    });
    expect(nextDraftStep('d1', readFindings([]), earlier(700_000))).toEqual({ step: 'create_draft', resubmit: true });
  });
});

describe('certainlyNotSent', () => {
  it('only a clear refusal counts; no answer, 408 and 5xx may have sent', () => {
    expect(certainlyNotSent({ status: 429 })).toBe(true);
    expect(certainlyNotSent({ status: 400 })).toBe(true);
    expect(certainlyNotSent({ status: 403 })).toBe(true);
    expect(certainlyNotSent({ status: 408 })).toBe(false);
    expect(certainlyNotSent({ status: 503 })).toBe(false);
    expect(certainlyNotSent({ status: undefined })).toBe(false);
  });
});

describe('what a classified failure means for a send (the shared outcome, the send policy)', () => {
  const decide = (f: MicrosoftFailure) =>
    decideOutcome(
      {
        obstacle: { type: 'microsoft', failure: f },
        nowMs: 10_000,
        dueAtMs: 10_000,
        runs: 1,
        attemptsMade: 1,
        maxAttempts: 10,
      },
      sendOperationPolicy(DEFAULT_SEND_POLICY),
    ).action;
  it('throttling waits for Retry-After; other transients retry', () => {
    expect(decide(failure('throttled', { status: 429, retryAfterMs: 2_000 }))).toBe('postpone');
    expect(decide(failure('server_error', { status: 500 }))).toBe('retry');
  });
  it('reconnect and app credential failures wait for a reconnect; permanent ones fail', () => {
    expect(decide(failure('grant_revoked'))).toBe('postpone');
    expect(decide(failure('client_secret_expired'))).toBe('postpone');
    expect(decide(failure('send_as_denied', { status: 403 }))).toBe('fail');
    expect(decide(failure('invalid_recipient', { status: 400 }))).toBe('fail');
  });
});

describe('send policy from the environment', () => {
  it('reads SEND_WAIT_FOR_RECONNECT_SEC and rejects nonsense', () => {
    expect(sendPolicyFromEnv({ SEND_WAIT_FOR_RECONNECT_SEC: '90' }).waitForReconnectMs).toBe(90_000);
    expect(sendPolicyFromEnv({}).waitForReconnectMs).toBe(24 * 3600_000);
    expect(sendPolicyFromEnv({}).confirm).toEqual({ firstCheckMs: 10_000, maxChecks: 5 });
    expect(sendPolicyFromEnv({ SEND_CONFIRM_AFTER_SEC: '3', SEND_CONFIRM_CHECKS: '2' }).confirm).toEqual({
      firstCheckMs: 3_000,
      maxChecks: 2,
    });
    expect(() => sendPolicyFromEnv({ SEND_CONFIRM_CHECKS: '0' })).toThrow(/SEND_CONFIRM_CHECKS/);
    expect(sendPolicyFromEnv({}).transitMaxMs).toBe(600_000);
    expect(() => sendPolicyFromEnv({ SEND_TRANSIT_MAX_SEC: '1' })).toThrow(/SEND_TRANSIT_MAX_SEC/);
    expect(() => sendPolicyFromEnv({ SEND_WAIT_FOR_RECONNECT_SEC: '-1' })).toThrow(/SEND_WAIT_FOR_RECONNECT_SEC/);
  });
});

describe('graph message', () => {
  const message = {
    to: [{ address: 'a@x.com', name: 'A' }],
    cc: [{ address: 'c@x.com' }],
    subject: 'Hi',
    body: { contentType: 'html' as const, content: '<p>hi</p>' },
    attachments: [{ name: 'a.txt', contentType: 'text/plain', contentBase64: 'aGk=' }],
  };
  it('carries the marker in exactly one extended property and maps recipients and attachments', () => {
    const g = toGraphMessage(message, 'oc-send_1');
    expect(g.singleValueExtendedProperties).toEqual([{ id: MARKER_PROPERTY_ID, value: 'oc-send_1' }]);
    expect(g.toRecipients).toEqual([{ emailAddress: { address: 'a@x.com', name: 'A' } }]);
    expect(g.body).toEqual({ contentType: 'HTML', content: '<p>hi</p>' });
    expect(g.attachments).toEqual([
      {
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: 'a.txt',
        contentType: 'text/plain',
        contentBytes: 'aGk=',
      },
    ]);
    expect(g).not.toHaveProperty('internetMessageHeaders');
    expect(recipientTotal(message)).toBe(2);
  });
  it('filters on the marker with quotes escaped', () => {
    expect(markerFilter("o'c")).toBe(
      `singleValueExtendedProperties/Any(ep: ep/id eq '${MARKER_PROPERTY_ID}' and ep/value eq 'o''c')`,
    );
  });
});
