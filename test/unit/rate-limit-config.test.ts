import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { defaultRateLimits } from '../../src/rate-limit/create-rate-limit.ts';

describe('rate limit settings from the environment', () => {
  it('defaults to on: a hit costs 1, a miss 10, 300 points per address and 600 per user a minute, createQuote 30 an hour', () => {
    expect(loadConfig({}).rateLimit).toEqual({
      ...defaultRateLimits,
      enabled: true,
      hitCost: 1,
      missCost: 10,
      anonymousPerMinute: 300,
      userPerMinute: 600,
      trustedProxies: [],
      fields: { 'Mutation.createQuote': { points: 30, durationSeconds: 3600 } },
    });
  });

  it('reads every variable, and 0 createQuote uses an hour means no field limit', () => {
    const config = loadConfig({
      RATE_LIMIT_ENABLED: 'false',
      RATE_LIMIT_HIT_COST: '2',
      RATE_LIMIT_MISS_COST: '20',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
      RATE_LIMIT_USER_PER_MINUTE: '1200',
      RATE_LIMIT_CREATE_QUOTE_PER_HOUR: '0',
      TRUSTED_PROXIES: ' 10.0.0.0/8, fd00::/8 ,192.0.2.7',
    }).rateLimit;
    expect(config).toMatchObject({ enabled: false, hitCost: 2, missCost: 20, anonymousPerMinute: 0, userPerMinute: 1200, fields: {} });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
  });

  it('refuses a trusted proxy that is not an address or CIDR, naming it', () => {
    const attempt = () => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8,lb.internal' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/TRUSTED_PROXIES[\s\S]*"lb.internal"/);
  });
});
