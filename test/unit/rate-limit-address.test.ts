import { describe, expect, it } from 'vitest';
import { addressBucket, createClientAddress, normalAddress, trustedProxyList, UNKNOWN_ADDRESS } from '../../src/rate-limit/client-address.ts';

describe('the client address a request is limited by', () => {
  it('is the peer, whatever X-Forwarded-For says, when no proxy is trusted (the default)', () => {
    const addressOf = createClientAddress([]);
    expect(addressOf('203.0.113.5', undefined)).toBe('203.0.113.5');
    expect(addressOf('203.0.113.5', '198.51.100.1')).toBe('203.0.113.5');
    expect(addressOf('::ffff:203.0.113.5', '198.51.100.1, 10.0.0.1')).toBe('203.0.113.5');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    const addressOf = createClientAddress(['10.0.0.0/8']);
    expect(addressOf('203.0.113.5', '198.51.100.1')).toBe('203.0.113.5');
  });

  it('is the right-most entry no trusted proxy wrote, behind trusted proxies', () => {
    const addressOf = createClientAddress(['10.0.0.0/8', '192.0.2.7']);
    expect(addressOf('10.1.2.3', '198.51.100.1')).toBe('198.51.100.1');
    // The client prepended a lie; the proxies appended the truth.
    expect(addressOf('10.1.2.3', '1.1.1.1, 198.51.100.1, 192.0.2.7')).toBe('198.51.100.1');
    // Several headers arrive joined by node with ", ".
    expect(addressOf('::ffff:10.9.9.9', '6.6.6.6, 198.51.100.2, 10.0.0.5')).toBe('198.51.100.2');
  });

  it('stops at an entry that is not an address: the proxy that wrote the next one received it', () => {
    const addressOf = createClientAddress(['10.0.0.0/8']);
    expect(addressOf('10.1.2.3', 'not-an-ip, 10.0.0.9')).toBe('10.0.0.9');
    expect(addressOf('10.1.2.3', 'garbage')).toBe('10.1.2.3');
    expect(addressOf('10.1.2.3', '')).toBe('10.1.2.3');
  });

  it('is the left-most hop when every hop is a trusted proxy', () => {
    const addressOf = createClientAddress(['10.0.0.0/8']);
    expect(addressOf('10.1.2.3', '10.0.0.1, 10.0.0.2')).toBe('10.0.0.1');
  });

  it('reads ports and IPv6 brackets as proxies write them, and trusts IPv6 ranges', () => {
    const addressOf = createClientAddress(['fd00::/8', '127.0.0.1']);
    expect(addressOf('fd00::1', '[2001:DB8::1]:4711')).toBe('2001:db8::1');
    expect(addressOf('127.0.0.1', '198.51.100.1:50123')).toBe('198.51.100.1');
    expect(addressOf('::ffff:127.0.0.1', '2001:db8::2')).toBe('2001:db8::2');
  });

  it('is "unknown" when node no longer knows the peer', () => {
    expect(createClientAddress([])(undefined, '198.51.100.1')).toBe(UNKNOWN_ADDRESS);
  });
});

describe('addresses and trusted proxy lists', () => {
  it('normalises what peers and proxies write, and refuses what is not an address', () => {
    expect(normalAddress(' ::FFFF:192.0.2.1 ')).toBe('192.0.2.1');
    expect(normalAddress('[::1]')).toBe('::1');
    expect(normalAddress('example.com')).toBeNull();
    expect(normalAddress('1.2.3.4.5')).toBeNull();
  });

  it('refuses a malformed proxy entry, naming it', () => {
    expect(() => trustedProxyList(['10.0.0.0/33'])).toThrow(/"10.0.0.0\/33"/);
    expect(() => trustedProxyList(['proxy.internal'])).toThrow(/"proxy.internal"/);
    expect(() => trustedProxyList(['10.0.0.0/8/1'])).toThrow(/not an IP address or CIDR/);
    expect(trustedProxyList(['10.0.0.0/8', '::1', 'fd00::/8']).check('10.200.0.1')).toBe(true);
  });

  it('limits an IPv4 client by its address and an IPv6 client by its /64', () => {
    expect(addressBucket('198.51.100.1')).toBe('198.51.100.1');
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });
});
