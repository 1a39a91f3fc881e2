import { asc, inArray } from 'drizzle-orm';
import { aircraftTypes, type AircraftTypeRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';

export function aircraftTypesByIata(db: Database, codes: readonly string[]): Promise<AircraftTypeRow[]> {
  return db
    .select()
    .from(aircraftTypes)
    .where(inArray(aircraftTypes.iata, [...codes]))
    .orderBy(asc(aircraftTypes.id));
}
