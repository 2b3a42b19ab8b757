import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { refusedAddress, type PrivateHostAllowList } from './address-policy';

export class WebhookAddressRefusedError extends Error {
  override name = 'WebhookAddressRefusedError';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/http that resolves the host itself and refuses it when any address it resolves to is refused:
 * the connection goes to the checked address, so DNS rebinding between check and connect does not get through.
 */
export function checkedLookup(allow: PrivateHostAllowList, resolve: typeof dnsLookup = dnsLookup) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    resolve(
      hostname,
      { all: true, family: typeof options.family === 'number' ? options.family : 0 },
      (err, addresses) => {
        if (err) return callback(err, []);
        const list = addresses as LookupAddress[];
        const refused = list.map((a) => refusedAddress(a.address, allow, hostname)).find(Boolean);
        if (refused || list.length === 0)
          return callback(new WebhookAddressRefusedError(`${hostname}: ${refused ?? 'no address'}`), []);
        if (options.all) return callback(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
    );
  };
}

/** The registration-time check of a host name (an IP literal is checked by checkWebhookUrl). Resolves to the refusal, or null. */
export async function refusedHost(hostname: string, allow: PrivateHostAllowList): Promise<string | null> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return refusedAddress(host, allow);
  const lookup = checkedLookup(allow);
  return new Promise((resolve) =>
    lookup(host, { all: true }, (err) =>
      resolve(
        err
          ? err instanceof WebhookAddressRefusedError
            ? err.message
            : `${host} does not resolve (${err.code ?? err.message})`
          : null,
      ),
    ),
  );
}
