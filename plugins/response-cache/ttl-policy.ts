/**
 * How long an entry lives: the operation's maxAge (the smallest hint in its answer), scaled by
 * whose answer it is. Roles are the principal's `kind`, whatever the gateway calls them.
 */
export interface TtlPolicy {
  /** Per type name, replacing the schema's hint. */
  overrides: Record<string, number>;
  /** Anonymous answers may live longer (they are the same for everyone); services want fresher data. */
  roleMultipliers: Partial<Record<string, number>>;
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
export function ttlFor(policy: TtlPolicy, maxAgeSeconds: number, viewer: { kind: string } | null, realtime = false): number {
  const scaled = maxAgeSeconds * (viewer ? (policy.roleMultipliers[viewer.kind] ?? 1) : 1);
  const capped = realtime ? Math.min(scaled, policy.realtimeCapSeconds) : scaled;
  return Math.max(Math.round(capped), policy.minimumSeconds);
}
