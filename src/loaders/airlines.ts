import DataLoader from 'dataloader';
import type { AirlineRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { airlinesByCodes, airlinesByIds } from '../sql/airlines.ts';
import { byKeyLoader, oneByKey } from './by-key.ts';

export function createAirlineLoaders(db: Database) {
  const airlineById = byKeyLoader((ids: readonly number[]) => airlinesByIds(db, ids), (a) => a.id);
  /** By IATA (2 characters) or ICAO (3) code; rows arrive best match first. */
  const airlineByCode = new DataLoader<string, AirlineRow | null>(async (codes) => {
    const rows = await airlinesByCodes(db, codes);
    for (const row of rows) airlineById.prime(row.id, row);
    const byIata = oneByKey(codes, rows, (a) => a.iata);
    const byIcao = oneByKey(codes, rows, (a) => a.icao);
    return codes.map((code, i) => (code.length === 2 ? byIata[i] : byIcao[i]) ?? null);
  });
  return { airlineById, airlineByCode };
}
