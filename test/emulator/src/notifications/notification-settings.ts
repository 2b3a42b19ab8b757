import { DELIVERY_TIMEOUT_MS, VALIDATION_TIMEOUT_MS } from './retry-policy';
import type { UrlPolicy } from './subscription-request';

export interface ChangeNotificationSettings extends UrlPolicy {
  validationTimeoutMs: number;
  deliveryTimeoutMs: number;
}

/** StartOptions.changeNotifications: timeouts may be shortened for tests (less forgiving), never lengthened. */
export function changeNotificationSettings(
  opts: { allowHttpLoopback?: boolean; validationTimeoutMs?: number; deliveryTimeoutMs?: number } = {},
): ChangeNotificationSettings {
  const capped = (name: string, value: number | undefined, max: number): number => {
    if (value === undefined) return max;
    if (!(value > 0) || value > max) throw new Error(`changeNotifications.${name} must be in (0, ${max}] ms`);
    return value;
  };
  return {
    allowHttpLoopback: opts.allowHttpLoopback ?? false,
    validationTimeoutMs: capped('validationTimeoutMs', opts.validationTimeoutMs, VALIDATION_TIMEOUT_MS),
    deliveryTimeoutMs: capped('deliveryTimeoutMs', opts.deliveryTimeoutMs, DELIVERY_TIMEOUT_MS),
  };
}
