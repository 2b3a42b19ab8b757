import { GraphError } from '@microsoft/microsoft-graph-client';
import { MicrosoftHttpError } from './errors';
import { failure, type MicrosoftFailure, type MicrosoftFailureCode } from './failure';
import { headerValue, parseRetryAfter } from './retry-after';

/** Graph `error.code` values (compared case-insensitively) that decide regardless of status. */
export const GRAPH_ERROR_CODES: Readonly<Record<string, MicrosoftFailureCode>> = {
  invalidauthenticationtoken: 'invalid_authentication_token',
  erroraccessdenied: 'scope_missing',
  authorization_requestdenied: 'scope_missing',
  errorsendasdenied: 'send_as_denied',
  errorinvalidrecipients: 'invalid_recipient',
  errorinvalidrecipient: 'invalid_recipient',
  errorrecipientnotfound: 'invalid_recipient',
  errormessagesizeexceeded: 'message_too_large',
  syncstatenotfound: 'sync_state_invalid',
  syncstateinvalid: 'sync_state_invalid',
  resyncrequired: 'sync_state_invalid',
  mailboxnotenabledforrestapi: 'mailbox_not_enabled',
  // Exchange sending limits (unconfirmed code): the same send works later.
  errorsubmissionquotaexceeded: 'send_quota_exceeded',
  erroritemnotfound: 'not_found',
  applicationthrottled: 'throttled',
  toomanyrequests: 'throttled',
};

/** Status when the code is absent or unknown. */
function codeForStatus(status: number): MicrosoftFailureCode {
  if (status === 401) return 'invalid_authentication_token';
  if (status === 403) return 'scope_missing';
  if (status === 404) return 'not_found';
  if (status === 408) return 'network';
  if (status === 410) return 'sync_state_invalid';
  if (status === 413) return 'message_too_large';
  if (status === 429) return 'throttled';
  if (status >= 500) return 'server_error';
  if (status >= 400) return 'bad_request';
  return 'unknown';
}

export interface HttpErrorFields {
  status: number;
  code?: string | null;
  retryAfter?: string;
  message: string;
}

/** Pure decision on the fields of a Graph answer; `now` anchors an HTTP-date Retry-After. */
export function classifyHttpFailure(fields: HttpErrorFields, now: number = Date.now()): MicrosoftFailure {
  const { status, code } = fields;
  const byCode = code ? GRAPH_ERROR_CODES[code.toLowerCase()] : undefined;
  const retryAfterMs = parseRetryAfter(fields.retryAfter, now);
  // A 5xx/429 is transient whatever code it carries; the code only decides for 4xx.
  let chosen = byCode ?? codeForStatus(status);
  if (status === 429 || status >= 500) chosen = codeForStatus(status);
  // Any 401 is about the access token, except a mailbox Graph cannot serve at all.
  if (status === 401 && chosen !== 'mailbox_not_enabled') chosen = 'invalid_authentication_token';
  return failure(chosen, {
    status: status > 0 ? status : undefined,
    graphCode: code ?? undefined,
    retryAfterMs,
    message: fields.message,
  });
}

export function classifyGraphError(err: unknown, now: number = Date.now()): MicrosoftFailure | undefined {
  if (err instanceof GraphError) {
    // statusCode -1: the client failed without an answer and threw away the cause (our middleware avoids this).
    if (err.statusCode <= 0) return undefined;
    return classifyHttpFailure(
      {
        status: err.statusCode,
        code: err.code,
        retryAfter: headerValue(err.headers, 'retry-after'),
        message: err.message,
      },
      now,
    );
  }
  if (err instanceof MicrosoftHttpError) {
    return classifyHttpFailure(
      { status: err.status, code: err.code, retryAfter: err.retryAfter, message: err.message },
      now,
    );
  }
  return undefined;
}
