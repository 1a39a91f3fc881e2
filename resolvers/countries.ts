import type { CountryRow } from '../drizzle/schema/index.ts';
import type { Context } from '../src/context.ts';
import { DEFAULT_NESTED_LIST, MAX_NESTED_LIST } from './airports.ts';
import { parseCode, parseCount, parseOptionalCode } from './validate.ts';

export function country(_: unknown, args: { code: string }, ctx: Context) {
  return ctx.loaders.countryByCode.load(parseCode('country', 'code', args.code));
}

export async function countries(_: unknown, args: { continent?: string | null }, ctx: Context) {
  const rows = await ctx.catalog.listCountries({ continent: parseOptionalCode('continent', 'continent', args.continent) });
  for (const row of rows) ctx.loaders.countryByCode.prime(row.code, row);
  return rows;
}

export function countryAirports(country: CountryRow, args: { first?: number | null }, ctx: Context) {
  const first = parseCount('first', args.first, MAX_NESTED_LIST) ?? DEFAULT_NESTED_LIST;
  return ctx.loaders.airportsOfCountry.load({ key: country.code, first });
}
