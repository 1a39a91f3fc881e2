import DataLoader from 'dataloader';
import type { CountryRow } from '../../drizzle/schema/index.ts';
import { oneByKey } from '../catalog/by-key.ts';
import { countriesByCodes } from '../catalog/countries.ts';
import type { Database } from '../db/database.ts';

export function createCountryLoaders(db: Database) {
  const countryByCode = new DataLoader<string, CountryRow | null>(async (codes) =>
    oneByKey(codes, await countriesByCodes(db, codes), (c) => c.code),
  );
  return { countryByCode };
}
