import DataLoader from 'dataloader';
import type { AircraftTypeRow, RouteRow } from '../../drizzle/schema/index.ts';
import { aircraftTypesByIata } from '../catalog/aircraft-types.ts';
import { manyByKey } from '../catalog/by-key.ts';
import { routesFromAirports, routesToAirports } from '../catalog/routes.ts';
import type { Database } from '../db/database.ts';
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
    aircraftTypesByIata: new DataLoader<string, AircraftTypeRow[]>(async (codes) =>
      manyByKey(codes, await aircraftTypesByIata(db, codes), (t) => t.iata ?? ''),
    ),
  };
}
