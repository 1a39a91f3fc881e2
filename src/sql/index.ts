import type { Database } from '../db/database.ts';
import { findAirlines, type AirlineFilter } from './airlines.ts';
import { findAirports, updateAirport, type AirportFilter, type AirportPatch } from './airports.ts';
import { listCountries } from './countries.ts';
import type { KeysetPage } from './keyset.ts';
import { findRoutes, type RouteFilter } from './routes.ts';
import { registerTrustedDocument } from './trusted-documents.ts';

export type Catalog = ReturnType<typeof createCatalog>;

/** The reference-data listings, bound to one database: what resolvers search with. */
export function createCatalog(db: Database) {
  return {
    findAirports: (filter: AirportFilter, page: KeysetPage) => findAirports(db, filter, page),
    findAirlines: (filter: AirlineFilter, page: KeysetPage) => findAirlines(db, filter, page),
    findRoutes: (filter: RouteFilter, page: KeysetPage) => findRoutes(db, filter, page),
    listCountries: (filter: { continent?: string }) => listCountries(db, filter),
    updateAirport: (id: number, patch: AirportPatch) => updateAirport(db, id, patch),
    registerTrustedDocument: (entry: Parameters<typeof registerTrustedDocument>[1]) => registerTrustedDocument(db, entry),
  };
}
