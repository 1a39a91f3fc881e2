import { BlockList, isIP } from 'node:net';

/** The address a request is limited by, from its connection's peer and its X-Forwarded-For. */
export type ClientAddressOf = (peer: string | undefined, forwardedFor: string | undefined) => string;

/** What stands for a peer whose address node no longer knows (the socket closed). */
export const UNKNOWN_ADDRESS = 'unknown';

/**
 * An address as written by a peer or a proxy, in one spelling: `::ffff:` dropped from IPv4
 * addresses a dual-stack socket reports, a port and IPv6 brackets dropped (some proxies add
 * them), IPv6 in lower case. Null when it is not an IP address at all.
 */
export function normalAddress(text: string): string | null {
  let address = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.indexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  const version = isIP(address);
  if (version === 4) return address;
  if (version === 6) return address.toLowerCase();
  return null;
}

/**
 * Parses CIDRs (`10.0.0.0/8`, `fd00::/8`) or single addresses into a list `check` can ask.
 * Throws, naming the entry, on anything else: a typo must not quietly trust nobody — or everybody.
 */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [text, bits, ...rest] = entry.trim().split('/');
    const address = normalAddress(text ?? '');
    const type = address && isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const max = type === 'ipv6' ? 128 : 32;
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!address || rest.length || !(prefix >= 0 && prefix <= max)) {
      throw new Error(`not an IP address or CIDR: ${JSON.stringify(entry)} (expected e.g. 10.0.0.0/8, 192.0.2.7 or fd00::/8)`);
    }
    list.addSubnet(address, prefix, type);
  }
  return list;
}

function trusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address. X-Forwarded-For is believed only as far as trusted proxies wrote it:
 * walking from the peer leftwards, the first address that is not a trusted proxy is the
 * client — entries further left were written by that client and may be anything. With no
 * trusted proxies (the default) the header is ignored and the peer is the client.
 */
export function createClientAddress(trustedProxies: readonly string[]): ClientAddressOf {
  const list = trustedProxyList(trustedProxies);
  const none = trustedProxies.length === 0;
  return (peer, forwardedFor) => {
    const from = peer === undefined ? null : normalAddress(peer);
    if (!from) return UNKNOWN_ADDRESS;
    if (none || !forwardedFor || !trusted(list, from)) return from;
    let client = from;
    const hops = forwardedFor.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalAddress(hops[i]!);
      // A trusted proxy writes an address; anything else came from beyond it: the proxy's own
      // peer, the last address known good, is who sent it.
      if (!hop) return client;
      client = hop;
      if (!trusted(list, hop)) return hop;
    }
    // Every hop is a trusted proxy (a proxy's own health check): the first one is the client.
    return client;
  };
}

/** Expands an IPv6 address to its eight groups. */
function ipv6Groups(address: string): string[] {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parts = (text: string | undefined) => (text ? text.split(':') : []);
  let left = parts(head);
  let right = parts(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4 that was not mapped, 64:ff9b::1.2.3.4) is two groups.
  const convert = (groups: string[]) => {
    const last = groups.at(-1);
    if (!last?.includes('.')) return groups;
    const [a, b, c, d] = last.split('.').map(Number) as [number, number, number, number];
    return [...groups.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  };
  if (tail === undefined) left = convert(left);
  else right = convert(right);
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}

/**
 * The bucket an address is limited in: itself for IPv4; its /64 for IPv6, the block one
 * subscriber is given, so rotating through it does not buy a new budget.
 */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}
