/**
 * `ignoreFromSelf` support: the IPv4 address of a callback host (http-contracts §3.5).
 * delta-notifier looks the host up on every message; here successful lookups are cached per host for
 * the notifier's lifetime. A failed lookup is not cached and yields undefined (fail open: nothing is
 * filtered).
 */
import { lookup } from 'node:dns/promises';

/** Resolves a host name to one IPv4 address. */
export type LookupIPv4 = (hostname: string) => Promise<string>;

export const dnsLookupIPv4: LookupIPv4 = async (hostname) => (await lookup(hostname, { family: 4 })).address;

export interface SelfAddressResolver {
  /** The IPv4 address of the URL's host, or undefined when it cannot be resolved. */
  resolve(url: string): Promise<string | undefined>;
}

export function createSelfAddressResolver(lookupIPv4: LookupIPv4, onError: (hostname: string, error: unknown) => void): SelfAddressResolver {
  const cache = new Map<string, Promise<string | undefined>>();
  return {
    resolve(url) {
      // WHATWG URLs keep IPv6 literals in brackets; only IPv4 addresses are ever compared.
      const hostname = new URL(url).hostname;
      let pending = cache.get(hostname);
      if (!pending) {
        pending = lookupIPv4(hostname).catch((error: unknown) => {
          cache.delete(hostname);
          onError(hostname, error);
          return undefined;
        });
        cache.set(hostname, pending);
      }
      return pending;
    },
  };
}
