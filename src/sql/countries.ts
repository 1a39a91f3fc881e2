import { asc, eq, inArray } from 'drizzle-orm';
import { countries, type CountryRow } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';

export function countriesByCodes(db: Database, codes: readonly string[]): Promise<CountryRow[]> {
  return db.select().from(countries).where(inArray(countries.code, [...codes]));
}

export function listCountries(db: Database, filter: { continent?: string }): Promise<CountryRow[]> {
  return db
    .select()
    .from(countries)
    .where(filter.continent ? eq(countries.continent, filter.continent) : undefined)
    .orderBy(asc(countries.name));
}
