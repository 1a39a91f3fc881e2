import type { Admin } from './admin/service.ts';
import type { Viewer } from './auth/viewer.ts';
import type { Database } from './db/database.ts';
import type { EntityStores } from './entities/create-entities.ts';
import type { FlightIngest } from './entities/ingest.ts';
import { createEntityLoaders } from './loaders/entities.ts';
import { createLoaders, type Loaders } from './loaders/index.ts';
import type { QuotePriors } from './loaders/quote-priors.ts';
import type { Catalog } from './sql/index.ts';
import type { PricingConfig } from '../resolvers/pricing/config.ts';

/** Dates the flight upstream can answer, relative to today: outside them is BAD_USER_INPUT. */
export interface FlightDateWindow {
  pastDays: number;
  futureDays: number;
}

/** What every resolver receives: who is asking, loaders made for this request, the catalog's listings. */
export interface Context {
  viewer: Viewer;
  loaders: Loaders & ReturnType<typeof createEntityLoaders>;
  catalog: Catalog;
  flightDates: FlightDateWindow;
  /** How quotes are priced (resolvers/pricing/config.ts, with the configured overrides). */
  pricing: PricingConfig;
  /** Entities this request read (`Airport:3797`): the cache tags of its answer. */
  cacheTags: Set<string>;
  /** Seconds its answer may be cached at most, when something it read says so (see limitCacheAge). */
  cacheMaxAge: number | undefined;
  /**
   * What a write calls with the tags of what it changed, before it returns: every cached
   * answer carrying one of them, in every tier and instance, is unreadable once this resolves.
   */
  invalidate: Invalidate;
  /** A flight status pushed by a service: persisted, invalidated everywhere, then served. */
  ingestFlight: FlightIngest;
  /** The admin operations: each checks the viewer and audit-logs itself. */
  admin?: Admin;
}

export type Invalidate = (tags: readonly string[]) => Promise<void>;

/** What the gateway holds for every request; the context adds who asks and fresh loaders. */
export interface ContextDeps {
  db: Database;
  catalog: Catalog;
  stores: EntityStores;
  flightDates: FlightDateWindow;
  pricing: PricingConfig;
  /** The prior levels quotes are priced from, kept across requests (src/loaders/quote-priors.ts). */
  quotePriors: QuotePriors;
  invalidate: Invalidate;
  ingestFlight: FlightIngest;
  /** The admin operations (src/admin/); absent where the gateway offers none. */
  admin?: Admin;
}

export function createContext({ db, catalog, stores, flightDates, pricing, quotePriors, invalidate, ingestFlight, admin }: ContextDeps, viewer: Viewer): Context {
  return {
    viewer,
    loaders: { ...createLoaders(db, { quotePriors }), ...createEntityLoaders(stores) },
    catalog,
    flightDates,
    pricing,
    cacheTags: new Set(),
    cacheMaxAge: undefined,
    invalidate,
    ingestFlight,
    admin,
  };
}

/** Keeps the answer at most `seconds` in the response cache (the lowest limit wins). */
export function limitCacheAge(ctx: Context, seconds: number): void {
  ctx.cacheMaxAge = Math.min(ctx.cacheMaxAge ?? seconds, seconds);
}
