import { GraphError } from '../graph/graph-error';
import { parseMessageResource, type MessageResource } from './resource-path';
import type { ChangeKind } from './subscription';

/** "Subscription lifetime": Outlook message, event, contact = 10,080 minutes (under seven days), without resource data. */
export const MAX_MESSAGE_SUBSCRIPTION_MINUTES = 10_080;
const CLIENT_STATE_MAX = 128;
const TLS_VERSIONS = ['v1_0', 'v1_1', 'v1_2', 'v1_3'];
const CHANGE_KINDS: readonly ChangeKind[] = ['created', 'updated', 'deleted'];

export interface UrlPolicy {
  /** SANDBOX-ONLY: accept http:// on 127.0.0.1 / localhost / [::1] (emulator option, off by default). */
  allowHttpLoopback: boolean;
}

export interface SubscriptionRequest {
  resource: string;
  target: MessageResource;
  changeTypes: ChangeKind[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  latestSupportedTlsVersion: string;
  expiresAt: number;
}

const invalid = (message: string, code = 'InvalidRequest'): GraphError => new GraphError(400, code, message);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A notification or lifecycle URL must be https ("subscription resource type": notificationUrl). */
export function checkEndpointUrl(field: string, value: string, policy: UrlPolicy): string {
  const label = field === 'notificationUrl' ? 'NotificationUrl' : 'LifecycleNotificationUrl';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`Invalid ${field}: '${value}' is not an absolute URL.`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'https') return value;
  if (scheme === 'http' && policy.allowHttpLoopback && LOOPBACK.has(url.hostname.toLowerCase())) return value;
  throw invalid(`${label} scheme='${scheme}' is not supported.`);
}

/** expirationDateTime: required, in the future, at most the resource's maximum from now. */
export function checkExpiration(value: unknown, nowMs: number): number {
  if (typeof value !== 'string' || !value.trim()) throw invalid("Required property 'expirationDateTime' is missing.");
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw invalid(`Invalid expirationDateTime '${value}'.`);
  if (at <= nowMs) throw invalid('Subscription expiration must be in the future.', 'ExtensionError');
  if (at > nowMs + MAX_MESSAGE_SUBSCRIPTION_MINUTES * 60_000)
    throw invalid(
      `Subscription expiration can only be ${MAX_MESSAGE_SUBSCRIPTION_MINUTES} minutes in the future.`,
      'ExtensionError',
    );
  return at;
}

function changeTypesOf(value: unknown): ChangeKind[] {
  if (typeof value !== 'string' || !value.trim()) throw invalid("Required property 'changeType' is missing.");
  const kinds = value.split(',').map((s) => s.trim());
  const bad = kinds.find((k) => !CHANGE_KINDS.includes(k as ChangeKind));
  if (bad !== undefined) throw invalid(`Invalid changeType '${bad}': use created, updated, deleted, comma separated.`);
  return [...new Set(kinds as ChangeKind[])];
}

const optionalString = (body: Record<string, unknown>, field: string): string | null => {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(`Invalid ${field}: expected a string.`);
  return v;
};

/** POST /subscriptions body -> a checked request, or the 400 Graph answers. */
export function parseCreateRequest(body: unknown, nowMs: number, policy: UrlPolicy): SubscriptionRequest {
  if (!isRecord(body)) throw invalid('Empty Payload. JSON content expected.');
  const resource = optionalString(body, 'resource');
  if (!resource) throw invalid("Required property 'resource' is missing.");
  const target = parseMessageResource(resource);
  if (!target.ok) throw invalid(`Invalid resource: ${target.reason}.`);
  const changeTypes = changeTypesOf(body.changeType);
  const notificationUrl = optionalString(body, 'notificationUrl');
  if (!notificationUrl) throw invalid("Required property 'notificationUrl' is missing.");
  checkEndpointUrl('notificationUrl', notificationUrl, policy);
  const lifecycleNotificationUrl = optionalString(body, 'lifecycleNotificationUrl');
  if (lifecycleNotificationUrl !== null) checkEndpointUrl('lifecycleNotificationUrl', lifecycleNotificationUrl, policy);
  const clientState = optionalString(body, 'clientState');
  if (clientState !== null && clientState.length > CLIENT_STATE_MAX)
    throw invalid(`Invalid clientState: the maximum length is ${CLIENT_STATE_MAX} characters.`);
  if (body.includeResourceData === true)
    throw invalid('includeResourceData is not supported by the emulator (notifications carry no resource data).');
  const tls = optionalString(body, 'latestSupportedTlsVersion') ?? 'v1_2';
  if (!TLS_VERSIONS.includes(tls)) throw invalid(`Invalid latestSupportedTlsVersion '${tls}'.`);
  return {
    resource,
    target: target.value,
    changeTypes,
    notificationUrl,
    lifecycleNotificationUrl,
    clientState,
    latestSupportedTlsVersion: tls,
    expiresAt: checkExpiration(body.expirationDateTime, nowMs),
  };
}

export interface SubscriptionPatch {
  expiresAt: number;
  notificationUrl?: string;
}

const PATCHABLE = ['expirationDateTime', 'notificationUrl'];

/** PATCH /subscriptions/{id}: renews (expirationDateTime, required) and may move notificationUrl. */
export function parsePatchRequest(body: unknown, nowMs: number, policy: UrlPolicy): SubscriptionPatch {
  if (!isRecord(body)) throw invalid('Empty Payload. JSON content expected.');
  const other = Object.keys(body).find((k) => !PATCHABLE.includes(k) && !k.startsWith('@odata.'));
  if (other !== undefined) throw invalid(`Property '${other}' cannot be updated: renew with expirationDateTime.`);
  const expiresAt = checkExpiration(body.expirationDateTime, nowMs);
  const notificationUrl = optionalString(body, 'notificationUrl');
  if (notificationUrl === null) return { expiresAt };
  return { expiresAt, notificationUrl: checkEndpointUrl('notificationUrl', notificationUrl, policy) };
}
