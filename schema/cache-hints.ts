import type { CacheScope } from '../plugins/response-cache/cache-control.ts';
import { defaultTtlSeconds } from '../src/cache-policy.ts';

export interface CacheHintOptions<Row> {
  /** Who may share answers that contain the type. Default: PUBLIC. */
  scope?: CacheScope;
  /** Seconds a stale answer may still be served while one refresh runs. Default: none. */
  grace?: number;
  /**
   * The entity tag of one row (`Airport:3797`): answers that contain it carry it, and a write
   * to it invalidates them. Every type with an identity has one (a test checks).
   */
  tag?: (row: Row) => string;
}

/**
 * A type's whole cache declaration in one place — its maxAge from the policy table, scope,
 * grace and entity tag — to spread into `builder.objectType(name, { ...cacheHint(…), … })`,
 * so that no type declares a lifetime and forgets how it is invalidated.
 */
export function cacheHint<Row>(type: keyof typeof defaultTtlSeconds, { scope = 'PUBLIC', grace, tag }: CacheHintOptions<Row> = {}) {
  return {
    directives: { cacheControl: { maxAge: defaultTtlSeconds[type], scope, ...(grace === undefined ? {} : { grace }) } },
    extensions: tag ? { cacheTag: tag } : {},
  };
}
