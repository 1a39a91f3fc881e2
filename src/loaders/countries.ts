import type { Database } from '../db/database.ts';
import { countriesByCodes } from '../sql/countries.ts';
import { byKeyLoader } from './by-key.ts';

export function createCountryLoaders(db: Database) {
  return { countryByCode: byKeyLoader((codes: readonly string[]) => countriesByCodes(db, codes), (c) => c.code) };
}
