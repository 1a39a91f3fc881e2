import type { AirportRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { airportsByCountries, airportsByIata, airportsByIcao, airportsByIds } from '../sql/airports.ts';
import { byKeyLoader } from './by-key.ts';
import { createFirstNLoader } from './first-n-loader.ts';

export function createAirportLoaders(db: Database) {
  const airportById = byKeyLoader((ids: readonly number[]) => airportsByIds(db, ids), (a) => a.id);
  // The same airport reached later by id (a route's destination) costs no statement.
  const primeById = (row: AirportRow) => airportById.prime(row.id, row);
  const airportByIata = byKeyLoader((codes: readonly string[]) => airportsByIata(db, codes), (a) => a.iata, primeById);
  const airportByIcao = byKeyLoader((codes: readonly string[]) => airportsByIcao(db, codes), (a) => a.icao, primeById);
  const airportsOfCountry = createFirstNLoader<string, AirportRow>(
    (codes, first) => airportsByCountries(db, codes, first),
    (a) => a.countryCode,
  );
  return { airportById, airportByIata, airportByIcao, airportsOfCountry };
}
