import DataLoader from 'dataloader';
import type { AirportRow } from '../../drizzle/schema/index.ts';
import { airportsByCountries, airportsByIata, airportsByIcao, airportsByIds } from '../catalog/airports.ts';
import { oneByKey } from '../catalog/by-key.ts';
import type { Database } from '../db/database.ts';
import { createFirstNLoader } from './first-n-loader.ts';

export function createAirportLoaders(db: Database) {
  const airportById = new DataLoader<number, AirportRow | null>(async (ids) =>
    oneByKey(ids, await airportsByIds(db, ids), (a) => a.id),
  );
  const airportByIata = new DataLoader<string, AirportRow | null>(async (codes) => {
    const rows = await airportsByIata(db, codes);
    // The same airport reached later by id (a route's destination) costs no statement.
    for (const row of rows) airportById.prime(row.id, row);
    return oneByKey(codes, rows, (a) => a.iata);
  });
  const airportByIcao = new DataLoader<string, AirportRow | null>(async (codes) => {
    const rows = await airportsByIcao(db, codes);
    for (const row of rows) airportById.prime(row.id, row);
    return oneByKey(codes, rows, (a) => a.icao);
  });
  const airportsOfCountry = createFirstNLoader<string, AirportRow>(
    (codes, first) => airportsByCountries(db, codes, first),
    (a) => a.countryCode,
  );
  return { airportById, airportByIata, airportByIcao, airportsOfCountry };
}
