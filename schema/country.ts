import type { CountryRow } from '../drizzle/schema/index.ts';
import * as resolve from '../resolvers/countries.ts';
import { DEFAULT_NESTED_LIST, MAX_NESTED_LIST } from '../resolvers/airports.ts';
import { builder, pageCost } from './builder.ts';
import { cacheHint } from './cache-hints.ts';

builder.objectType('Country', {
  ...cacheHint('Country', { tag: (c: CountryRow) => `Country:${c.code}` }),
  description: 'A country or territory from OurAirports.',
  fields: (t) => ({
    id: t.field({ type: 'ID', description: 'The same as `code`: the key normalised client caches (Apollo Client, urql) look for.', resolve: (c) => c.code }),
    code: t.exposeString('code', { description: 'ISO 3166-1 alpha-2.' }),
    name: t.exposeString('name', { description: 'Name in English, e.g. United States.' }),
    continent: t.exposeString('continent', { description: 'AF, AN, AS, EU, NA, OC or SA.' }),
    airports: t.field({
      type: ['Airport'],
      description: `Airports by name (default ${DEFAULT_NESTED_LIST}, at most ${MAX_NESTED_LIST}).`,
      args: { first: t.arg.int({ description: `How many airports (default ${DEFAULT_NESTED_LIST}, at most ${MAX_NESTED_LIST}).`, extensions: { maximum: MAX_NESTED_LIST } }) },
      complexity: pageCost(DEFAULT_NESTED_LIST, MAX_NESTED_LIST),
      resolve: resolve.countryAirports,
    }),
  }),
});

builder.queryFields((t) => ({
  country: t.field({
    type: 'Country',
    nullable: true,
    description: 'A country by its code; null when no country has it.',
    args: { code: t.arg.string({ required: true, description: 'ISO 3166-1 alpha-2 code, e.g. US; any letter case.' }) },
    resolve: resolve.country,
  }),
  countries: t.field({
    type: ['Country'],
    description: 'Every country, by name.',
    args: { continent: t.arg.string({ description: 'AF, AN, AS, EU, NA, OC or SA.' }) },
    // Every country: about 250.
    complexity: { field: 1, multiplier: 250 },
    resolve: resolve.countries,
  }),
}));
