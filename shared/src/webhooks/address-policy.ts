import { BlockList, isIP } from 'node:net';

// Where a webhook may be sent. Private, loopback, link-local, unique-local, CGNAT, multicast, reserved and cloud
// metadata addresses are refused (SSRF) unless the host or address is on the explicit allow-list (local development
// and tests). Checked at registration and again on the address the connection actually uses, after DNS.

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, bits, 'ipv6');

/** The hosts and addresses allowed although private (WEBHOOK_ALLOW_PRIVATE_HOSTS), lower-cased. */
export type PrivateHostAllowList = ReadonlySet<string>;

export const parseAllowList = (spec: string | undefined): PrivateHostAllowList =>
  new Set(
    (spec ?? '')
      .split(',')
      .map((s) =>
        s
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ''),
      )
      .filter(Boolean),
  );

/** IPv4-mapped IPv6 (::ffff:10.0.0.1) is checked as the IPv4 address it carries. */
function normalize(ip: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const bare = ip.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1]!, 16);
    const lo = parseInt(hexMapped[2]!, 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  const v = isIP(bare);
  return v === 4 ? { address: bare, family: 'ipv4' } : v === 6 ? { address: bare, family: 'ipv6' } : null;
}

/** Why an address may not receive webhooks, or null when it may. */
export function refusedAddress(ip: string, allow: PrivateHostAllowList, host?: string): string | null {
  const n = normalize(ip);
  if (!n) return `"${ip}" is not an IP address`;
  if (allow.has(n.address) || (host && allow.has(host.toLowerCase()))) return null;
  return blocked.check(n.address, n.family)
    ? `${n.address} is a private, loopback, link-local or reserved address`
    : null;
}

export interface UrlCheck {
  ok: boolean;
  reason?: string;
}

/** The URL's own checks (before DNS): https (http only for an allow-listed host), no credentials, an allowed literal address. */
export function checkWebhookUrl(raw: string, allow: PrivateHostAllowList): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'must be an absolute URL' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allow.has(host)))
    return { ok: false, reason: 'must be an https URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
  if (isIP(host)) {
    const why = refusedAddress(host, allow);
    if (why) return { ok: false, reason: `refused: ${why}` };
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    if (!allow.has(host)) return { ok: false, reason: 'refused: localhost is a loopback address' };
  }
  return { ok: true };
}
