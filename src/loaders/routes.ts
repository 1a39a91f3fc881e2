import type { RouteRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { aircraftTypesByIata } from '../sql/aircraft-types.ts';
import { routesFromAirports, routesToAirports } from '../sql/routes.ts';
import { groupLoader } from './by-key.ts';
import { createFirstNLoader } from './first-n-loader.ts';

export function createRouteLoaders(db: Database) {
  return {
    routesFrom: createFirstNLoader<number, RouteRow>(
      (ids, first) => routesFromAirports(db, ids, first),
      (r) => r.originId,
    ),
    routesTo: createFirstNLoader<number, RouteRow>(
      (ids, first) => routesToAirports(db, ids, first),
      (r) => r.destinationId,
    ),
    /** Several types can share an IATA code (variants), so each code yields a list. */
    aircraftTypesByIata: groupLoader((codes: readonly string[]) => aircraftTypesByIata(db, codes), (t) => t.iata ?? ''),
  };
}
