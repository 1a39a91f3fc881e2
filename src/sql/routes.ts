import { and, eq, type SQL } from 'drizzle-orm';
import { firstPerGroup } from './first-per-group.ts';
import { routes, type RouteRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { keysetOrder, keysetWhere, type KeysetPage } from './keyset.ts';

export interface RouteFilter {
  originId?: number;
  destinationId?: number;
  airlineId?: number;
}

/** The first `first` routes out of each airport, in route (destination, airline) order. */
export const routesFromAirports = (db: Database, ids: readonly number[], first: number): Promise<RouteRow[]> =>
  firstPerGroup(db, routes, routes.originId, ids, [routes.id], first);

/** The first `first` routes into each airport, in route (origin, airline) order. */
export const routesToAirports = (db: Database, ids: readonly number[], first: number): Promise<RouteRow[]> =>
  firstPerGroup(db, routes, routes.destinationId, ids, [routes.id], first);

export function findRoutes(db: Database, filter: RouteFilter, page: KeysetPage): Promise<RouteRow[]> {
  const conditions: (SQL | undefined)[] = [
    filter.originId === undefined ? undefined : eq(routes.originId, filter.originId),
    filter.destinationId === undefined ? undefined : eq(routes.destinationId, filter.destinationId),
    filter.airlineId === undefined ? undefined : eq(routes.airlineId, filter.airlineId),
    keysetWhere(routes.id, routes.id, page),
  ];
  return db
    .select()
    .from(routes)
    .where(and(...conditions))
    .orderBy(...keysetOrder(routes.id, routes.id, page))
    .limit(page.limit);
}
