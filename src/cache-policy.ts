import type { Viewer } from './auth/viewer.ts';

/**
 * How long Contrail's answers stay fresh, by what they are made of (seconds). The schema
 * declares these as @cacheControl hints; configuration may override them (CACHE_TTL_OVERRIDES).
 */
export const defaultTtlSeconds = {
  Country: 86_400,
  Region: 86_400,
  Airport: 43_200,
  Airline: 21_600,
  Route: 3_600,
  AircraftType: 86_400,
  Viewer: 300,
  // Later domains: flight status 60, flight search 300, weather current 900, forecast 3600,
  // anonymous quote 600, user quote 1800, risk 3600, flight pattern 3600, weather pattern 7200,
  // route analysis 86400.
} as const;

export interface TtlPolicy {
  /** Per type name, replacing the schema's hint. */
  overrides: Record<string, number>;
  /** Anonymous answers may live longer (they are the same for everyone); services want fresher data. */
  roleMultipliers: Partial<Record<Viewer['kind'], number>>;
  minimumSeconds: number;
  /** The cap for answers marked realtime. */
  realtimeCapSeconds: number;
}

export const defaultTtlPolicy: TtlPolicy = {
  overrides: {},
  roleMultipliers: { anonymous: 1.5, service: 0.5 },
  minimumSeconds: 30,
  realtimeCapSeconds: 60,
};

/**
 * The TTL of an entry: the operation's maxAge × the role's multiplier when the entry is one
 * role's alone (`viewer`), × 1 when several roles share it (`null`: PUBLIC answers live the
 * same whoever asked first), at least the minimum.
 */
export function ttlFor(policy: TtlPolicy, maxAgeSeconds: number, viewer: Viewer | null, realtime = false): number {
  const scaled = maxAgeSeconds * (viewer ? (policy.roleMultipliers[viewer.kind] ?? 1) : 1);
  const capped = realtime ? Math.min(scaled, policy.realtimeCapSeconds) : scaled;
  return Math.max(Math.round(capped), policy.minimumSeconds);
}
