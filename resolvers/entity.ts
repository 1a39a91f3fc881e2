import { limitCacheAge, type Context } from '../src/context.ts';
import { DEGRADED_ANSWER_MAX_AGE_S, type Entity } from '../src/entities/entity-store.ts';
import { upstreamUnavailable } from './errors.ts';

/**
 * An upstream entity as a resolver may use it: an error when there is none to stand in
 * (UPSTREAM_UNAVAILABLE for `what`), and a short cache life for the answer when it is a stale
 * or recorded copy.
 */
export function usable<V>(ctx: Context, what: string, entity: Entity<V> | Error): Entity<V> {
  if (entity instanceof Error) throw upstreamUnavailable(what);
  if (entity.source === 'stale' || entity.source === 'history') limitCacheAge(ctx, DEGRADED_ANSWER_MAX_AGE_S);
  return entity;
}

/** Seconds since the upstream said it. */
export const secondsSince = (fetchedAt: number) => Math.max(0, Math.round((Date.now() - fetchedAt) / 1000));
