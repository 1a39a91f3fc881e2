import { describe, expect, it } from 'vitest';
import { defaultTtlPolicy, ttlFor } from '../../plugins/response-cache/ttl-policy.ts';

describe('how long an answer lives for whom', () => {
  it('scales by role: anonymous ×1.5, service ×0.5, others ×1', () => {
    expect(ttlFor(defaultTtlPolicy, 3600, { kind: 'anonymous' })).toBe(5400);
    expect(ttlFor(defaultTtlPolicy, 3600, { kind: 'service' })).toBe(1800);
    expect(ttlFor(defaultTtlPolicy, 3600, { kind: 'user' })).toBe(3600);
  });

  it('never goes below the minimum, and caps realtime answers at 60 s', () => {
    expect(ttlFor(defaultTtlPolicy, 10, { kind: 'service' })).toBe(30);
    expect(ttlFor(defaultTtlPolicy, 900, { kind: 'anonymous' }, true)).toBe(60);
  });
});
